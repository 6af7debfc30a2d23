// What every store back end derives the same way from a write: a file's outcome (status,
// attempts, tier, error) and each symbol's searchable forms and standing. One place, so SQLite
// and PostgreSQL rank and report a file alike.
import { humps, lowerName } from "./name-forms.js";
import { isDataFile, isTestFile, placeOfSymbol, type Place, standing } from "./standing.js";
import type { FileRecord, FileStatus, FlatSymbol, LspRange, SymbolTier } from "./types.js";

/** One change to apply in a batch. */
export type FileWrite =
  /** The file's symbols from one tier, replacing whatever it held (default tier: lsp). */
  | { type: "symbols"; record: Omit<FileRecord, "symbolCount" | "status" | "attempts" | "error" | "indexedAt" | "tier">; symbols: FlatSymbol[]; tier?: SymbolTier }
  /**
   * No symbols (from the server, or the parser when `tier` is syntax). `keepSyntax`: the file holds syntax symbols of this very content,
   * and they stay (the failure is recorded beside them); otherwise its symbols go.
   */
  | { type: "failure"; record: Omit<FileRecord, "symbolCount" | "status" | "attempts" | "indexedAt" | "tier">; status: Exclude<FileStatus, "ok">; keepSyntax?: boolean; tier?: SymbolTier }
  | { type: "remove"; path: string }
  /** Every file under a folder went away (`dir` without a trailing slash). */
  | { type: "removeDir"; dir: string }
  /** The content is unchanged (same hash) but size/mtime moved: keep the symbols, update the stat. */
  | { type: "touch"; path: string; size: number; mtimeMs: number };

export interface StoreStats {
  files: number;
  symbols: number;
  ok: number;
  empty: number;
  failed: number;
  excluded: number;
}

/** One declaration found by name, with its file's record. */
export interface Declaration {
  file: FileRecord;
  symbol: { name: string; kind: number; container: string | null; detail: string | null; source: string; range: LspRange; selectionRange: LspRange };
}

/** The file row a symbols or failure write leaves, given what the store held for the path. */
export type FileOutcome =
  /** The failure is recorded beside the syntax symbols the file keeps. */
  | { besideSyntax: true; serverId: string | null; status: FileStatus; attempts: number; error: string | null }
  /** The file's symbols are replaced (by `symbols`, possibly none). */
  | { besideSyntax: false; serverId: string | null; status: FileStatus; attempts: number; error: string | null; tier: SymbolTier; count: number; source: string };

export function fileOutcome(w: Extract<FileWrite, { type: "symbols" | "failure" }>, existing: { attempts: number; tier: SymbolTier } | undefined): FileOutcome {
  const serverId = serverOf(w.record.fingerprint);
  const status: FileStatus = w.type === "symbols" ? (w.symbols.length > 0 ? "ok" : "empty") : w.status;
  // Consecutive failures: the indexer stops retrying a file after a few until it changes.
  const attempts = status === "failed" ? (existing?.attempts ?? 0) + 1 : 0;
  if (w.type === "failure" && w.keepSyntax && existing?.tier === "syntax") return { besideSyntax: true, serverId, status, attempts, error: w.record.error };
  const tier: SymbolTier = w.tier ?? "lsp";
  const error = w.type === "failure" ? w.record.error : status === "empty" && tier !== "ctags" ? "the server returned no symbols" : null;
  const count = w.type === "symbols" ? w.symbols.length : 0;
  const source = tier === "lsp" ? (serverId ?? "lsp") : tier;
  return { besideSyntax: false, serverId, status, attempts, error, tier, count, source };
}

/** A symbol's stored forms besides what FlatSymbol carries. */
export interface SymbolForms {
  lower: string;
  humps: string;
  containerLower: string | null;
  standing: number;
  /** Humps from the name's second, third and fourth word on: fuzzy candidates for queries starting at an inner word. */
  innerHumps: string[];
}

/** The forms of each of a file's symbols, in order (parents come before their children). */
export function symbolForms(path: string, symbols: readonly FlatSymbol[], tier: SymbolTier): SymbolForms[] {
  const dataFile = isDataFile(path);
  const testFile = isTestFile(path);
  const places: Place[] = [];
  return symbols.map((sym) => {
    const h = humps(sym.name);
    const parent = sym.parent === null ? null : { place: places[sym.parent]!, kind: symbols[sym.parent]!.kind };
    const place = placeOfSymbol(sym.name, parent, dataFile);
    places.push(place);
    const inner: string[] = [];
    // ctags rows, replaced within the minute, skip the inner-word fuzzy candidates too.
    if (tier !== "ctags") for (let k = 1; k <= h.length - 2 && k < 4; k++) inner.push(h.slice(k));
    return { lower: lowerName(sym.name), humps: h, containerLower: sym.container === null ? null : sym.container.toLowerCase(), standing: standing(place, testFile), innerHumps: inner };
  });
}

/** A `files` row as both back ends store it. */
export interface FileRow {
  path: string;
  language: string | null;
  size: number;
  mtime_ms: number;
  hash: string | null;
  fingerprint: string | null;
  tier: SymbolTier;
  status: FileStatus;
  attempts: number;
  error: string | null;
  symbol_count: number;
  indexed_at: number;
}

/** A `symbols` row as both back ends store it (the columns reads ask for). */
export interface SymbolRow {
  id: number;
  name: string;
  kind: number;
  container: string | null;
  detail: string | null;
  source: string;
  parent_id: number | null;
  start_line: number; start_char: number; end_line: number; end_char: number;
  sel_start_line: number; sel_start_char: number; sel_end_line: number; sel_end_char: number;
}

export function toRecord(row: FileRow): FileRecord {
  return {
    path: row.path, language: row.language, size: row.size, mtimeMs: row.mtime_ms, hash: row.hash, fingerprint: row.fingerprint, tier: row.tier,
    status: row.status, attempts: row.attempts, error: row.error, symbolCount: row.symbol_count, indexedAt: row.indexed_at,
  };
}

/** Fingerprints are "serverId@version#confighash": the server id is what precedes the "@". */
export function serverOf(fingerprint: string | null): string | null {
  if (!fingerprint) return null;
  const at = fingerprint.indexOf("@");
  return at < 0 ? fingerprint : fingerprint.slice(0, at);
}
