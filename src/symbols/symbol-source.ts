// What the indexer needs from the outside world, as small interfaces: the LSP pool
// (src/lsp/pool.ts) satisfies SymbolSource, the syntax pool (src/syntax/syntax-pool.ts)
// SyntaxSource and the finder's RootIndex (src/files/root-index.ts) FileListSource
// structurally, so this engine imports none of them.
import type { CtagsAvailability, CtagsFileResult, CtagsTagSummary } from "../syntax/ctags.js";
import type { SyntaxFileResult } from "../syntax/parse-files.js";
import type { LspRange } from "./types.js";

/** A documentSymbol answer node (LSP DocumentSymbol). */
export interface SourceSymbol {
  name: string;
  kind: number;
  detail?: string;
  range: LspRange;
  selectionRange: LspRange;
  children?: SourceSymbol[];
}

export interface SourceFingerprint {
  serverId: string;
  version: string;
  configHash: string;
  /** Set when the server is not installed: why, with how to install it. Its files stay on the syntax tier, unasked. */
  notInstalled?: string;
}

export interface SourceWorkspaceHit {
  serverId?: string;
  name: string;
  kind: number;
  containerName?: string;
  absPath: string;
  range?: LspRange;
}

export interface SymbolSource {
  /**
   * The identity of the server that answers for a file (without starting it), or null when no
   * server does. A change of version or configuration invalidates that server's rows.
   */
  fingerprint(absPath: string): SourceFingerprint | null;
  /**
   * The file's symbols. An empty answer is taken as the truth (the file declares none); a
   * server that cannot tell yet (still loading) must throw an error with code "indexing".
   */
  documentSymbols(absPath: string, signal?: AbortSignal): Promise<SourceSymbol[]>;
  /** Live workspace/symbol, used while the cache is cold. */
  workspaceSymbols?(query: string, root: string, signal?: AbortSignal): Promise<SourceWorkspaceHit[]>;
  /** The same, saying which servers did not contribute and why (one line per server); preferred when present. */
  searchWorkspaceSymbols?(query: string, root: string, opts: { signal?: AbortSignal }): Promise<{ hits: SourceWorkspaceHit[]; partial: string[] }>;
}

/** The syntactic tier: tree-sitter parses in worker threads, any language it has a grammar for. */
export interface SyntaxSource {
  /** The grammar that reads this file, judged by its name alone, or null. */
  languageOf(path: string): string | null;
  /** Reads and parses root-relative `paths`: one result per path; `onBatch` as each batch completes. */
  parse(root: string, paths: readonly string[], options?: { onBatch?: (results: SyntaxFileResult[]) => void; signal?: AbortSignal }): Promise<SyntaxFileResult[]>;
  /** Universal Ctags, the faster first pass before the parse (src/syntax/ctags.ts); absent: tree-sitter alone. */
  ctags?: CtagsSource;
}

/** The ctags tier: names, kinds and lines of many files per child process. */
export interface CtagsSource {
  /** Whether ctags can be used, or why not (found once). */
  availability(): Promise<CtagsAvailability>;
  /** Tags root-relative `paths` (those it can read), `onBatch` as each process ends. */
  tag(root: string, paths: readonly string[], options?: { onBatch?: (results: CtagsFileResult[]) => void; onProblem?: (message: string) => void; signal?: AbortSignal }): Promise<CtagsTagSummary>;
}

export interface FileListChange {
  kind: "add" | "change" | "unlink" | "addDir" | "unlinkDir";
  /** Root-relative, '/'-separated. */
  path: string;
}

export interface FileListSource {
  /** Files of the root, root-relative and '/'-separated. */
  paths(): string[];
  /** Resolves once the list is in (a pass waits for it). */
  ready?: Promise<void>;
  /** Subscribes to changes; returns the unsubscribe function. */
  onChange?(listener: (change: FileListChange) => void): () => void;
}

/** "serverId@version#configHash": one string to compare and store. */
export function fingerprintKey(fp: SourceFingerprint): string {
  return `${fp.serverId}@${fp.version}#${fp.configHash}`;
}
