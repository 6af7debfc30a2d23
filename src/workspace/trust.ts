// Workspace trust, as editors have it (VS Code's workspace trust, direnv's `allow`): a
// codeintel.json inside a project can name plugins and language-server commands, code that runs
// as soon as anyone opens the folder (an untrusted clone included). Those run only when the
// folder holding the file is trusted: listed by `codeintel trust DIR` (it or a folder above it),
// or trusted for one run (`--trust`, CODEINTEL_TRUST=1). Otherwise they are left out and one line
// says how to trust it; built-in servers and everything else in the file still apply. A config
// outside every root (`--config ~/my/codeintel.json`) is the user's own and needs no trust.
//
//   trustListPath()                  $XDG_CONFIG_HOME/codeintel/trusted.json (else ~/.config/…)
//   trustedFolders() / addTrusted(dir) / removeTrusted(dir)
//   applyTrust(config, roots, trust?) → { config, notice? }   the config codeintel may act on
import { mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import type { CodeintelConfig, ServerConfigEntry } from "./config.js";

export function trustListPath(): string {
  const base = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "codeintel", "trusted.json");
}

/** The trusted folders (real paths); none when the list does not exist or does not parse. */
export function trustedFolders(): string[] {
  try {
    const parsed = JSON.parse(readFileSync(trustListPath(), "utf8")) as { folders?: unknown };
    return Array.isArray(parsed.folders) ? parsed.folders.filter((f): f is string => typeof f === "string") : [];
  } catch {
    return [];
  }
}

/** Adds `dir` (its real path) to the list; returns that path. */
export function addTrusted(dir: string): string {
  const real = realpathSync(resolve(dir));
  const folders = trustedFolders();
  if (!folders.includes(real)) writeList([...folders, real]);
  return real;
}

/** Removes `dir` (as given and as its real path); returns the entries removed. */
export function removeTrusted(dir: string): string[] {
  const names = new Set([resolve(dir), realOrResolved(dir)]);
  const folders = trustedFolders();
  const removed = folders.filter((f) => names.has(f));
  if (removed.length) writeList(folders.filter((f) => !names.has(f)));
  return removed;
}

/** Whether `dir` is a trusted folder or inside one. */
export function isTrusted(dir: string, folders: readonly string[] = trustedFolders()): boolean {
  const real = realOrResolved(dir);
  return folders.some((f) => real === f || real.startsWith(f.endsWith(sep) ? f : f + sep));
}

/**
 * The config without what an untrusted project may not run: its plugins, and its server entries
 * that give a command (or an env, which can load code into a built-in server: NODE_OPTIONS).
 * `notice` is the one line to show when something was left out.
 */
export function applyTrust(config: CodeintelConfig, roots: readonly string[], trust?: boolean): { config: CodeintelConfig; notice?: string } {
  if (!config.source || config.source.startsWith("<")) return { config };
  const folder = dirname(realOrResolved(config.source));
  const projectLevel = roots.some((r) => isTrusted(folder, [realOrResolved(r)]));
  if (!projectLevel || trust === true || (trust === undefined && process.env.CODEINTEL_TRUST === "1") || isTrusted(folder)) return { config };
  const plugins = config.plugins ?? [];
  const servers: Record<string, ServerConfigEntry | false> = {};
  const commands: string[] = [];
  for (const [id, entry] of Object.entries(config.servers)) {
    if (entry !== false && entry.command) {
      commands.push(id);
      continue;
    }
    if (entry !== false && entry.env) {
      commands.push(id);
      const { env: _env, ...rest } = entry;
      servers[id] = rest;
      continue;
    }
    servers[id] = entry;
  }
  if (plugins.length === 0 && commands.length === 0) return { config };
  const left = [plugins.length ? `plugins (${plugins.length})` : "", commands.length ? `server commands (${commands.join(", ")})` : ""].filter(Boolean).join(" and ");
  return {
    config: { ...config, plugins: [], servers },
    notice: `codeintel: ${config.source}: ${folder} is not a trusted folder, so its ${left} did not run; trust it with \`codeintel trust ${folder}\` (or --trust, CODEINTEL_TRUST=1 for one run)`,
  };
}

function writeList(folders: string[]): void {
  const path = trustListPath();
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Written aside and renamed over: a crash never leaves half a list.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ folders }, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, path);
}

function realOrResolved(p: string): string {
  try {
    return realpathSync(resolve(p));
  } catch {
    return resolve(p);
  }
}
