// The language servers as a source of the symbol tools (src/tools/symbol-tools.ts): a file's
// outline and a live workspace/symbol search, in the tools' entry shapes, with kinds by the one
// kind rule (symbols/flatten.ts), so they answer as the symbol cache does.
//
//   liveOutline(deps, absPath, signal)           → OutlineEntry[] (the server's documentSymbol)
//   liveWorkspaceSymbols(deps, search, signal, report?) → { page, partial }
//   outlineEntry(row, sources, absPath, source?) → one outline row, live or cached
//   kindFilter(kind)                             → the LSP kinds a `kind` filter names
import { relative, sep } from "node:path";
import type { WorkspaceSymbolHit } from "../../lsp/pool.js";
import { flattenSymbols, outlineOf, type OutlineRow } from "../../symbols/flatten.js";
import { matchesPathFilter } from "../../symbols/query.js";
import { kindName, parseKinds } from "../../symbols/symbol-kinds.js";
import type { FlatSymbol, LspRange } from "../../symbols/types.js";
import { ToolError } from "../../core/tool.js";
import { SourceCache, type NavigationDeps } from "./common.js";
import { paginate, sortEntries, type Page } from "./render.js";
import type { OutlineEntry, SymbolSourceName, WorkspaceSymbolEntry } from "../../protocol/index.js";
import type { QueryProgress } from "../../lsp/pool.js";

/** The file's outline from its language server. */
export async function liveOutline(deps: NavigationDeps, absPath: string, signal: AbortSignal): Promise<OutlineEntry[]> {
  const tree = await deps.pool.documentSymbols(absPath, signal);
  const text = await deps.pool.documentText(absPath, signal);
  const sources = new SourceCache(deps.roots);
  sources.seed(absPath, text);
  return outlineOf(flattenSymbols(tree, text)).map((row) => outlineEntry(row, sources, absPath));
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

export interface LiveSymbolSearch {
  query: string;
  /** Project roots or folders inside them, each with its root-relative path prefix or glob (as the cache takes it). */
  scopes: readonly { root: string; absPath: string; path?: string }[];
  kinds?: number[];
  container?: string;
  limit: number;
  offset: number;
}

/**
 * workspace/symbol across the servers of each scope, filtered as the cache filters (kind, path,
 * container: by each hit's declaration in its file's outline) and ranked exact, prefix, rest by
 * file. `partial`: one line per server that did not contribute fully.
 */
export async function liveWorkspaceSymbols(deps: NavigationDeps, search: LiveSymbolSearch, signal: AbortSignal, report?: QueryProgress): Promise<{ page: Page<WorkspaceSymbolEntry>; partial: string[] }> {
  const found: WorkspaceSymbolHit[] = [];
  const partial: string[] = [];
  for (const scope of search.scopes) {
    const answer = await deps.pool.searchWorkspaceSymbols(search.query, scope.absPath, { signal, onProgress: report });
    partial.push(...answer.partial);
    for (const hit of answer.hits) {
      if (!matchesPathFilter(scope.path, relative(scope.root, hit.absPath).split(sep).join("/"))) continue;
      found.push(hit);
    }
  }
  const sources = new SourceCache(deps.roots);
  const entryOf = (h: WorkspaceSymbolHit, declared: FlatSymbol | undefined): WorkspaceSymbolEntry => {
    const pos = h.range ? sources.userPosition(h.absPath, h.range.start) : { line: 1, column: 1 };
    const container = declared ? declared.container : h.containerName;
    return {
      name: h.name,
      kind: kindName(declared?.kind ?? h.kind),
      ...(container ? { container } : {}),
      path: sources.displayPath(h.absPath),
      line: pos.line,
      column: pos.column,
      snippet: h.range ? sources.snippet(h.absPath, h.range.start.line) : "",
      server: h.serverId,
      source: "lsp",
    };
  };
  // A kind or container filter needs every hit's declaration; otherwise only the page's are shown.
  const filtered = search.kinds !== undefined || search.container !== undefined;
  let declared = filtered ? await declarations(deps, found, signal) : undefined;
  const byEntry = new Map<WorkspaceSymbolEntry, WorkspaceSymbolHit>();
  const entries: WorkspaceSymbolEntry[] = [];
  for (const h of found) {
    const e = entryOf(h, declared?.get(h));
    if (search.kinds && !search.kinds.includes(declared?.get(h)?.kind ?? h.kind)) continue;
    if (search.container !== undefined && (e.container ?? "").toLowerCase() !== search.container.toLowerCase()) continue;
    byEntry.set(e, h);
    entries.push(e);
  }
  const page = paginate(rank(sortEntries(entries), search.query), search.limit, search.offset);
  if (!declared) {
    const shown = page.results.map((e) => byEntry.get(e)!);
    declared = await declarations(deps, shown, signal);
    page.results = shown.map((h) => entryOf(h, declared!.get(h)));
  }
  return { page, partial };
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
 * Each hit's declaration in its file's outline — the row the symbol cache stores — so the live
 * answer is the cache's: workspace/symbol hits carry no parent and no text, so an enum member a
 * server calls a constant, a const holding an arrow function, or a method's class (tsserver
 * leaves it out) can only be told from the outline. A hit whose file has no outline, or which
 * is not in it, keeps its own kind and container.
 */
async function declarations(deps: NavigationDeps, hits: readonly WorkspaceSymbolHit[], signal: AbortSignal): Promise<Map<WorkspaceSymbolHit, FlatSymbol>> {
  const byFile = new Map<string, WorkspaceSymbolHit[]>();
  for (const h of hits) if (h.range) byFile.set(h.absPath, [...(byFile.get(h.absPath) ?? []), h]);
  const found = new Map<WorkspaceSymbolHit, FlatSymbol>();
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
      if (match) found.set(h, match);
    }
  }
  return found;
}

function contains(range: LspRange, pos: LspRange["start"]): boolean {
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
