// Compact, model-friendly renderings: counts first, grouped by file, root-relative
// paths, 1-based positions, the source line as a snippet, and a note when results
// were cut off saying how to get the rest.

import type { Location } from "vscode-languageserver-protocol";
import { fileURLToPath } from "node:url";
import type { SourceCache } from "./common.js";
import type { LocationEntry, Page } from "../../protocol/index.js";
export type { LocationEntry, Page } from "../../protocol/index.js";


export function toEntries(locations: Location[], sources: SourceCache): LocationEntry[] {
  const entries: LocationEntry[] = [];
  const seen = new Set<string>();
  for (const loc of locations) {
    if (!loc.uri.startsWith("file:")) continue;
    const absPath = fileURLToPath(loc.uri);
    const key = `${absPath}:${loc.range.start.line}:${loc.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const start = sources.userPosition(absPath, loc.range.start);
    const end = sources.userPosition(absPath, loc.range.end);
    entries.push({
      path: sources.displayPath(absPath),
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      snippet: sources.snippet(absPath, loc.range.start.line),
    });
  }
  return sortEntries(entries);
}

export function sortEntries<T extends { path: string; line: number; column: number }>(entries: T[]): T[] {
  // Root-relative paths before absolute ones (files outside the project: libraries, system headers).
  return entries.sort(
    (a, b) => Number(a.path.startsWith("/")) - Number(b.path.startsWith("/")) || a.path.localeCompare(b.path) || a.line - b.line || a.column - b.column,
  );
}

export function paginate<T>(all: T[], limit: number, offset: number): Page<T> {
  const results = all.slice(offset, offset + limit);
  return { total: all.length, offset, results, omitted: Math.max(0, all.length - offset - results.length) };
}

export function countFiles(entries: { path: string }[]): number {
  return new Set(entries.map((e) => e.path)).size;
}

/** Groups lines under their file: "path (n)" then indented "L:C  text" rows. */
export function groupedByFile<T extends { path: string }>(entries: T[], row: (e: T) => string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.path, (counts.get(e.path) ?? 0) + 1);
  for (const e of entries) {
    if (e.path !== current) {
      current = e.path;
      out.push(`${e.path} (${counts.get(e.path)})`);
    }
    out.push("  " + row(e));
  }
  return out;
}

export function truncationNote(page: Page<unknown>, limit: number): string | undefined {
  if (page.omitted === 0) return undefined;
  return `… ${page.omitted} more not shown; call again with offset=${page.offset + page.results.length} (limit=${limit}) to see them.`;
}

export function locationRow(e: LocationEntry): string {
  return `${e.line}:${e.column}${e.kind ? ` ${e.kind}` : ""}${e.name ? ` ${e.name}` : ""}  ${e.snippet}`;
}

export function plural(n: number, word: string, pluralWord = word + "s"): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}
