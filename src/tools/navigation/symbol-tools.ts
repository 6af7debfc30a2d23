// document_symbols (the outline of one file) and workspace_symbols (live search
// through the language servers of a root).

import type { DocumentSymbol } from "vscode-languageserver-protocol";
import type { WorkspaceSymbolHit } from "../../lsp/pool.js";
import { flattenSymbols, outlineOf, type OutlineRow } from "../../symbols/flatten.js";
import { kindName, parseKinds } from "../../symbols/symbol-kinds.js";
import { confinePath } from "../../workspace/paths.js";
import { ToolError, type Tool } from "../../core/tool.js";
import {
  completenessProperties,
  fileProperty,
  guarded,
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
} from "./common.js";
import { groupedByFile, paginate, plural, sortEntries, truncationNote } from "./render.js";
import { resolveSourceFile } from "./target.js";
import type { DocumentSymbolsOutput, OutlineEntry, SymbolSourceName, WorkspaceSymbolEntry, WorkspaceSymbolsOutput } from "../../protocol/index.js";
export type { DocumentSymbolsOutput, OutlineEntry, SymbolSourceName, WorkspaceSymbolEntry, WorkspaceSymbolsOutput } from "../../protocol/index.js";


/** A file's outline is read whole more often than a result list: its default page is longer. */
export const OUTLINE_LIMIT = 200;

export function createDocumentSymbolsTool(deps: NavigationDeps): Tool<{ file: string; limit?: number; offset?: number }, DocumentSymbolsOutput> {
  return {
    name: "document_symbols",
    title: "Outline of a file",
    description:
      "List the symbols a file declares (classes, functions, methods, variables, ...) as an indented outline with 1-based lines. Use it to see a file's structure or to find a symbol name to pass to other tools.",
    inputSchema: { type: "object", properties: { file: fileProperty, ...pagingSchema(OUTLINE_LIMIT) }, required: ["file"], additionalProperties: false },
    outputSchema: {
      type: "object",
      properties: { path: { type: "string" }, total: { type: "integer" }, offset: { type: "integer" }, omitted: { type: "integer" }, results: { type: "array", items: { type: "object" } } },
      required: ["path", "total", "offset", "omitted", "results"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const { limit, offset } = paging(input, OUTLINE_LIMIT);
        const file = resolveSourceFile(deps, input.file);
        const symbols = await deps.pool.documentSymbols(file.absPath, ctx.signal);
        const text = await deps.pool.documentText(file.absPath, ctx.signal);
        const sources = new SourceCache(deps.roots);
        sources.seed(file.absPath, text);
        const outline = outlineOf(flattenSymbols(symbols, text)).map((row) => outlineEntry(row, sources, file.absPath));
        const page = paginate(outline, limit, offset);
        const lines = [`${plural(page.total, "symbol")} in ${file.relPath}`];
        for (const s of page.results) lines.push(`${"  ".repeat(s.depth)}${s.line}: ${s.kind} ${s.name}${s.detail ? ` — ${s.detail}` : ""}`);
        const note = truncationNote(page, limit);
        if (note) lines.push(note);
        if (page.total === 0) lines[0] = `no symbols in ${file.relPath}`;
        return { structured: { path: file.relPath, ...page }, text: lines.join("\n") };
      }),
  };
}

/** One outline row, live or cached: 1-based user position of the symbol's name. */
export function outlineEntry(row: OutlineRow, sources: SourceCache, absPath: string, source: SymbolSourceName = "lsp"): OutlineEntry {
  const s = row.symbol;
  const pos = sources.userPosition(absPath, s.selectionRange.start);
  return {
    name: s.name,
    kind: kindName(s.kind),
    ...(s.detail ? { detail: s.detail } : {}),
    ...(row.container ? { container: row.container } : {}),
    depth: row.depth,
    line: pos.line,
    column: pos.column,
    endLine: s.range.end.line + 1,
    source,
  };
}

export function createWorkspaceSymbolsTool(deps: NavigationDeps): Tool<{ query: string; root?: string; kind?: string; limit?: number; offset?: number }, WorkspaceSymbolsOutput> {
  return {
    name: "workspace_symbols",
    title: "Search symbols by name",
    description:
      "Search the project for symbols (classes, functions, methods, ...) whose name matches `query`, using the language servers live. Results are grouped by file with 1-based line:column. Optional `root` (a project root or a folder inside one) and `kind` (e.g. `class`, `function`) narrow the search.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", maxLength: MAX_QUERY_CHARS, description: "Symbol name or part of it." },
        root: { type: "string", maxLength: MAX_PATH_CHARS, description: "Project root or a folder inside one (default: every root)." },
        kind: { type: "string", maxLength: 64, description: "Only symbols of this kind: class, function, method, interface, variable, ..." },
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
      },
      required: ["query", "total", "offset", "omitted", "results", "complete"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        if (typeof input.query !== "string") throw new ToolError("invalid_input", "`query` must be a string");
        const { limit, offset } = paging(input);
        const kinds = kindFilter(input.kind);
        const report = progressOf(ctx);
        const scopes = input.root ? [confineDir(deps, input.root)] : [...deps.roots];
        const sources = new SourceCache(deps.roots);
        const entries: WorkspaceSymbolEntry[] = [];
        const partial: string[] = [];
        for (const scope of scopes) {
          const answer = await deps.pool.searchWorkspaceSymbols(input.query, scope, { signal: ctx.signal, onProgress: report });
          partial.push(...answer.partial);
          const declared = kinds ? await declaredKinds(deps, answer.hits, ctx.signal) : undefined;
          for (const h of answer.hits) {
            const kind = declared?.get(h) ?? h.kind;
            if (kinds && !kinds.includes(kind)) continue;
            const pos = h.range ? sources.userPosition(h.absPath, h.range.start) : { line: 1, column: 1 };
            entries.push({
              name: h.name,
              kind: kindName(kind),
              ...(h.containerName ? { container: h.containerName } : {}),
              path: sources.displayPath(h.absPath),
              line: pos.line,
              column: pos.column,
              snippet: h.range ? sources.snippet(h.absPath, h.range.start.line) : "",
              server: h.serverId,
              source: "lsp",
            });
          }
        }
        const page = paginate(rank(sortEntries(entries), input.query), limit, offset);
        const completeness: Completeness = partial.length === 0 ? { complete: true } : { complete: false, reason: partial.join("; ") };
        const lines = [page.total === 0 ? `no symbols match '${input.query}'` : `${plural(page.total, "symbol")} match '${input.query}'`];
        const partialNote = partialLine(completeness);
        if (partialNote) lines.unshift(partialNote);
        lines.push(...groupedByFile(page.results, (e) => `${e.line}:${e.column} ${e.kind} ${e.container ? e.container + "." : ""}${e.name}`));
        const note = truncationNote(page, limit);
        if (note) lines.push(note);
        return { structured: { query: input.query, ...page, ...completeness }, text: lines.join("\n") };
      }),
  };
}

/** Files holding an exact name match first, then prefix matches, then the rest; grouping by file stays intact. */
function rank(entries: WorkspaceSymbolEntry[], query: string): WorkspaceSymbolEntry[] {
  const q = query.toLowerCase();
  const tier = (e: WorkspaceSymbolEntry) => (e.name.toLowerCase() === q ? 0 : e.name.toLowerCase().startsWith(q) ? 1 : 2);
  const fileTier = new Map<string, number>();
  for (const e of entries) fileTier.set(e.path, Math.min(fileTier.get(e.path) ?? 3, tier(e)));
  return entries.map((e, i) => ({ e, i })).sort((a, b) => fileTier.get(a.e.path)! - fileTier.get(b.e.path)! || a.i - b.i).map((x) => x.e);
}

/**
 * The kind each hit has in its file's outline — the kind the symbol cache stores — so a `kind`
 * filter answers the same with and without a cache: workspace/symbol hits carry no parent, so
 * an enum member a server calls a constant can only be told from the outline. A hit whose file
 * has no outline, or which is not in it, keeps its own kind.
 */
async function declaredKinds(deps: NavigationDeps, hits: readonly WorkspaceSymbolHit[], signal: AbortSignal): Promise<Map<WorkspaceSymbolHit, number>> {
  const byFile = new Map<string, WorkspaceSymbolHit[]>();
  for (const h of hits) if (h.range) byFile.set(h.absPath, [...(byFile.get(h.absPath) ?? []), h]);
  const kinds = new Map<WorkspaceSymbolHit, number>();
  for (const [absPath, fileHits] of byFile) {
    let outline;
    try {
      const tree = await deps.pool.documentSymbols(absPath, signal);
      outline = flattenSymbols(tree, await deps.pool.documentText(absPath, signal));
    } catch (e) {
      if (signal.aborted) throw e;
      continue;
    }
    for (const h of fileHits) {
      // The innermost declaration of that name around the hit (an outline lists parents first).
      const match = outline.findLast((s) => s.name === h.name && contains(s.range, h.range!.start));
      if (match) kinds.set(h, match.kind);
    }
  }
  return kinds;
}

function contains(range: DocumentSymbol["range"], pos: DocumentSymbol["range"]["start"]): boolean {
  const afterStart = pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const beforeEnd = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return afterStart && beforeEnd;
}

/** The LSP kinds a `kind` filter names; invalid_input for a name that is no symbol kind. */
export function kindFilter(kind: string | undefined): number[] | undefined {
  if (kind === undefined) return undefined;
  try {
    return parseKinds([kind]);
  } catch (e) {
    throw new ToolError("invalid_input", (e as Error).message);
  }
}

function confineDir(deps: NavigationDeps, dir: string): string {
  return confinePath(dir, deps.roots).absPath;
}
