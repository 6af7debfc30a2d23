// The user's `codeintel.json`: found at a project root, or given explicitly
// (`--config PATH`). JSON with comments and trailing commas (JSONC, as editors write
// settings files). Sections are independent so other parts can add their own:
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
//     "cacheDir": ".codeintel",
//     "plugins": ["./tools/my-plugin.js", "some-npm-package"]  // src/plugins/
//   }
//
// Unknown sections are kept in `raw` for their owners; syntax errors are reported as
// `FILE:LINE:COL: problem`, bad shapes with the file name and the offending key, never
// silently ignored.

import { existsSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { parse as parseJsonc, printParseErrorCode, type ParseError } from "jsonc-parser";
import { readRegularFileSync, refusalMessage } from "./source-text.js";

const CONFIG_FILE_NAME = "codeintel.json";
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
  /** How long hover/definition/references wait for a loading server before answering approximately (syntax tier). */
  approximateAfterMs?: number;
  timeouts?: Record<string, number>;
  maxRestarts?: number;
  restartBackoffMs?: number;
  restartBackoffCapMs?: number;
  /** How long a broken server rests before the next call tries it again (doubling up to the cap). */
  brokenCooldownMs?: number;
  brokenCooldownCapMs?: number;
  /** Everything one tool call may wait for (start, load, requests); keep it under the client's timeout. */
  callBudgetMs?: number;
}

export interface CodeintelConfig {
  /** Where it came from, for error messages; undefined when no file was found. */
  source?: string;
  servers: Record<string, ServerConfigEntry | false>;
  lsp: LspSettings;
  cacheDir?: string;
  /** Plugin modules: absolute paths (relative ones resolved against the file), or npm package names. */
  plugins?: string[];
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

const RELOAD_DEBOUNCE_MS = 150;

/**
 * Watches the file `loadConfig(opts)` reads (or would read, once it is created) and calls
 * `onChange` with the new config after it changes, appears or goes away. A file that does not
 * parse goes to `onError` and the previous config stays in force. Watches the folders, not the
 * file: editors save by renaming a new file over the old one. Returns a function that stops it.
 */
export function watchConfig(
  opts: { roots: readonly string[]; explicitPath?: string },
  current: CodeintelConfig,
  onChange: (config: CodeintelConfig) => void,
  onError: (error: Error) => void,
): () => void {
  const files = opts.explicitPath ? [resolve(opts.explicitPath)] : opts.roots.map((r) => join(r, CONFIG_FILE_NAME));
  let last = fingerprintOf(current);
  let timer: NodeJS.Timeout | undefined;
  const reload = () => {
    let next: CodeintelConfig;
    try {
      next = loadConfig(opts);
    } catch (e) {
      onError(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    const fingerprint = fingerprintOf(next);
    if (fingerprint === last) return;
    last = fingerprint;
    onChange(next);
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(files.map((f) => dirname(f)))) {
    const names = new Set(files.filter((f) => dirname(f) === dir).map((f) => basename(f)));
    try {
      const w = watch(dir, (_event, name) => {
        if (name !== null && !names.has(name.toString())) return;
        clearTimeout(timer);
        timer = setTimeout(reload, RELOAD_DEBOUNCE_MS);
      });
      w.on("error", () => w.close());
      w.unref();
      watchers.push(w);
    } catch (e) {
      onError(new Error(`cannot watch ${dir} for codeintel.json changes: ${(e as Error).message}`));
    }
  }
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}

function fingerprintOf(config: CodeintelConfig): string {
  return JSON.stringify([config.source ?? null, config.raw]);
}

export function parseConfig(text: string, source = "<config>"): CodeintelConfig {
  const errors: ParseError[] = [];
  const raw: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  // The parser recovers and returns a best guess; a config with a syntax error is refused.
  if (errors.length > 0) throw new ConfigError(syntaxError(text, source, errors[0]!));
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
  if (raw.plugins !== undefined) {
    if (!isStringArray(raw.plugins)) throw new ConfigError(`${source}: "plugins" must be an array of module paths or package names`);
    const base = source.startsWith("<") ? process.cwd() : dirname(source);
    // A path (./x.js, ../x.js, /abs/x.js) is relative to the config file; anything else names a package.
    config.plugins = raw.plugins.map((p) => (isAbsolute(p) || p.startsWith("./") || p.startsWith("../") ? resolve(base, p) : p));
  }
  return config;
}

const SYNTAX_PROBLEMS: Record<ReturnType<typeof printParseErrorCode>, string> = {
  InvalidSymbol: "unexpected text",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end of the object",
  InvalidCommentToken: "invalid comment",
  UnexpectedEndOfComment: "unterminated /* comment",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape character in a string",
  InvalidCharacter: "invalid character in a string (a raw newline or control character)",
  "<unknown ParseErrorCode>": "syntax error",
};

/** `FILE:LINE:COL: problem`, 1-based, what editors and terminals turn into a link to the spot. */
function syntaxError(text: string, source: string, error: ParseError): string {
  const before = text.slice(0, error.offset);
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  let problem = SYNTAX_PROBLEMS[printParseErrorCode(error.error)];
  const found = text.slice(error.offset, error.offset + Math.min(error.length, 20));
  if (error.length > 0 && found.trim() !== "") problem += ` (found '${found}')`;
  else if (error.offset >= text.length) problem += " (at the end of the file)";
  return `${source}:${line}:${column}: ${problem}`;
}

export function parseServerEntry(entry: unknown, where: string): ServerConfigEntry | false {
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
  const numbers = ["idleTimeoutMs", "maxOpenDocuments", "readyTimeoutMs", "approximateAfterMs", "maxRestarts", "restartBackoffMs", "restartBackoffCapMs", "brokenCooldownMs", "brokenCooldownCapMs", "callBudgetMs"] as const;
  for (const key of numbers) {
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
