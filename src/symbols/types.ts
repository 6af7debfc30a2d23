// Shared shapes of the symbol cache: what the store keeps, what a query asks and answers.
import type { SymbolTier } from "../protocol/index.js";
export type { SymbolTier } from "../protocol/index.js";

/** LSP SymbolKind numbers (1 = File ... 26 = TypeParameter). */
export type SymbolKindNumber = number;

/** A 0-based LSP range (columns in UTF-16 code units), as the servers send it. */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** One symbol of a file, flattened from a documentSymbol tree. `parent` indexes into the same array. */
export interface FlatSymbol {
  name: string;
  kind: SymbolKindNumber;
  container: string | null;
  detail: string | null;
  range: LspRange;
  selectionRange: LspRange;
  parent: number | null;
}

/**
 * ok: symbols stored; empty: the ready server answered none (a true empty); failed: no answer
 * (retried); excluded: never sent to a server (not a regular file, too large, binary: `error` says which).
 */
export type FileStatus = "ok" | "empty" | "failed" | "excluded";

/** What the cache knows about one file of a root. Paths are relative to the root, with `/`. */
export interface FileRecord {
  path: string;
  language: string | null;
  size: number;
  mtimeMs: number;
  hash: string | null;
  fingerprint: string | null;
  tier: SymbolTier;
  status: FileStatus;
  attempts: number;
  error: string | null;
  symbolCount: number;
  indexedAt: number;
}

/** A symbol as a query answers it. */
export interface SymbolHit {
  id: number;
  name: string;
  kind: SymbolKindNumber;
  container: string | null;
  detail: string | null;
  path: string;
  /** The server that produced it (null for syntax symbols and live answers without one). */
  server: string | null;
  /** "ctags" (Universal Ctags), "syntax" (tree-sitter) or the id of the server that answered. */
  source: string;
  range: LspRange;
  selectionRange: LspRange;
  /** Which tier matched: lower is better. */
  tier: MatchTier;
  score: number;
}

export type MatchTier = "exact" | "prefix" | "humps" | "substring" | "fuzzy";

export interface SymbolQuery {
  query: string;
  /** LSP kind numbers or names ("class", "function"...). */
  kinds?: SymbolKindNumber[];
  /** A path prefix ("src/lsp/") or a glob ("src/**\/*.ts"), relative to the root. */
  path?: string;
  /** Only symbols whose container (enclosing symbol name) equals this, case-insensitive. */
  container?: string;
  /** Default 50, at most 1000. */
  limit?: number;
  /** Search no tier past this one (default "fuzzy": all tiers). */
  stopAfter?: MatchTier;
}

export function range(sl: number, sc: number, el: number, ec: number): LspRange {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}
