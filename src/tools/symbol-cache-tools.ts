// workspace_symbols and document_symbols answered from the SQLite symbol cache, with the same
// output shape as the live tools (src/tools/navigation/symbol-tools.ts) plus an `index` note.
// A root without a cache, a file whose cached symbols are not fresh, or a cold cache falls
// back to (or is filled in by) the live language servers. Each result says its `source`:
// `lsp`, or `syntax` (tree-sitter's, where no server has answered: approximate, and the text
// says so in its first line and marks each such result `[syntax]`).
//
//   createSymbolCacheTools({ pool, roots, caches })   → [document_symbols, workspace_symbols]
//   `caches.get(root)` returns the root's SymbolCache (see src/symbols/registry.ts).
import { extname, join } from "node:path";
import type { IndexProgress } from "../symbols/indexer.js";
import type { SymbolCache } from "../symbols/symbol-cache.js";
import { outlineOf } from "../symbols/flatten.js";
import { kindName } from "../symbols/symbol-kinds.js";
import type { SymbolHit } from "../symbols/types.js";
import { MAX_LIMIT } from "../workspace/limits.js";
import { confinePath } from "../workspace/paths.js";
import { completenessProperties, guarded, MAX_NAME_CHARS, MAX_PATH_CHARS, paging, partialLine, progressOf, SourceCache, type NavigationDeps } from "./navigation/common.js";
import { groupedByFile, plural, truncationNote } from "./navigation/render.js";
import {
  createDocumentSymbolsTool,
  OUTLINE_LIMIT,
  createWorkspaceSymbolsTool,
  kindFilter,
  outlineEntry,
  type DocumentSymbolsOutput,
  type SymbolSourceName,
  type WorkspaceSymbolEntry,
  type WorkspaceSymbolsOutput,
} from "./navigation/symbol-tools.js";
import { resolveSourceFile } from "./navigation/target.js";
import { defineTool, ToolError, type Tool } from "../core/tool.js";

/** Hits fetched per root whatever the page, so the file grouping and the page boundaries hold from page to page. */
const PAGING_POOL = 200;

export interface SymbolCacheToolDeps extends NavigationDeps {
  /** `forSearch`: the cache a search answers from (may create one to fill its syntactic tier); else `get`. */
  caches: { get(root: string): SymbolCache | undefined; forSearch?(root: string): SymbolCache | undefined };
}

/** How the answer was produced, so a caller knows whether "no match" is final. */
export interface IndexNote {
  source: "cache" | "cache+live" | "live";
  /** False while the root's first full indexing pass has not finished. */
  complete: boolean;
  progress?: { done: number; total: number; etaMs: number | null };
}

/** `approximate` when any result comes from the syntactic tier rather than a language server. */
export type Precision = "exact" | "approximate";

export type CachedWorkspaceSymbolsOutput = WorkspaceSymbolsOutput & { index: IndexNote; precision: Precision };
export type CachedDocumentSymbolsOutput = DocumentSymbolsOutput & { index: IndexNote; precision: Precision };

const precisionProperty = { precision: { enum: ["exact", "approximate"], description: "approximate: some results come from tree-sitter's parse (source `syntax`), not a language server." } };

export function createSymbolCacheTools(deps: SymbolCacheToolDeps): Tool[] {
  return [defineTool(createCachedDocumentSymbolsTool(deps)), defineTool(createCachedWorkspaceSymbolsTool(deps))];
}

type WorkspaceInput = { query: string; root?: string; kind?: string; path?: string; container?: string; limit?: number; offset?: number };

function createCachedWorkspaceSymbolsTool(deps: SymbolCacheToolDeps): Tool<WorkspaceInput, CachedWorkspaceSymbolsOutput> {
  const live = createWorkspaceSymbolsTool(deps);
  return {
    ...live,
    description:
      "Search the project for symbols (classes, functions, methods, ...) by name: exact, prefix, camelCase initials (`gus` finds getUserService), substring, then fuzzy. Answers in milliseconds from the symbol index; while the index is still being built the language servers fill in and the answer says so. Each result's `source` is `lsp` (a language server) or `syntax` (tree-sitter's parse, approximate: for languages without a server, or files a server has not answered for yet). Results are grouped by file with 1-based line:column. Optional `root` (a project root or a folder inside one), `path` (a path prefix or glob like `src/**/*.ts`), `kind` (class, function, method, interface, ...) and `container` (the enclosing class or namespace) narrow the search.",
    inputSchema: {
      ...live.inputSchema,
      properties: {
        ...live.inputSchema.properties,
        path: { type: "string", maxLength: MAX_PATH_CHARS, description: "Only files under this root-relative path prefix (`src/lsp/`) or matching this glob (`**/*.test.ts`)." },
        container: { type: "string", maxLength: MAX_NAME_CHARS, description: "Only symbols declared directly inside this class, namespace or module (case-insensitive)." },
      },
    },
    outputSchema: { ...live.outputSchema, properties: { ...live.outputSchema.properties, ...completenessProperties, ...precisionProperty, index: { type: "object" } } },
    run: (input, ctx) =>
      guarded(async () => {
        if (typeof input.query !== "string") throw new ToolError("invalid_input", "`query` must be a string");
        const { limit, offset } = paging(input);
        const kinds = kindFilter(input.kind);
        const report = progressOf(ctx);
        const scopes = input.root ? [confinePath(input.root, deps.roots)] : deps.roots.map((root) => ({ root, relPath: "", absPath: root }));
        const sources = new SourceCache(deps.roots);
        const found: { hit: SymbolHit; root: string }[] = [];
        const note: IndexNote = { source: "cache", complete: true };
        let building: IndexProgress | undefined;
        let liveError: string | undefined;
        let more = false;
        let total = 0;
        let passRunning = false;
        let syntaxOnly = false;
        // One line per server that did not contribute (not installed, broken, slow), whatever the root.
        const serverLines = new Map<string, string>();
        for (const scope of scopes) {
          const cache = deps.caches.forSearch?.(scope.root) ?? deps.caches.get(scope.root);
          if (!cache) {
            // No cache for this root: the live tool answers the whole call.
            const r = await live.run({ ...input }, ctx);
            return { structured: { ...r.structured, index: { source: "live", complete: false }, precision: "exact" }, text: r.text };
          }
          if (!cache.complete && !cache.indexer.hasSyntax) report?.(`the symbol index is still being built (${passText(cache.indexer.progress)}); asking the language servers too`);
          const prefix = scope.relPath ? scope.relPath.replace(/\/?$/, "/") : undefined;
          const path = input.path ? (prefix && !input.path.startsWith(prefix) ? prefix + input.path.replace(/^\.\//, "") : input.path) : prefix;
          // The same pool of hits for every page (grouping by file reorders within it), so pages neither repeat nor skip.
          const pool = Math.min(Math.max(offset + limit + 1, PAGING_POOL), MAX_LIMIT);
          const answer = await cache.search({ query: input.query, kinds, path, container: input.container, limit: pool }, ctx.signal);
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
        const omitted = Math.max(0, pageTotal - offset - results.length);
        const page = { total: pageTotal, offset, results, omitted };
        const head = page.total === 0 ? `no symbols match '${input.query}'` : `${plural(page.total, "symbol")}${more ? "+" : ""} match '${input.query}'`;
        const lines = [head];
        // Nothing is building when the syntactic tier alone covers the root: `codeintel index` asks the servers.
        const indexState = syntaxOnly && !passRunning
          ? "the language servers have not indexed this root yet (`codeintel index`, or the index tool, asks them); symbols come from the syntactic tier"
          : `the symbol index is still being built${building ? ` (${passText(building)})` : ""}; ${note.source === "cache+live" ? "live language-server results are included" : `live search: ${liveError ?? "no hits"}`}`;
        const reasons = [...(note.complete ? [] : [indexState]), ...serverLines.values()];
        const completeness = reasons.length === 0 ? { complete: true } : { complete: false, reason: reasons.join("; ") };
        const fromSyntax = page.results.filter((e) => e.source === "syntax" || e.source === "ctags").length;
        if (fromSyntax > 0) lines.unshift(approximateLine(fromSyntax, page.results.length, note.complete, page.results.some((e) => e.source === "ctags")));
        // "Retry shortly" only when something is under way; a missing server stays missing.
        const transient = (!note.complete && !syntaxOnly) || passRunning || [...serverLines.values()].some((l) => / was still loading| timed out/.test(l));
        if (!completeness.complete) lines.unshift(transient ? partialLine(completeness)! : `partial answer: ${completeness.reason}`);
        lines.push(...groupedByFile(page.results, (e) => `${e.line}:${e.column} ${e.kind} ${e.container ? e.container + "." : ""}${e.name}${marker(e.source)}`));
        const cut = truncationNote(page, limit);
        if (cut) lines.push(cut);
        else if (more) lines.push("(more matches exist: narrow the query, or use kind/path filters)");
        return { structured: { query: input.query, ...page, ...completeness, index: note, precision: fromSyntax > 0 ? "approximate" : "exact" }, text: lines.join("\n") };
      }),
  };
}

function createCachedDocumentSymbolsTool(deps: SymbolCacheToolDeps): Tool<{ file: string; limit?: number; offset?: number }, CachedDocumentSymbolsOutput> {
  const live = createDocumentSymbolsTool(deps);
  return {
    ...live,
    outputSchema: { ...live.outputSchema, properties: { ...live.outputSchema.properties, ...precisionProperty, index: { type: "object" } } },
    run: (input, ctx) =>
      guarded(async () => {
        const file = resolveSourceFile(deps, input.file);
        const cached = deps.caches.get(file.root)?.documentSymbols(file.relPath);
        const fromServer = async () => {
          const r = await live.run(input, ctx);
          return { structured: { ...r.structured, index: { source: "live" as const, complete: false }, precision: "exact" as const }, text: r.text };
        };
        if (!cached?.fresh) return fromServer();
        // Syntax symbols are the answer only where no server answers: a server that reads the
        // file is asked first, and its failure is named beside the approximate outline.
        let why: string | undefined;
        if (cached.tier === "syntax") {
          if (!cached.server) why = `no language server reads ${extname(file.relPath) || file.relPath} files`;
          else {
            try {
              const served = await fromServer();
              // An empty outline does not replace what the syntax tier found in this content.
              if (served.structured.total > 0 || cached.symbols.length === 0) return served;
              why = cached.serverError ?? "its language server answered no symbols for it";
            } catch (err) {
              if (ctx.signal.aborted) throw err;
              why = `its language server did not answer (${(err as Error).message})`;
            }
          }
        }
        const { limit, offset } = paging(input, OUTLINE_LIMIT);
        const sources = new SourceCache(deps.roots);
        const outline = outlineOf(cached.symbols).map((row) => outlineEntry(row, sources, file.absPath, cached.tier === "syntax" ? "syntax" : "lsp"));
        const results = outline.slice(offset, offset + limit);
        const page = { total: outline.length, offset, results, omitted: Math.max(0, outline.length - offset - results.length) };
        const lines = [`${plural(page.total, "symbol")} in ${file.relPath}`];
        if (why) lines.unshift(`approximate: symbols from syntax (tree-sitter), not a language server: ${why}`);
        for (const s of page.results) lines.push(`${"  ".repeat(s.depth)}${s.line}: ${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ""}`);
        const cut = truncationNote(page, limit);
        if (cut) lines.push(cut);
        const precision: Precision = why ? "approximate" : "exact";
        return { structured: { path: file.relPath, ...page, index: { source: "cache", complete: true }, precision }, text: lines.join("\n") };
      }),
  };
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
