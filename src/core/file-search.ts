// The port: what the core (and the find_files tool) need from a fuzzy file finder, in the
// shape of codex's app-server protocol. src/adapters/finder-file-search.ts adapts the finder
// engine to it, so the core, its transports and the tools never import the engine.

import type { FileMatch } from "../protocol/index.js";
export type { FileMatch } from "../protocol/index.js";

export interface FileSearchResult {
  /** The best matches, best first. */
  files: FileMatch[];
  /** Every entry that matched, not only the returned ones. */
  total: number;
  /** The roots searched (absolute): the ones asked for, or every project root. */
  roots: string[];
}

export interface SearchSessionListener {
  /** A snapshot of the best matches so far for `query` (throttled; superseded ones may be dropped). */
  updated(query: string, files: FileMatch[]): void;
  /** The search for `query` is done; its last `updated` snapshot is final. */
  completed(query: string): void;
}

export interface SearchSessionHandle {
  update(query: string): void;
  stop(): void;
}

export interface FileSearchProvider {
  /** The roots searched when a caller passes none. */
  readonly defaultRoots: string[];
  /** One-shot search; resolves with the final top matches. Throws ToolError for bad roots. */
  search(query: string, roots: string[], options: { signal: AbortSignal; limit?: number; includeDirectories?: boolean }): Promise<FileSearchResult>;
  /** Starts a streaming session; throws ToolError for bad roots. */
  startSession(roots: string[], listener: SearchSessionListener): SearchSessionHandle;
}
