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
// The file is checked against schema/codeintel.schema.json (published, so editors complete it
// through `"$schema"`) before anything reads it: a syntax error, a misspelt key (`srevers`, with
// a did-you-mean) or a wrong type is `FILE:LINE:COL: place problem`, never silently ignored. A
// section owned elsewhere (symbolIndex, pluginLimits) is in the schema too and reaches its
// reader through `raw`.

import { existsSync, readFileSync, watch, type FSWatcher } from "node:fs";
import { basename, dirname, isAbsolute, join, resolve } from "node:path";
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type ParseError } from "jsonc-parser";
import { compileSchema, describePath, schemaProblem, type ValidateFunction } from "./json-schema.js";
import { packageRoot } from "./package-root.js";
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
  /** A PostgreSQL URL: the shared symbol store (schema/codeintel.schema.json checks its scheme). */
  store?: string;
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
  const problem = schemaProblem(configValidator(), raw);
  if (problem) throw new ConfigError(`${source}:${positionOf(text, placeOfProblem(text, problem.path))}: ${placeName(problem.path)} ${problem.message}`);
  const file = raw as ConfigFile;
  const config: CodeintelConfig = { source, servers: {}, lsp: file.lsp ?? {}, raw: file };
  for (const [id, entry] of Object.entries(file.servers ?? {})) config.servers[id] = normalisedServerEntry(entry);
  if (file.cacheDir !== undefined) {
    // Relative to the config file, so every command finds the same cache whatever its cwd.
    config.cacheDir = isAbsolute(file.cacheDir) || source.startsWith("<") ? file.cacheDir : resolve(dirname(source), file.cacheDir);
  }
  if (file.store !== undefined) config.store = file.store;
  if (file.plugins !== undefined) {
    const base = source.startsWith("<") ? process.cwd() : dirname(source);
    // A path (./x.js, ../x.js, /abs/x.js) is relative to the config file; anything else names a package.
    config.plugins = file.plugins.map((p) => (isAbsolute(p) || p.startsWith("./") || p.startsWith("../") ? resolve(base, p) : p));
  }
  return config;
}

/** codeintel.json as its schema admits it (the sections config.ts owns; the others stay in `raw` for their readers). */
interface ConfigFile extends Record<string, unknown> {
  servers?: Record<string, ServerConfigEntry | false>;
  lsp?: LspSettings;
  cacheDir?: string;
  store?: string;
  plugins?: string[];
}

/** schema/codeintel.schema.json, the file editors complete codeintel.json with (its `$schema`). */
export function configSchemaPath(): string {
  return join(packageRoot(), "schema", "codeintel.schema.json");
}

let compiled: { file: ValidateFunction; serverEntry: ValidateFunction } | undefined;

function validators(): { file: ValidateFunction; serverEntry: ValidateFunction } {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(configSchemaPath(), "utf8")) as { definitions: object };
  const file = compileSchema(schema);
  // A server entry alone (a plugin's `servers`), under the same definitions.
  const serverEntry = compileSchema({ definitions: schema.definitions, allOf: [{ $ref: "#/definitions/serverEntryOrOff" }] });
  if (!file.validate || !serverEntry.validate) throw new Error(`codeintel: ${configSchemaPath()} does not compile: ${file.error ?? serverEntry.error}`);
  return (compiled = { file: file.validate, serverEntry: serverEntry.validate });
}

const configValidator = () => validators().file;

/** `lsp.idleTimoutMs`, `servers.a.command[0]`, or "the top level". */
function placeName(path: readonly (string | number)[]): string {
  return path.length === 0 ? "the top level" : describePath(path, "").slice(1);
}

/** Where in the text the problem is: the key of the deepest property on the path that exists (an unknown key itself). */
function placeOfProblem(text: string, path: readonly (string | number)[]): number {
  const tree = parseTree(text, [], { allowTrailingComma: true });
  if (!tree) return 0;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, path.slice(0, n) as (string | number)[]);
    if (node) return node.parent?.type === "property" ? node.parent.offset : node.offset;
  }
  return tree.offset;
}

/** `LINE:COL` of an offset, 1-based, columns in characters. */
function positionOf(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = [...before.slice(before.lastIndexOf("\n") + 1)].length + 1;
  return `${line}:${column}`;
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
  let problem = SYNTAX_PROBLEMS[printParseErrorCode(error.error)];
  const found = text.slice(error.offset, error.offset + Math.min(error.length, 20));
  if (error.length > 0 && found.trim() !== "") problem += ` (found '${found}')`;
  else if (error.offset >= text.length) problem += " (at the end of the file)";
  return `${source}:${positionOf(text, error.offset)}: ${problem}`;
}

/** A server entry from elsewhere than codeintel.json (a plugin's `servers`), checked against the same schema; `where` names it. */
export function parseServerEntry(entry: unknown, where: string): ServerConfigEntry | false {
  const problem = schemaProblem(validators().serverEntry, entry);
  if (problem) throw new ConfigError(`${describePath(problem.path, where)} ${problem.message}`);
  return normalisedServerEntry(entry as ServerConfigEntry | false);
}

/** Extensions with their dot (the schema lets the user leave it out). */
function normalisedServerEntry(entry: ServerConfigEntry | false): ServerConfigEntry | false {
  if (entry === false || !entry.extensions) return entry;
  return { ...entry, extensions: entry.extensions.map((e) => (e.startsWith(".") ? e : "." + e)) };
}
