// The registry of language servers: which server handles a file, how to start it,
// and how to find its project root. The table of servers codeintel knows is
// known-servers.ts; servers that ship as npm dependencies of codeintel are resolved from
// our own node_modules (never from PATH, so the versions are the ones we tested), the
// others are found on PATH (or in the project's node_modules/.bin or virtualenv where that
// is the convention). The user's codeintel.json adds, overrides, enables (opt-in ones) or
// disables entries (see src/workspace/config.ts).
//
//   buildRegistry(config)              → ServerRegistry
//   registry.specFor(absPath)          → ServerSpec | undefined (the first installed candidate)
//   registry.locate(spec, fromDir?)    → where its command is, or undefined when not installed
//   registry.resolveLaunch(spec, dir?) → Launch (throws LspError "unavailable" with an install hint)
//   registry.fingerprint(spec, dir?)   → { serverId, version, configHash, notInstalled? }
//   registry.notInstalled(spec, dir?)  → the install error when the server is not installed, else null

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, delimiter, dirname, extname, isAbsolute, join } from "node:path";
import { ConfigError, type CodeintelConfig, type ServerConfigEntry } from "../workspace/config.js";
import { LspError } from "./errors.js";
import { knownServers } from "./known-servers.js";
import { packageDir, type ServerSpec } from "./server-spec.js";
import { isNotInstalled, notInstalledError } from "./server-shortfall.js";
import type { CommandLocation } from "../protocol/index.js";
export type { CommandLocation } from "../protocol/index.js";
export type { ServerSpec } from "./server-spec.js";


export interface Launch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface ServerFingerprint {
  serverId: string;
  /** "not-installed" while the server cannot be found (`notInstalled` says how to install it). */
  version: string;
  configHash: string;
  /** Set when the server is not installed: its error, with the install hint. */
  notInstalled?: string;
}

/** Where a server's command was found: shipped with codeintel, on PATH, in a project's node_modules or virtualenv. */
/** A known server that takes no files, and why. */
export interface InactiveServer {
  spec: ServerSpec;
  reason: "opt-in" | "disabled";
}

const requireHere = createRequire(import.meta.url);

function packageVersion(name: string): string | undefined {
  const dir = packageDir(name);
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** How long a look-up of whether a server is installed is trusted (a user may install one meanwhile). */
const LOOKUP_TTL_MS = 10_000;

export class ServerRegistry {
  /** Extension or file name → the servers that handle it, preferred first. */
  private readonly candidates = new Map<string, ServerSpec[]>();
  private readonly versions = new Map<string, string>();
  private readonly lookups = new Map<string, { at: number; found: CommandLocation | undefined }>();

  /** `specs` in order of preference; `inactive` are known but take no files. */
  constructor(
    readonly specs: readonly ServerSpec[],
    readonly inactive: readonly InactiveServer[] = [],
  ) {
    for (const spec of specs) {
      for (const key of Object.keys(spec.languageIds)) {
        const list = this.candidates.get(key) ?? [];
        list.push(spec);
        this.candidates.set(key, list);
      }
    }
  }

  get(id: string): ServerSpec | undefined {
    return this.specs.find((s) => s.id === id);
  }

  /** Every server that handles this file, preferred first. */
  candidatesFor(path: string): readonly ServerSpec[] {
    return this.candidates.get(basename(path)) ?? this.candidates.get(extname(path).toLowerCase()) ?? [];
  }

  /** The first installed server for the file; the preferred one when none is (its launch then says how to install it). */
  specFor(path: string): ServerSpec | undefined {
    const list = this.candidatesFor(path);
    if (list.length <= 1) return list[0];
    const fromDir = isAbsolute(path) ? dirname(path) : undefined;
    return list.find((spec) => this.locate(spec, fromDir)) ?? list[0];
  }

  languageIdFor(spec: ServerSpec, absPath: string): string {
    return spec.languageIds[basename(absPath)] ?? spec.languageIds[extname(absPath).toLowerCase()] ?? Object.values(spec.languageIds)[0] ?? "plaintext";
  }

  /** The error for a file no server handles, naming the supported extensions. */
  noServerError(absPath: string): LspError {
    const ext = extname(absPath) || "(no extension)";
    const known = [...this.candidates.keys()].sort().join(" ");
    const optIn = this.inactive.filter((s) => s.reason === "opt-in" && s.spec.languageIds[ext.toLowerCase()]).map((s) => s.spec.id);
    return new LspError(
      "unavailable",
      `no language server handles '${ext}' files. Supported: ${known}.` +
        (optIn.length > 0 ? ` Opt-in servers for it: ${optIn.join(", ")} (enable one under "servers" in codeintel.json).` : ` Add a server for it under "servers" in codeintel.json.`),
      { extension: ext },
    );
  }

  /**
   * Where the server's command is, or undefined when it is not installed. Bare commands are
   * looked for in the spec's `lookIn` places above `fromDir` first (the project's own
   * version), then on PATH, then in codeintel's node_modules/.bin.
   */
  locate(spec: ServerSpec, fromDir?: string): CommandLocation | undefined {
    const key = `${spec.id}\0${spec.command[0]}\0${fromDir ?? ""}`;
    const cached = this.lookups.get(key);
    if (cached && Date.now() - cached.at < LOOKUP_TTL_MS) return cached.found;
    const found = locateCommand(spec, fromDir);
    this.lookups.set(key, { at: Date.now(), found });
    return found;
  }

  /** Resolves the argv to spawn, or throws an "unavailable" error that says how to install the server. */
  resolveLaunch(spec: ServerSpec, fromDir?: string): Launch {
    const [head, ...rest] = spec.command;
    const args = rest.map((a) => (a.startsWith("npm:") ? this.resolveNpmFile(spec, a) : a));
    if (head === "node") return { command: process.execPath, args, env: spec.env };
    if (head.startsWith("npm:")) return { command: this.resolveNpmFile(spec, head), args, env: spec.env };
    const found = locateCommand(spec, fromDir);
    if (!found) {
      const where = head.includes("/") ? "" : ` on PATH${spec.lookIn ? ` or in the project's ${spec.lookIn.map((l) => (l === "venv" ? "virtualenv" : "node_modules/.bin")).join(" or ")}` : ""}`;
      throw notInstalledError(spec.id, `language server '${spec.id}' is not installed: '${head}' was not found${where}. To fix: ${spec.install}.`);
    }
    return { command: found.path, args, env: spec.env };
  }

  /**
   * The server's identity for cache keys. A server that is not installed has the version
   * "not-installed", so the key changes once it is installed and its files are asked then.
   */
  fingerprint(spec: ServerSpec, fromDir?: string): ServerFingerprint {
    const missing = this.notInstalled(spec, fromDir);
    if (missing) return { serverId: spec.id, version: "not-installed", configHash: configHash(spec), notInstalled: missing };
    return { serverId: spec.id, version: this.version(spec), configHash: configHash(spec) };
  }

  /** Why the server cannot be started (not installed: the error with the install hint), or null: resolveLaunch's own check. */
  notInstalled(spec: ServerSpec, fromDir?: string): string | null {
    try {
      this.resolveLaunch(spec, fromDir);
      return null;
    } catch (e) {
      if (isNotInstalled(e)) return (e as Error).message;
      throw e;
    }
  }

  /** Server version for cache keys: the npm package versions, or the first line the command prints for versionArgs. */
  version(spec: ServerSpec): string {
    if (spec.version) return spec.version;
    const cached = this.versions.get(spec.id);
    if (cached) return cached;
    let version: string;
    const npmPkgs = spec.command.filter((a) => a.startsWith("npm:")).map((a) => npmPackageName(a.slice(4)));
    if (npmPkgs.length > 0) {
      version = [...npmPkgs, ...(spec.versionPackages ?? [])].map((p) => `${p}@${packageVersion(p) ?? "missing"}`).join(" ");
    } else {
      try {
        const launch = this.resolveLaunch(spec);
        const out = execFileSync(launch.command, spec.versionArgs ?? ["--version"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
        version = out.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown";
      } catch {
        version = "unknown";
      }
    }
    this.versions.set(spec.id, version);
    return version;
  }

  private resolveNpmFile(spec: ServerSpec, ref: string): string {
    const file = npmFile(ref);
    if (!file) {
      throw notInstalledError(spec.id, `language server '${spec.id}' is not installed: npm package '${npmPackageName(ref.slice(4))}' was not found. To fix: ${spec.install}.`);
    }
    return file;
  }
}

/**
 * The known servers merged with the user's config: `false` disables, an object overrides,
 * adds, or enables an opt-in server. Preference for a shared extension: servers the config
 * adds, then opt-in servers it enables, then the table's order.
 */
export function buildRegistry(config?: CodeintelConfig): ServerRegistry {
  const where = config?.source ?? "codeintel.json";
  const entries = config?.servers ?? {};
  const added: ServerSpec[] = [];
  const enabled: ServerSpec[] = [];
  const defaults: ServerSpec[] = [];
  const inactive: InactiveServer[] = [];
  const known = knownServers().map((s): ServerSpec => ({ ...s, builtIn: true }));
  for (const spec of known) {
    const entry = entries[spec.id];
    if (entry === false) inactive.push({ spec, reason: "disabled" });
    else if (entry) (spec.optIn ? enabled : defaults).push(mergeSpec(spec, entry));
    else if (spec.optIn) inactive.push({ spec, reason: "opt-in" });
    else defaults.push(spec);
  }
  for (const [id, entry] of Object.entries(entries)) {
    if (entry !== false && !known.some((s) => s.id === id)) added.push(newSpec(id, entry, where));
  }
  return new ServerRegistry([...added, ...enabled, ...defaults], inactive);
}

function mergeSpec(base: ServerSpec, entry: ServerConfigEntry): ServerSpec {
  const merged: ServerSpec = {
    id: base.id,
    languages: base.languages,
    languageIds: entry.extensions || entry.languageId ? languageIdsOf(entry, base.languageIds) : base.languageIds,
    rootMarkers: entry.rootMarkers ?? base.rootMarkers,
    workspaceMarkers: entry.rootMarkers ? undefined : base.workspaceMarkers,
    command: entry.command ?? base.command,
    lookIn: base.lookIn,
    env: entry.env ?? base.env,
    initializationOptions: entry.initializationOptions ?? base.initializationOptions,
    settings: entry.settings ?? base.settings,
    install: entry.install ?? base.install,
    version: entry.version ?? (entry.command ? undefined : base.version),
    versionArgs: entry.command ? undefined : base.versionArgs,
    versionPackages: entry.command ? undefined : base.versionPackages,
    logReadiness: entry.command ? undefined : base.logReadiness,
    fatalLog: entry.command ? undefined : base.fatalLog,
    builtIn: false,
  };
  return merged;
}

function newSpec(id: string, entry: ServerConfigEntry, where: string): ServerSpec {
  if (!entry.command) throw new ConfigError(`${where}: servers.${id} is a new server and needs a "command"`);
  if (!entry.extensions || entry.extensions.length === 0) throw new ConfigError(`${where}: servers.${id} is a new server and needs "extensions"`);
  return {
    id,
    languages: [id],
    languageIds: languageIdsOf(entry, {}),
    rootMarkers: entry.rootMarkers ?? [],
    command: entry.command,
    env: entry.env,
    initializationOptions: entry.initializationOptions,
    settings: entry.settings,
    install: entry.install ?? `check servers.${id}.command in ${where}`,
    version: entry.version,
    builtIn: false,
  };
}

function languageIdsOf(entry: ServerConfigEntry, fallback: Record<string, string>): Record<string, string> {
  const exts = entry.extensions ?? Object.keys(fallback);
  const out: Record<string, string> = {};
  for (const ext of exts) {
    const l = entry.languageId;
    out[ext.toLowerCase()] = typeof l === "string" ? l : (l?.[ext] ?? fallback[ext] ?? ext.slice(1));
  }
  return out;
}

function configHash(spec: ServerSpec): string {
  const material = JSON.stringify({ command: spec.command, init: spec.initializationOptions ?? null, settings: spec.settings ?? null, env: spec.env ?? null });
  return createHash("sha256").update(material).digest("hex").slice(0, 16);
}

function npmPackageName(rel: string): string {
  const parts = rel.split("/");
  return rel.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** The file an "npm:<pkg>/<file>" reference names in our node_modules, when it is there. */
function npmFile(ref: string): string | undefined {
  const rel = ref.slice(4);
  const pkg = npmPackageName(rel);
  const dir = packageDir(pkg);
  const file = dir ? join(dir, rel.slice(pkg.length + 1)) : undefined;
  return file && existsSync(file) ? file : undefined;
}

function locateCommand(spec: ServerSpec, fromDir: string | undefined): CommandLocation | undefined {
  const head = spec.command[0];
  if (head === "node") {
    // The script Node runs is what is installed (or not).
    const script = spec.command.find((a) => a.startsWith("npm:"));
    const file = script ? npmFile(script) : process.execPath;
    return file ? { path: file, where: "codeintel" } : undefined;
  }
  if (head.startsWith("npm:")) {
    const file = npmFile(head);
    return file ? { path: file, where: "codeintel" } : undefined;
  }
  if (isAbsolute(head) || head.includes("/")) return isExecutable(head) ? { path: head, where: "PATH" } : undefined;
  const lookIn = spec.lookIn ?? [];
  if (fromDir) {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      for (const place of lookIn) {
        const bins = place === "node_modules" ? [join(dir, "node_modules", ".bin")] : [join(dir, ".venv", "bin"), join(dir, "venv", "bin")];
        for (const bin of bins) if (isExecutable(join(bin, head))) return { path: join(bin, head), where: place };
      }
      if (dirname(dir) === dir) break;
    }
  }
  const venv = process.env.VIRTUAL_ENV;
  if (lookIn.includes("venv") && venv && isExecutable(join(venv, "bin", head))) return { path: join(venv, "bin", head), where: "venv" };
  const onPath = findOnPath(head);
  if (onPath) return { path: onPath, where: "PATH" };
  // Servers installed beside codeintel (its own devDependencies, or a global install next to it).
  if (lookIn.includes("node_modules")) {
    for (const base of requireHere.resolve.paths(head) ?? []) {
      const bin = join(base, ".bin", head);
      if (isExecutable(bin)) return { path: bin, where: "codeintel" };
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Root for a file, inside `projectRoot`: the outermost folder with a workspace marker; else
 * the outermost folder with a root marker (the nearest one when the spec has workspace
 * markers: a crate or module inside a bigger tree is its own project); else `projectRoot`.
 */
export function findServerRoot(absPath: string, projectRoot: string, spec: Pick<ServerSpec, "rootMarkers" | "workspaceMarkers">): string {
  const { rootMarkers, workspaceMarkers = [] } = spec;
  if (rootMarkers.length === 0 && workspaceMarkers.length === 0) return projectRoot;
  const withRoot: string[] = [];
  let workspace: string | undefined;
  for (let dir = dirname(absPath); dir.length >= projectRoot.length && dir.startsWith(projectRoot); dir = dirname(dir)) {
    if (rootMarkers.some((m) => hasMarker(dir, m))) withRoot.push(dir);
    if (workspaceMarkers.some((m) => hasWorkspaceMarker(dir, m))) workspace = dir;
    if (dir === projectRoot || dirname(dir) === dir) break;
  }
  if (workspace) return workspace;
  if (withRoot.length === 0) return projectRoot;
  return workspaceMarkers.length > 0 ? withRoot[0] : withRoot[withRoot.length - 1];
}

function hasMarker(dir: string, marker: string): boolean {
  if (!marker.startsWith("*.")) return existsSync(join(dir, marker));
  try {
    return readdirSync(dir).some((name) => name.endsWith(marker.slice(1)));
  } catch {
    return false;
  }
}

function hasWorkspaceMarker(dir: string, marker: { file: string; contains?: RegExp }): boolean {
  const file = join(dir, marker.file);
  if (!marker.contains) return existsSync(file);
  try {
    return marker.contains.test(readFileSync(file, "utf8"));
  } catch {
    return false;
  }
}
