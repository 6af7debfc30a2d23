// The user's `codeintel.json`: found at a project root, or given explicitly
// (`--config PATH`). Sections are independent so other parts can add their own:
//
//   {
//     "servers": {                         // language servers (src/lsp/registry.ts)
//       "pyright": false,                  // disable a built-in server
//       "typescript": { "initializationOptions": { ... } },   // override fields
//       "mylang": { "command": ["mylang-ls", "--stdio"], "extensions": [".my"],
//                   "languageId": "mylang", "rootMarkers": ["my.toml"] }    // add one
//     },
//     "lsp": { "idleTimeoutMs": 600000, "maxOpenDocuments": 200,
//              "readyTimeoutMs": 20000, "timeouts": { "textDocument/references": 60000 } },
//     "cacheDir": ".codeintel"
//   }
//
// Unknown sections are kept in `raw` for their owners; bad shapes are reported with
// the file name and the offending key, never silently ignored.

import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { readRegularFileSync, refusalMessage } from "./source-text.js";

export const CONFIG_FILE_NAME = "codeintel.json";
const MAX_CONFIG_BYTES = 1024 * 1024;

/** A server entry in the config: every field optional when overriding a built-in. */
export interface ServerConfigEntry {
  command?: string[];
  extensions?: string[];
  /** One languageId for every extension, or a map extension → languageId. */
  languageId?: string | Record<string, string>;
  rootMarkers?: string[];
  initializationOptions?: unknown;
  /** Answered to workspace/configuration, keyed by section ("python.analysis" → settings.python.analysis). */
  settings?: Record<string, unknown>;
  env?: Record<string, string>;
  /** How a user installs it; shown when the command is missing. */
  install?: string;
  /** Version string for cache fingerprints when the server cannot report one. */
  version?: string;
}

export interface LspSettings {
  idleTimeoutMs?: number;
  maxOpenDocuments?: number;
  readyTimeoutMs?: number;
  timeouts?: Record<string, number>;
  maxRestarts?: number;
  restartBackoffMs?: number;
  restartBackoffCapMs?: number;
}

export interface CodeintelConfig {
  /** Where it came from, for error messages; undefined when no file was found. */
  source?: string;
  servers: Record<string, ServerConfigEntry | false>;
  lsp: LspSettings;
  cacheDir?: string;
  /** The whole parsed file, for sections other modules own. */
  raw: Record<string, unknown>;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const emptyConfig = (): CodeintelConfig => ({ servers: {}, lsp: {}, raw: {} });

/**
 * Loads the config: `explicitPath` when given (must exist), else the first root
 * holding a codeintel.json, else an empty config.
 */
export function loadConfig(opts: { roots: readonly string[]; explicitPath?: string }): CodeintelConfig {
  if (opts.explicitPath) {
    const p = resolve(opts.explicitPath);
    if (!existsSync(p)) throw new ConfigError(`config file ${p} does not exist`);
    return parseConfig(readConfigText(p), p);
  }
  for (const root of opts.roots) {
    const p = join(root, CONFIG_FILE_NAME);
    if (existsSync(p)) return parseConfig(readConfigText(p), p);
  }
  return emptyConfig();
}

function readConfigText(p: string): string {
  const read = readRegularFileSync(p, MAX_CONFIG_BYTES);
  if (!read.ok) throw new ConfigError(`config file ${refusalMessage(read, p)}`);
  return read.bytes.toString("utf8");
}

export function parseConfig(text: string, source = "<config>"): CodeintelConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new ConfigError(`${source}: the top level must be an object`);
  const config: CodeintelConfig = { source, servers: {}, lsp: {}, raw };

  if (raw.servers !== undefined) {
    if (!isObject(raw.servers)) throw new ConfigError(`${source}: "servers" must be an object`);
    for (const [id, entry] of Object.entries(raw.servers)) {
      config.servers[id] = parseServerEntry(entry, `${source}: servers.${id}`);
    }
  }
  if (raw.lsp !== undefined) config.lsp = parseLsp(raw.lsp, `${source}: lsp`);
  if (raw.cacheDir !== undefined) {
    if (typeof raw.cacheDir !== "string") throw new ConfigError(`${source}: "cacheDir" must be a string`);
    // Relative to the config file, so every command finds the same cache whatever its cwd.
    config.cacheDir = isAbsolute(raw.cacheDir) || source.startsWith("<") ? raw.cacheDir : resolve(dirname(source), raw.cacheDir);
  }
  return config;
}

function parseServerEntry(entry: unknown, where: string): ServerConfigEntry | false {
  if (entry === false) return false;
  if (!isObject(entry)) throw new ConfigError(`${where} must be an object, or false to disable the server`);
  const out: ServerConfigEntry = {};
  if (entry.command !== undefined) {
    if (!isStringArray(entry.command) || entry.command.length === 0) throw new ConfigError(`${where}.command must be a non-empty array of strings`);
    out.command = entry.command;
  }
  for (const key of ["extensions", "rootMarkers"] as const) {
    if (entry[key] !== undefined) {
      if (!isStringArray(entry[key])) throw new ConfigError(`${where}.${key} must be an array of strings`);
      out[key] = key === "extensions" ? (entry[key] as string[]).map((e) => (e.startsWith(".") ? e : "." + e)) : (entry[key] as string[]);
    }
  }
  if (entry.languageId !== undefined) {
    const l = entry.languageId;
    if (typeof l !== "string" && !(isObject(l) && Object.values(l).every((v) => typeof v === "string"))) {
      throw new ConfigError(`${where}.languageId must be a string or an object mapping extensions to language ids`);
    }
    out.languageId = l as string | Record<string, string>;
  }
  if (entry.initializationOptions !== undefined) out.initializationOptions = entry.initializationOptions;
  if (entry.settings !== undefined) {
    if (!isObject(entry.settings)) throw new ConfigError(`${where}.settings must be an object`);
    out.settings = entry.settings;
  }
  if (entry.env !== undefined) {
    if (!isObject(entry.env) || !Object.values(entry.env).every((v) => typeof v === "string")) throw new ConfigError(`${where}.env must map names to strings`);
    out.env = entry.env as Record<string, string>;
  }
  for (const key of ["install", "version"] as const) {
    if (entry[key] !== undefined) {
      if (typeof entry[key] !== "string") throw new ConfigError(`${where}.${key} must be a string`);
      out[key] = entry[key] as string;
    }
  }
  return out;
}

function parseLsp(value: unknown, where: string): LspSettings {
  if (!isObject(value)) throw new ConfigError(`${where} must be an object`);
  const out: LspSettings = {};
  for (const key of ["idleTimeoutMs", "maxOpenDocuments", "readyTimeoutMs", "maxRestarts", "restartBackoffMs", "restartBackoffCapMs"] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) throw new ConfigError(`${where}.${key} must be a non-negative number`);
    out[key] = v;
  }
  if (value.timeouts !== undefined) {
    if (!isObject(value.timeouts) || !Object.values(value.timeouts).every((v) => typeof v === "number" && v > 0)) {
      throw new ConfigError(`${where}.timeouts must map LSP method names to milliseconds`);
    }
    out.timeouts = value.timeouts as Record<string, number>;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}
