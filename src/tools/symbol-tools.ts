// workspace_symbols and document_symbols, each defined once: the answer comes from the symbol
// cache when it holds the root (or the file, as it is on disk), else from the live language
// servers, else (document_symbols, for a file no server reads) from the syntax tier. Every
// answer says which: `index.source` (cache, cache+live, live, syntax), `index.complete` (the
// first full indexing pass has finished), `precision` (approximate when any result is the
// syntax tier's), `complete`/`reason` (workspace_symbols: servers that did not contribute),
// and each result's `source` (`lsp`, `syntax`, `ctags`, marked `[syntax]` in the text).
//
//   createSymbolTools({ pool, roots, syntax?, caches? })   → [document_symbols, workspace_symbols]
//   `caches.get(root)` returns the root's SymbolCache (see src/symbols/registry.ts); without
//   `caches` (symbol index off) the live servers answer.
import { extname, join } from "node:path";
import type { IndexProgress } from "../symbols/indexer.js";
import { outlineOf } from "../symbols/flatten.js";
import type { SymbolCache } from "../symbols/symbol-cache.js";
import { kindName } from "../symbols/symbol-kinds.js";
import type { SymbolHit } from "../symbols/types.js";
import { syntaxLanguageOf } from "../syntax/languages.js";
import { MAX_LIMIT } from "../workspace/limits.js";
import { confinePath } from "../workspace/paths.js";
import {
  completenessProperties,
  fileProperty,
  guarded,
  MAX_NAME_CHARS,
  MAX_PATH_CHARS,
  MAX_QUERY_CHARS,
  pagingProperties,
  pagingSchema,
  paging,
  partialLine,
  progressOf,
  readOnly,
  SourceCache,
  type Completeness,
  type NavigationDeps,
} from "./navigation/common.js";
import { kindFilter, liveOutline, liveWorkspaceSymbols, outlineEntry } from "./navigation/live-symbols.js";
import { groupedByFile, plural, truncationNote, type Page } from "./navigation/render.js";
import { resolveSourceFile } from "./navigation/target.js";
import { defineTool, ToolError, type Tool, type ToolContext, type ToolResult } from "../core/tool.js";
import type { DocumentSymbolsOutput, OutlineEntry, SymbolIndexNote, SymbolPrecision, SymbolSourceName, WorkspaceSymbolEntry, WorkspaceSymbolsInput, WorkspaceSymbolsOutput } from "../protocol/index.js";

/** Hits fetched per root whatever the page, so the file grouping and the page boundaries hold from page to page. */
const PAGING_POOL = 200;
/** An outline is read whole more often than a search result list: a longer default page. */
const OUTLINE_LIMIT = 200;

export interface SymbolToolDeps extends NavigationDeps {
  /** `forSearch`: the cache a search answers from (may create one to fill its syntactic tier); else `get`. Absent: live only. */
  caches?: { get(root: string): SymbolCache | undefined; forSearch?(root: string): SymbolCache | undefined };
}

const indexProperties = {
  index: {
    type: "object",
    description: "Which source answered: `source` cache, cache+live (live language-server hits fill in a cold cache), live (the servers; no cache for it) or syntax (tree-sitter; no server answers); `complete`: the root's first full indexing pass has finished.",
    properties: { source: { enum: ["cache", "cache+live", "live", "syntax"] }, complete: { type: "boolean" }, progress: { type: "object" } },
    required: ["source", "complete"],
  },
  precision: { enum: ["exact", "approximate"], description: "approximate: some results come from tree-sitter's parse (source `syntax`), not a language server." },
};

export function createSymbolTools(deps: SymbolToolDeps): Tool[] {
  return [defineTool(createDocumentSymbolsTool(deps)), defineTool(createWorkspaceSymbolsTool(deps))];
}

function createWorkspaceSymbolsTool(deps: SymbolToolDeps): Tool<WorkspaceSymbolsInput, WorkspaceSymbolsOutput> {
  return {
    name: "workspace_symbols",
    title: "Search symbols by name",
    description:
      "Search the project for symbols (classes, functions, methods, ...) by name: exact, prefix, camelCase initials (`gus` finds getUserService), substring, then fuzzy. Answers in milliseconds from the symbol index; while the index is still being built the language servers fill in and the answer says so. Each result's `source` is `lsp` (a language server) or `syntax` (tree-sitter's parse, approximate: for languages without a server, or files a server has not answered for yet). Results are grouped by file with 1-based line:column. Optional `root` (a project root or a folder inside one), `path` (a path prefix or glob like `src/**/*.ts`), `kind` (class, function, method, interface, ...) and `container` (the enclosing class or namespace) narrow the search.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", maxLength: MAX_QUERY_CHARS, description: "Symbol name or part of it." },
        root: { type: "string", maxLength: MAX_PATH_CHARS, description: "Project root or a folder inside one (default: every root)." },
        kind: { type: "string", maxLength: 64, description: "Only symbols of this kind: class, function, method, interface, variable, ..." },
        path: { type: "string", maxLength: MAX_PATH_CHARS, description: "Only files under this root-relative path prefix (`src/lsp/`) or matching this glob (`**/*.test.ts`)." },
        container: { type: "string", maxLength: MAX_NAME_CHARS, description: "Only symbols declared directly inside this class, namespace or module (case-insensitive)." },
        ...pagingProperties,
      },
      required: ["query"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: {
        query: { type: "string" },
        total: { type: "integer" },
        offset: { type: "integer" },
        omitted: { type: "integer" },
        results: { type: "array", items: { type: "object" } },
        ...completenessProperties,
        ...indexProperties,
      },
      required: ["query", "total", "offset", "omitted", "results", "complete", "index", "precision"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        if (typeof input.query !== "string") throw new ToolError("invalid_input", "`query` must be a string");
        const search = { ...input, ...paging(input), kinds: kindFilter(input.kind) };
        const scopes = (input.root ? [confinePath(input.root, deps.roots)] : deps.roots.map((root) => ({ root, relPath: "", absPath: root }))).map((scope) => ({
          ...scope,
          cache: deps.caches?.forSearch?.(scope.root) ?? deps.caches?.get(scope.root),
        }));
        // A root without a cache: the live servers answer the whole call, so its ranking is one ranking.
        if (scopes.some((s) => !s.cache)) return liveSearchAnswer(deps, { ...search, scopes }, ctx);
        return cachedSearchAnswer(deps, { ...search, scopes: scopes as CachedScope[] }, ctx);
      }),
  };
}

type SearchInput = WorkspaceSymbolsInput & { limit: number; offset: number; kinds: number[] | undefined };
type CachedScope = { root: string; relPath: string; absPath: string; cache: SymbolCache };

async function liveSearchAnswer(deps: SymbolToolDeps, input: SearchInput & { scopes: { root: string; relPath: string; absPath: string }[] }, ctx: ToolContext): Promise<ToolResult<WorkspaceSymbolsOutput>> {
  const { page, partial } = await liveWorkspaceSymbols(
    deps,
    { ...input, scopes: input.scopes.map((s) => ({ root: s.root, absPath: s.absPath, path: scopedPath(input.path, s.relPath) })) },
    ctx.signal,
    progressOf(ctx),
  );
  const completeness: Completeness = partial.length === 0 ? { complete: true } : { complete: false, reason: partial.join("; ") };
  const partialNote = partialLine(completeness);
  const lines = renderSearch(input.query, page, input.limit, false);
  if (partialNote) lines.unshift(partialNote);
  return { structured: { query: input.query, ...page, ...completeness, index: { source: "live", complete: false }, precision: "exact" }, text: lines.join("\n") };
}

async function cachedSearchAnswer(deps: SymbolToolDeps, input: SearchInput & { scopes: CachedScope[] }, ctx: ToolContext): Promise<ToolResult<WorkspaceSymbolsOutput>> {
  const { limit, offset, kinds } = input;
  const report = progressOf(ctx);
  const sources = new SourceCache(deps.roots);
  const found: { hit: SymbolHit; root: string }[] = [];
  const note: SymbolIndexNote = { source: "cache", complete: true };
  let building: IndexProgress | undefined;
  let liveError: string | undefined;
  let more = false;
  let total = 0;
  let passRunning = false;
  let syntaxOnly = false;
  // One line per server that did not contribute (not installed, broken, slow), whatever the root.
  const serverLines = new Map<string, string>();
  for (const scope of input.scopes) {
    const { cache } = scope;
    if (!cache.indexer.hasSyntax && !(await cache.isComplete())) report?.(`the symbol index is still being built (${passText(cache.indexer.progress)}); asking the language servers too`);
    // The same pool of hits for every page (grouping by file reorders within it), so pages neither repeat nor skip.
    const pool = Math.min(Math.max(offset + limit + 1, PAGING_POOL), MAX_LIMIT);
    const answer = await cache.search({ query: input.query, kinds, path: scopedPath(input.path, scope.relPath), container: input.container, limit: pool }, ctx.signal);
    more ||= answer.totalAtLeast;
    total += answer.total;
    for (const m of answer.missingServers) {
      if (!serverLines.has(m.serverId)) serverLines.set(m.serverId, `${m.serverId} did not answer for ${plural(m.files, "file")} (not installed; syntax tier only): ${m.reason.replace(/^language server '[^']*' is not installed: /, "").replace(/\.$/, "")}`);
    }
    for (const line of answer.livePartial) {
      const id = line.split(" ")[0]!;
      if (!serverLines.has(id)) serverLines.set(id, line);
    }
    passRunning ||= answer.passRunning;
    if (!answer.complete) {
      note.complete = false;
      note.source = answer.liveHits > 0 ? "cache+live" : note.source;
      if (answer.progress) note.progress = { done: answer.progress.done, total: answer.progress.total, etaMs: answer.progress.etaMs };
      building ??= answer.progress ?? undefined;
      // The syntactic tier answers: the servers were not asked live.
      if (cache.indexer.hasSyntax && !answer.liveAsked) {
        liveError ??= answer.syntaxComplete ? "not asked: every file has its syntax symbols (source `syntax`)" : "not asked: the syntactic pass is filling the cache";
      }
      syntaxOnly ||= cache.indexer.hasSyntax && !answer.passRunning && answer.syntaxComplete;
      liveError ??= answer.liveError;
    }
    for (const hit of answer.hits) found.push({ hit, root: scope.root });
  }
  const ordered = groupByBestFile(found);
  const results = ordered.slice(offset, offset + limit).map((f) => toEntry(f.hit, f.root, sources));
  const pageTotal = Math.max(total, ordered.length);
  const page = { total: pageTotal, offset, results, omitted: Math.max(0, pageTotal - offset - results.length) };
  // Nothing is building when the syntactic tier alone covers the root: `codeintel index` asks the servers.
  const indexState =
    syntaxOnly && !passRunning
      ? "the language servers have not indexed this root yet (`codeintel index`, or the index tool, asks them); symbols come from the syntactic tier"
      : `the symbol index is still being built${building ? ` (${passText(building)})` : ""}; ${note.source === "cache+live" ? "live language-server results are included" : `live search: ${liveError ?? "no hits"}`}`;
  const reasons = [...(note.complete ? [] : [indexState]), ...serverLines.values()];
  const completeness: Completeness = reasons.length === 0 ? { complete: true } : { complete: false, reason: reasons.join("; ") };
  const lines = renderSearch(input.query, page, limit, more);
  const fromSyntax = page.results.filter((e) => e.source === "syntax" || e.source === "ctags").length;
  if (fromSyntax > 0) lines.unshift(approximateLine(fromSyntax, page.results.length, note.complete, page.results.some((e) => e.source === "ctags")));
  // "Retry shortly" only when something is under way; a missing server stays missing.
  const transient = (!note.complete && !syntaxOnly) || passRunning || [...serverLines.values()].some((l) => / was still loading| timed out/.test(l));
  if (!completeness.complete) lines.unshift(transient ? partialLine(completeness)! : `partial answer: ${completeness.reason}`);
  return { structured: { query: input.query, ...page, ...completeness, index: note, precision: fromSyntax > 0 ? "approximate" : "exact" }, text: lines.join("\n") };
}

/** The search's text after its notes: the count, the results grouped by file, how to get the rest. */
function renderSearch(query: string, page: Page<WorkspaceSymbolEntry>, limit: number, more: boolean): string[] {
  const lines = [page.total === 0 ? `no symbols match '${query}'` : `${plural(page.total, "symbol")}${more ? "+" : ""} match '${query}'`];
  lines.push(...groupedByFile(page.results, (e) => `${e.line}:${e.column} ${e.kind} ${e.container ? e.container + "." : ""}${e.name}${marker(e.source)}`));
  const cut = truncationNote(page, limit);
  if (cut) lines.push(cut);
  else if (more) lines.push("(more matches exist: narrow the query, or use kind/path filters)");
  return lines;
}

/** The root-relative path filter of a search in a folder of a root: the folder, or the filter inside it. */
function scopedPath(path: string | undefined, relPath: string | undefined): string | undefined {
  const prefix = relPath ? relPath.replace(/\/?$/, "/") : undefined;
  if (!path) return prefix;
  return prefix && !path.startsWith(prefix) ? prefix + path.replace(/^\.\//, "") : path;
}

function createDocumentSymbolsTool(deps: SymbolToolDeps): Tool<{ file: string; limit?: number; offset?: number }, DocumentSymbolsOutput> {
  return {
    name: "document_symbols",
    title: "Outline of a file",
    description:
      "List the symbols a file declares (classes, functions, methods, variables, ...) as an indented outline with 1-based lines. Use it to see a file's structure or to find a symbol name to pass to other tools. From the symbol index when it holds the file as it is on disk, else from its language server, else (no server reads the file) from tree-sitter's parse, marked approximate.",
    inputSchema: {
      type: "object",
      properties: { file: fileProperty, ...pagingSchema(OUTLINE_LIMIT) },
      required: ["file"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: { path: { type: "string" }, total: { type: "integer" }, offset: { type: "integer" }, omitted: { type: "integer" }, results: { type: "array", items: { type: "object" } }, ...indexProperties },
      required: ["path", "total", "offset", "omitted", "results", "index", "precision"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const { limit, offset } = paging(input, OUTLINE_LIMIT);
        const file = resolveSourceFile(deps, input.file);
        const answer = await outlineAnswer(deps, file, ctx.signal);
        const results = answer.outline.slice(offset, offset + limit);
        const page = { total: answer.outline.length, offset, results, omitted: Math.max(0, answer.outline.length - offset - results.length) };
        const lines = [page.total === 0 ? `no symbols in ${file.relPath}` : `${plural(page.total, "symbol")} in ${file.relPath}`];
        if (answer.approximate) lines.unshift(`approximate: symbols from syntax (tree-sitter), not a language server: ${answer.approximate}`);
        for (const s of page.results) lines.push(`${"  ".repeat(s.depth)}${s.line}: ${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ""}`);
        const cut = truncationNote(page, limit);
        if (cut) lines.push(cut);
        const precision: SymbolPrecision = answer.approximate ? "approximate" : "exact";
        return { structured: { path: file.relPath, ...page, index: answer.index, precision }, text: lines.join("\n") };
      }),
  };
}

type Outline = { outline: OutlineEntry[]; index: SymbolIndexNote; /** Why the syntax tier answered. */ approximate?: string };

/**
 * The cache's outline when it holds the file as it is (and a server's symbols, or syntax symbols
 * no server replaces), else the server's, else the syntax tier's for a file no server can read.
 */
async function outlineAnswer(deps: SymbolToolDeps, file: { root: string; relPath: string; absPath: string }, signal: AbortSignal): Promise<Outline> {
  const cache = deps.caches?.get(file.root);
  const cached = await cache?.documentSymbols(file.relPath);
  const indexComplete = (await cache?.isComplete()) ?? false;
  const sources = new SourceCache(deps.roots);
  const fromCache = (symbols: Parameters<typeof outlineOf>[0], source: SymbolSourceName) => outlineOf(symbols).map((row) => outlineEntry(row, sources, file.absPath, source));
  if (!cached?.fresh) return fromServerOrSyntax(deps, file, signal, indexComplete);
  if (cached.tier === "lsp") return { outline: fromCache(cached.symbols, "lsp"), index: { source: "cache", complete: indexComplete } };
  // Syntax symbols are the answer only where no server answers: a server that reads the
  // file is asked first, and its failure is named beside the approximate outline.
  let why: string;
  if (!cached.server) why = `no language server reads ${extname(file.relPath) || file.relPath} files`;
  else {
    try {
      const served = await liveOutline(deps, file.absPath, signal);
      // An empty outline does not replace what the syntax tier found in this content.
      if (served.length > 0 || cached.symbols.length === 0) return { outline: served, index: { source: "live", complete: indexComplete } };
      why = cached.serverError ?? "its language server answered no symbols for it";
    } catch (err) {
      if (signal.aborted) throw err;
      why = `its language server did not answer (${(err as Error).message})`;
    }
  }
  return { outline: fromCache(cached.symbols, "syntax"), index: { source: "cache", complete: indexComplete }, approximate: why };
}

/** The server's outline; when it cannot answer (none for the language, not installed, broken) and a grammar reads the file, the syntax tier's. */
async function fromServerOrSyntax(deps: SymbolToolDeps, file: { root: string; relPath: string; absPath: string }, signal: AbortSignal, indexComplete: boolean): Promise<Outline> {
  try {
    return { outline: await liveOutline(deps, file.absPath, signal), index: { source: "live", complete: indexComplete } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (signal.aborted || code !== "unavailable" || !deps.syntax || !syntaxLanguageOf(file.absPath)) throw err;
    const { symbols } = await deps.syntax.outline(file.root, file.relPath, signal);
    const sources = new SourceCache(deps.roots);
    const outline = outlineOf(symbols).map((row) => outlineEntry(row, sources, file.absPath, "syntax"));
    return { outline, index: { source: "syntax", complete: indexComplete }, approximate: firstLine((err as Error).message) };
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/\.$/, "");
}

function toEntry(h: SymbolHit, root: string, sources: SourceCache): WorkspaceSymbolEntry {
  const abs = join(root, h.path);
  const pos = sources.userPosition(abs, h.selectionRange.start);
  return {
    name: h.name,
    kind: kindName(h.kind),
    ...(h.container ? { container: h.container } : {}),
    path: sources.displayPath(abs),
    line: pos.line,
    column: pos.column,
    snippet: sources.snippet(abs, h.selectionRange.start.line),
    server: h.server ?? "",
    source: h.source === "syntax" || h.source === "ctags" ? h.source : "lsp",
  };
}

function marker(source: SymbolSourceName): string {
  return source === "lsp" ? "" : `  [${source}]`;
}

/** The first line of an answer some of whose results no server has confirmed. */
function approximateLine(fromSyntax: number, shown: number, complete: boolean, ctags = false): string {
  const which = fromSyntax === shown ? (shown === 1 ? "the result is" : `all ${shown} results are`) : `${fromSyntax} of ${shown} results are`;
  const why = complete ? "no language server reads their files, or it failed on them or answered none" : "their language servers have not answered yet";
  const from = ctags ? "from syntax (tree-sitter, marked [syntax], or Universal Ctags' first pass, marked [ctags]: lines only, refined within seconds)" : "from syntax (tree-sitter, marked [syntax])";
  return `approximate: ${which} ${from}: ${why}`;
}

/** `syntax 2399/2399 · lsp 120/800 files, about 40 s left`, or the LSP count alone without a syntax tier. */
function passText(p: IndexProgress): string {
  const lsp = `${p.done}/${p.total} files${p.etaMs !== null && p.tier === "lsp" ? `, about ${Math.ceil(p.etaMs / 1000)} s left` : ""}`;
  return p.syntax.total > 0 ? `syntax ${p.syntax.done}/${p.syntax.total} · lsp ${lsp}` : lsp;
}

/** Keeps relevance order between files (a file sits where its best hit ranked) but groups each file's hits. */
function groupByBestFile<T extends { hit: SymbolHit; root: string }>(found: T[]): T[] {
  const key = (f: T) => f.root + "\0" + f.hit.path;
  const firstSeen = new Map<string, number>();
  found.forEach((f, i) => {
    if (!firstSeen.has(key(f))) firstSeen.set(key(f), i);
  });
  return found.map((f, i) => ({ f, i })).sort((a, b) => firstSeen.get(key(a.f))! - firstSeen.get(key(b.f))! || a.i - b.i).map((x) => x.f);
}
