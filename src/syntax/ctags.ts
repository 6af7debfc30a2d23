// The ctags tier: Universal Ctags as a first, fast pass over a root's files (about 0.7 ms per
// kernel C file, several times tree-sitter's parse), so symbol search answers seconds after
// start; tree-sitter then refines each file (exact ranges, containers) and replaces its rows.
//
//   const ctags = createCtags()                        // finds `ctags` on PATH (CODEINTEL_CTAGS: off, or a path)
//   await ctags.availability()                         // { ok: true, command, version } | { ok: false, reason }
//   ctags.languageOf(path)                             // the ctags parser for this file, or null
//   await ctags.tag(root, paths, { onBatch, signal })  // one result per file tagged, batch by batch
//
// Each batch is one `ctags --output-format=json -f - -L -` child process reading file names on
// stdin and streaming JSON lines (a few processes in parallel); tags become the cache's shape
// (FlatSymbol) with line-only ranges (ctags has no columns) and the LSP kind of the tag's kind.
// A file ctags cannot read or parse yields no tags but never breaks its batch: a line that is
// not JSON is skipped, and a process that dies or hangs keeps the files it finished (ctags reads
// them in list order), the rest left to tree-sitter. Files are judged before ctags reads them,
// as the safe-read gate would: only regular files (not symlinks), at most 10 MB, whose folder
// is inside the root.
import { spawn } from "node:child_process";
import { constants, accessSync, lstatSync } from "node:fs";
import { availableParallelism } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import type { FlatSymbol } from "../symbols/types.js";
import { FolderRealPaths } from "../workspace/paths.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "./languages.js";

export type CtagsAvailability = { ok: true; command: string; version: string } | { ok: false; reason: string };

export interface CtagsFileResult {
  path: string;
  size: number;
  mtimeMs: number;
  symbols: FlatSymbol[];
}

export interface CtagsTagOptions {
  /** Each batch's results as its process ends (batches end out of order). */
  onBatch?: (results: CtagsFileResult[]) => void;
  /** Problems that cost a batch some files (a process that died or hung): for a warning. */
  onProblem?: (message: string) => void;
  signal?: AbortSignal;
}

export interface CtagsTagSummary {
  /** Files tagged (with or without tags). */
  tagged: number;
  /** Files ctags did not finish or was not given (not regular, too large, outside the root): tree-sitter covers them. */
  left: number;
}

export interface CtagsRunner {
  availability(): Promise<CtagsAvailability>;
  languageOf(path: string): string | null;
  tag(root: string, paths: readonly string[], options?: CtagsTagOptions): Promise<CtagsTagSummary>;
}

export interface CtagsOptions {
  /** Default: CODEINTEL_CTAGS ("off" disables ctags; a path names the binary), else `ctags` on PATH. */
  env?: NodeJS.ProcessEnv;
  /** Files per process (default 256). */
  batchSize?: number;
  /** Processes at once (default: the cores, at most 4). */
  processes?: number;
  /** A process is killed after this long (default 60 s): its finished files are kept. */
  timeoutMs?: number;
}

/** The ctags parser of each tree-sitter language (the files the syntax tier later refines). */
const CTAGS_LANGUAGE: Record<SyntaxLanguage, string> = {
  typescript: "TypeScript", tsx: "TypeScript", javascript: "JavaScript", python: "Python", c: "C", cpp: "C++",
  go: "Go", rust: "Rust", java: "Java", shell: "Sh", ruby: "Ruby", php: "PHP", csharp: "C#", powershell: "PowerShell",
};

/**
 * Maps that make ctags read a file as the syntax tier does: `.h` is C (ctags' default is C++),
 * and extensions ctags 5.9 does not map by default.
 */
const MAP_OPTIONS = [
  "--map-C++=-.h", "--map-C=+.h",
  "--map-TypeScript=+.mts", "--map-TypeScript=+.cts", "--map-TypeScript=+.tsx",
  "--map-JavaScript=+.cjs",
  "--map-Python=+.pyi", "--map-Python=+.pyw",
  "--map-Ruby=+.rake", "--map-Ruby=+.gemspec", "--map-Ruby=+.ru",
  "--map-PowerShell=+.psd1",
];

const MAX_BYTES = 10 * 1024 * 1024;

export function createCtags(options: CtagsOptions = {}): CtagsRunner {
  const env = options.env ?? process.env;
  const batchSize = Math.max(1, options.batchSize ?? 256);
  const processes = Math.max(1, options.processes ?? Math.min(4, availableParallelism()));
  const timeoutMs = options.timeoutMs ?? 60_000;
  let found: Promise<CtagsAvailability> | undefined;
  const availability = () => (found ??= findCtags(env));
  return {
    availability,
    languageOf: (path) => {
      const l = syntaxLanguageOf(path);
      return l ? CTAGS_LANGUAGE[l] : null;
    },
    async tag(root, paths, opts = {}) {
      const a = await availability();
      if (!a.ok) return { tagged: 0, left: paths.length };
      const within = new FolderRealPaths([root]);
      const readable: { path: string; size: number; mtimeMs: number }[] = [];
      for (const path of paths) {
        if (!syntaxLanguageOf(path)) continue;
        const abs = join(root, path);
        try {
          const st = lstatSync(abs);
          if (!st.isFile() || st.size > MAX_BYTES || !within.of(dirname(abs)).ok) continue;
          readable.push({ path, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // gone since it was listed: tree-sitter records that
        }
      }
      const batches: (typeof readable)[] = [];
      for (let at = 0; at < readable.length; at += batchSize) batches.push(readable.slice(at, at + batchSize));
      let next = 0;
      let tagged = 0;
      await Promise.all(
        Array.from({ length: Math.min(processes, batches.length) }, async () => {
          while (next < batches.length && !opts.signal?.aborted) {
            const batch = batches[next++]!;
            const results = await runBatch(a.command, root, batch, timeoutMs, opts);
            tagged += results.length;
            if (results.length > 0 && !opts.signal?.aborted) opts.onBatch?.(results);
          }
        }),
      );
      return { tagged, left: paths.length - tagged };
    },
  };
}

/** Where ctags is and whether it is Universal Ctags with JSON output, or why it is not used. */
export async function findCtags(env: NodeJS.ProcessEnv = process.env): Promise<CtagsAvailability> {
  const setting = env.CODEINTEL_CTAGS?.trim();
  if (setting && /^(off|0|false|no)$/i.test(setting)) return { ok: false, reason: "ctags is turned off (CODEINTEL_CTAGS=off)" };
  const command = setting ? setting : onPath("ctags", env.PATH ?? "");
  if (!command) return { ok: false, reason: "ctags is not on PATH (install Universal Ctags for a faster first pass: apt-get install universal-ctags)" };
  const version = await output(command, ["--version"]).catch((err: unknown) => err as Error);
  if (version instanceof Error) return { ok: false, reason: `${command} did not run (${version.message})` };
  if (!/Universal Ctags/i.test(version)) return { ok: false, reason: `${command} is not Universal Ctags (${version.split("\n")[0]!.trim()}): the ctags tier needs its JSON output` };
  const features = await output(command, ["--list-features"]).catch(() => "");
  if (!/^json\b/m.test(features)) return { ok: false, reason: `${command} was built without JSON output (--list-features has no json)` };
  return { ok: true, command, version: version.split("\n")[0]!.trim() };
}

function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (lstatSync(candidate).isDirectory()) continue;
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function output(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(signal ? `killed by ${signal}` : `exit code ${code}`));
    });
  });
}

interface JsonTag {
  _type?: string;
  name?: string;
  path?: string;
  line?: number;
  end?: number;
  kind?: string;
  scope?: string;
  scopeKind?: string;
}

/** The fields read: name, input file, line, end line, scope (name and kind), kind in long form. */
const ARGS = ["--output-format=json", "--sort=no", "--fields=NFnesZpK", "-f", "-", "-L", "-", `--languages=${[...new Set(Object.values(CTAGS_LANGUAGE))].join(",")}`, ...MAP_OPTIONS];

/** One ctags process over one batch: the results of the files it finished, in list order. */
function runBatch(command: string, root: string, batch: { path: string; size: number; mtimeMs: number }[], timeoutMs: number, opts: CtagsTagOptions): Promise<CtagsFileResult[]> {
  return new Promise((resolve) => {
    const tagsOf = new Map<string, JsonTag[]>();
    const order = new Map(batch.map((f, i) => [f.path, i]));
    /** Index in `batch` of the last file ctags wrote a tag for: every file before it is finished. */
    let reached = -1;
    let rest = "";
    const child = spawn(command, ARGS, { cwd: root, stdio: ["pipe", "pipe", "ignore"] });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    const onAbort = () => child.kill("SIGKILL");
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    const take = (line: string) => {
      if (!line.startsWith("{")) return;
      let tag: JsonTag;
      try {
        tag = JSON.parse(line) as JsonTag;
      } catch {
        return; // a name ctags could not encode: that tag only
      }
      if (tag._type !== "tag" || !tag.path || !tag.name || !tag.line) return;
      const at = order.get(tag.path);
      if (at === undefined) return;
      if (at > reached) reached = at;
      let list = tagsOf.get(tag.path);
      if (!list) tagsOf.set(tag.path, (list = []));
      list.push(tag);
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (rest + chunk).split("\n");
      rest = lines.pop()!;
      for (const line of lines) take(line);
    });
    child.stdin.on("error", () => {}); // a process that died early: handled on close
    child.stdin.end(batch.map((f) => f.path).join("\n") + "\n");
    let settled = false;
    const finish = (complete: boolean, why?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (opts.signal?.aborted) return resolve([]);
      // A process that did not finish: its last file may be partial, later ones were not read.
      const upTo = complete ? batch.length : Math.max(0, reached);
      if (!complete) opts.onProblem?.(`ctags ${why} after ${upTo} of ${batch.length} files (from ${batch[upTo]?.path ?? "the end"} on, tree-sitter alone reads them)`);
      resolve(batch.slice(0, upTo).map((f) => ({ ...f, symbols: symbolsOf(tagsOf.get(f.path) ?? []) })));
    };
    child.on("error", (err) => finish(false, `did not start (${err.message})`));
    child.on("close", (code, signal) => {
      if (rest) take(rest);
      finish(code === 0, signal ? `was killed (${signal})` : `exited with code ${code}`);
    });
  });
}

/**
 * LSP SymbolKind of a ctags kind (long names, as `--fields=+K` writes them); null: not a
 * declaration the cache keeps (imports, parameters, locals, labels, headers).
 */
function kindOf(kind: string, language: SyntaxLanguage | null): number | null {
  // Python's module and namespace tags are imported names.
  if (language === "python" && (kind === "module" || kind === "namespace")) return null;
  switch (kind) {
    case "function": case "generator": case "func": case "subroutine": case "procedure": case "singletonMethod":
      return 12;
    case "method": case "getter": case "setter": case "accessor":
      return 6;
    case "member":
      return language === "python" ? 6 : 8;
    case "methodSpec":
      return 6;
    case "class": case "typedef": case "type": case "talias":
      return 5;
    case "interface": case "trait": case "protocol":
      return 11;
    case "enum":
      return 10;
    case "enumerator": case "enumConstant":
      return 22;
    case "struct": case "union":
      return 23;
    case "field":
      return 8;
    case "property":
      return 7;
    case "variable": case "var":
      return 13;
    case "constant": case "macro": case "define":
      return 14;
    case "namespace":
      return 3;
    case "module":
      return 2;
    case "package":
      return 4;
    case "constructor":
      return 9;
    case "event":
      return 24;
    case "implementation": case "impl":
      return null;
    default:
      return null;
  }
}

/** ctags' names of import-like kinds per language: "alias" in TypeScript is an import. */
const IMPORT_KINDS = new Set(["alias", "import", "packageName", "unknown", "parameter", "local", "label", "header", "externvar", "prototype", "anonMember"]);

/** A file's tags in the cache's shape: line-only ranges, containers from the scope field, parents by line span. */
export function symbolsOf(tags: JsonTag[]): FlatSymbol[] {
  const language = tags.length > 0 ? syntaxLanguageOf(tags[0]!.path ?? "") : null;
  const sorted = tags.map((t, i) => ({ t, i })).sort((a, b) => a.t.line! - b.t.line! || a.i - b.i);
  const symbols: FlatSymbol[] = [];
  /** Each symbol's end line, or Infinity where ctags gave none (its TypeScript parser gives few). */
  const ends: number[] = [];
  for (const { t } of sorted) {
    if (!t.kind || IMPORT_KINDS.has(t.kind)) continue;
    const kind = kindOf(t.kind, language);
    if (kind === null || t.name!.startsWith("__anon")) continue;
    const line = t.line! - 1;
    const end = Math.max(line, (t.end ?? t.line!) - 1);
    const scope = t.scope ? lastSegment(t.scope) : null;
    const container = scope && !scope.startsWith("__anon") ? scope : null;
    let parent: number | null = null;
    if (container) {
      for (let k = symbols.length - 1, steps = 0; k >= 0 && steps < 200; k--, steps++) {
        if (symbols[k]!.name === container && ends[k]! >= line) {
          parent = k;
          break;
        }
      }
    }
    symbols.push({
      name: t.name!,
      kind: kind === 8 && t.scopeKind === "enum" ? 22 : kind,
      container,
      detail: null,
      range: { start: { line, character: 0 }, end: { line: end, character: 0 } },
      selectionRange: { start: { line, character: 0 }, end: { line, character: 0 } },
      parent,
    });
    ends.push(t.end ? end : Infinity);
  }
  return symbols;
}

function lastSegment(scope: string): string {
  const parts = scope.split(/::|\./);
  return parts[parts.length - 1]!;
}
