// The registry of language servers: which server handles a file, how to start it,
// and how to find its project root. Built-in servers ship as npm dependencies of
// codeintel and are resolved from our own node_modules (never from PATH, so the
// versions are the ones we tested); clangd comes from PATH. The user's
// codeintel.json adds, overrides or disables entries (see src/workspace/config.ts).
//
//   buildRegistry(config)            → ServerRegistry
//   registry.specFor(absPath)        → ServerSpec | undefined
//   registry.resolveLaunch(spec)     → Launch (throws LspError "unavailable" with an install hint)
//   registry.fingerprint(spec)       → { serverId, version, configHash }

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, extname, isAbsolute, join } from "node:path";
import { ConfigError, type CodeintelConfig, type ServerConfigEntry } from "../workspace/config.js";
import { LspError } from "./errors.js";

export interface ServerSpec {
  id: string;
  /** Extension (with dot, lower case) → LSP languageId. */
  languageIds: Record<string, string>;
  /** Files or folders whose presence marks a project root; the outermost one inside the codeintel root wins. */
  rootMarkers: string[];
  /** argv; a first element of "node" means the Node running codeintel; "npm:<pkg>/<file>" resolves inside our node_modules. */
  command: string[];
  env?: Record<string, string>;
  initializationOptions?: unknown;
  settings?: Record<string, unknown>;
  install: string;
  /** Version for fingerprints: fixed, or computed from package versions / --version. */
  version?: string;
  /**
   * For servers that load in the background without $/progress: log lines that mark
   * the start and end of loading. The server counts as loading from spawn until `end` matches.
   */
  logReadiness?: { begin: RegExp; end: RegExp; title: string };
  /**
   * A window/logMessage that means the server can no longer answer although its own
   * process runs on (its inner worker died): the client kills it, so the pool restarts it
   * instead of passing on empty answers as if they were real.
   */
  fatalLog?: RegExp;
  builtIn: boolean;
}

export interface Launch {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface ServerFingerprint {
  serverId: string;
  version: string;
  configHash: string;
}

const requireHere = createRequire(import.meta.url);

/** Directory of an installed npm package, searched the way Node would from this module. */
export function packageDir(name: string): string | undefined {
  for (const base of requireHere.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  return undefined;
}

function packageVersion(name: string): string | undefined {
  const dir = packageDir(name);
  if (!dir) return undefined;
  try {
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

const npmInstallHint = (pkgs: string) =>
  `it ships with codeintel as an npm dependency; run \`npm install\` in the codeintel package (or \`npm install ${pkgs}\`)`;

function builtIns(): ServerSpec[] {
  const tsserverPath = () => {
    const dir = packageDir("typescript");
    return dir ? join(dir, "lib", "tsserver.js") : undefined;
  };
  return [
    {
      id: "typescript",
      languageIds: {
        ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescriptreact",
        ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact",
      },
      rootMarkers: ["tsconfig.json", "jsconfig.json", "package.json"],
      command: ["node", "npm:typescript-language-server/lib/cli.mjs", "--stdio"],
      get initializationOptions() {
        // One semantic tsserver: the syntax-only server answers during project load with partial results (hover without types, missing symbols).
        return { tsserver: { path: tsserverPath(), useSyntaxServer: "never" }, preferences: { includeCompletionsForModuleExports: false } };
      },
      // When tsserver dies, typescript-language-server logs this error and then answers every
      // request with null ("no hover", "no references") for as long as it lives.
      fatalLog: /\[tsserver\] Exited/,
      install: npmInstallHint("typescript-language-server typescript@5"),
      builtIn: true,
    },
    {
      id: "pyright",
      languageIds: { ".py": "python", ".pyi": "python" },
      rootMarkers: ["pyrightconfig.json", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"],
      command: ["node", "npm:pyright/langserver.index.js", "--stdio"],
      settings: { python: { analysis: { autoSearchPaths: true, useLibraryCodeForTypes: true, diagnosticMode: "openFilesOnly" } } },
      // Pyright sends no $/progress while it finds the project's files, yet answers references meanwhile
      // from the open file alone (1 reference cold, 34 a second later on click). Its log says when the
      // file list is in: "Found 16 source files" after each configuration load.
      logReadiness: {
        begin: /^(No include entries specified|Loading configuration file at)/,
        end: /^(Found \d+ source files?|No source files found)/,
        title: "pyright: finding the project's source files",
      },
      install: npmInstallHint("pyright"),
      builtIn: true,
    },
    {
      id: "bash",
      languageIds: { ".sh": "shellscript", ".bash": "shellscript" },
      rootMarkers: [],
      command: ["node", "npm:bash-language-server/out/cli.js", "start"],
      // shellcheck is found on PATH; without it the server still answers, minus lint diagnostics.
      settings: { bashIde: { shellcheckPath: "shellcheck", backgroundAnalysisMaxFiles: 500 } },
      // Cross-file answers (a function from a sourced file) need its background analysis.
      logReadiness: { begin: /BackgroundAnalysis: resolving glob/, end: /BackgroundAnalysis: (Completed|stopped|skipping|failed)/, title: "bash background analysis" },
      install: npmInstallHint("bash-language-server") + "; diagnostics also need shellcheck (`apt-get install shellcheck`)",
      builtIn: true,
    },
    {
      id: "json",
      languageIds: { ".json": "json", ".jsonc": "jsonc" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-json-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      // Validation is off unless the client turns it on.
      settings: { json: { validate: { enable: true } } },
      install: npmInstallHint("vscode-langservers-extracted"),
      builtIn: true,
    },
    {
      id: "css",
      languageIds: { ".css": "css", ".scss": "scss", ".less": "less" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-css-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      // The CSS service dereferences lint settings: a null configuration makes validation throw.
      settings: Object.fromEntries(["css", "scss", "less"].map((l) => [l, { validate: true, lint: {} }])),
      install: npmInstallHint("vscode-langservers-extracted"),
      builtIn: true,
    },
    {
      id: "html",
      languageIds: { ".html": "html", ".htm": "html" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-html-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      settings: { html: { validate: { scripts: true, styles: true } }, css: { validate: true, lint: {} }, javascript: { validate: { enable: true } } },
      install: npmInstallHint("vscode-langservers-extracted"),
      builtIn: true,
    },
    {
      id: "clangd",
      languageIds: {
        ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
        ".m": "objective-c", ".mm": "objective-cpp",
      },
      rootMarkers: ["compile_commands.json", "compile_flags.txt", ".clangd"],
      command: ["clangd", "--log=error"],
      install: "install clangd and put it on PATH (Debian/Ubuntu: `apt-get install clangd`; macOS: `brew install llvm`)",
      builtIn: true,
    },
  ];
}

export class ServerRegistry {
  private readonly byExtension = new Map<string, ServerSpec>();
  private readonly versions = new Map<string, string>();

  constructor(readonly specs: readonly ServerSpec[]) {
    // Later specs win, so user-added servers take over an extension from a built-in.
    for (const spec of specs) for (const ext of Object.keys(spec.languageIds)) this.byExtension.set(ext, spec);
  }

  get(id: string): ServerSpec | undefined {
    return this.specs.find((s) => s.id === id);
  }

  specFor(absPath: string): ServerSpec | undefined {
    return this.byExtension.get(extname(absPath).toLowerCase());
  }

  languageIdFor(spec: ServerSpec, absPath: string): string {
    return spec.languageIds[extname(absPath).toLowerCase()] ?? Object.values(spec.languageIds)[0] ?? "plaintext";
  }

  /** The error for a file no server handles, naming the supported extensions. */
  noServerError(absPath: string): LspError {
    const ext = extname(absPath) || "(no extension)";
    const known = [...this.byExtension.keys()].sort().join(" ");
    return new LspError(
      "unavailable",
      `no language server handles '${ext}' files. Supported: ${known}. Add a server for it under "servers" in codeintel.json.`,
      { extension: ext },
    );
  }

  /** Resolves the argv to spawn, or throws an "unavailable" error that says how to install the server. */
  resolveLaunch(spec: ServerSpec): Launch {
    const [head, ...rest] = spec.command;
    const args = rest.map((a) => (a.startsWith("npm:") ? this.resolveNpmFile(spec, a) : a));
    let command: string;
    if (head === "node") command = process.execPath;
    else if (head.startsWith("npm:")) command = this.resolveNpmFile(spec, head);
    else {
      const found = isAbsolute(head) || head.includes("/") ? (isExecutable(head) ? head : undefined) : findOnPath(head);
      if (!found) {
        throw new LspError("unavailable", `language server '${spec.id}' is not installed: '${head}' was not found${head.includes("/") ? "" : " on PATH"}. To fix: ${spec.install}.`, {
          serverId: spec.id,
        });
      }
      command = found;
    }
    return { command, args, env: spec.env };
  }

  fingerprint(spec: ServerSpec): ServerFingerprint {
    return { serverId: spec.id, version: this.version(spec), configHash: configHash(spec) };
  }

  /** Server version for cache keys: the npm package versions, or the first line of `--version`. */
  version(spec: ServerSpec): string {
    if (spec.version) return spec.version;
    const cached = this.versions.get(spec.id);
    if (cached) return cached;
    let version: string;
    const npmPkgs = spec.command.filter((a) => a.startsWith("npm:")).map((a) => npmPackageName(a.slice(4)));
    if (npmPkgs.length > 0) {
      const parts = npmPkgs.map((p) => `${p}@${packageVersion(p) ?? "missing"}`);
      if (spec.id === "typescript") parts.push(`typescript@${packageVersion("typescript") ?? "missing"}`);
      version = parts.join(" ");
    } else {
      try {
        const launch = this.resolveLaunch(spec);
        const out = execFileSync(launch.command, ["--version"], { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "ignore"] });
        version = out.split("\n").find((l) => l.trim() !== "")?.trim() ?? "unknown";
      } catch {
        version = "unknown";
      }
    }
    this.versions.set(spec.id, version);
    return version;
  }

  private resolveNpmFile(spec: ServerSpec, ref: string): string {
    const rel = ref.slice(4);
    const pkg = npmPackageName(rel);
    const dir = packageDir(pkg);
    const file = dir ? join(dir, rel.slice(pkg.length + 1)) : undefined;
    if (!file || !existsSync(file)) {
      throw new LspError("unavailable", `language server '${spec.id}' is not installed: npm package '${pkg}' was not found. To fix: ${spec.install}.`, {
        serverId: spec.id,
      });
    }
    return file;
  }
}

/** Built-ins merged with the user's config: `false` disables, an object overrides or adds. */
export function buildRegistry(config?: CodeintelConfig): ServerRegistry {
  const specs = builtIns();
  const where = config?.source ?? "codeintel.json";
  for (const [id, entry] of Object.entries(config?.servers ?? {})) {
    const index = specs.findIndex((s) => s.id === id);
    if (entry === false) {
      if (index >= 0) specs.splice(index, 1);
      continue;
    }
    if (index >= 0) specs[index] = mergeSpec(specs[index], entry);
    else specs.push(newSpec(id, entry, where));
  }
  return new ServerRegistry(specs);
}

function mergeSpec(base: ServerSpec, entry: ServerConfigEntry): ServerSpec {
  const merged: ServerSpec = {
    id: base.id,
    languageIds: entry.extensions || entry.languageId ? languageIdsOf(entry, base.languageIds) : base.languageIds,
    rootMarkers: entry.rootMarkers ?? base.rootMarkers,
    command: entry.command ?? base.command,
    env: entry.env ?? base.env,
    initializationOptions: entry.initializationOptions ?? base.initializationOptions,
    settings: entry.settings ?? base.settings,
    install: entry.install ?? base.install,
    version: entry.version ?? (entry.command ? undefined : base.version),
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

/** Root for a file: the outermost folder between the file and `projectRoot` holding a marker; else `projectRoot`. */
export function findServerRoot(absPath: string, projectRoot: string, markers: readonly string[]): string {
  let best = projectRoot;
  if (markers.length === 0) return best;
  let dir = dirname(absPath);
  const found: string[] = [];
  while (dir.length >= projectRoot.length && dir.startsWith(projectRoot)) {
    if (markers.some((m) => existsSync(join(dir, m)))) found.push(dir);
    if (dir === projectRoot) break;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (found.length > 0) best = found[found.length - 1];
  return best;
}
