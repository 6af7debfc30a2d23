// The one interface a symbol store back end implements: the embedded SQLite file (store.ts,
// the default, synchronous) and PostgreSQL for a team (postgres-store.ts, asynchronous). Callers
// await every answer, so either fits.
import type { QueryResult } from "./query.js";
import type { Declaration, FileWrite, StoreStats } from "./store-rows.js";
import type { FileRecord, FileStatus, FlatSymbol, SymbolQuery } from "./types.js";

export type Awaitable<T> = T | Promise<T>;

export interface StoreBackend {
  /** The project root the rows belong to (canonical real path). */
  readonly root: string;
  /** Where the rows live, for messages: a database file, or a URL without its password. */
  readonly location: string;
  /** How many times the store was rebuilt since it was opened: what was written before is gone. */
  readonly generation: number;
  /** Tiered name search (query.ts). */
  search(query: SymbolQuery): Awaitable<QueryResult>;
  /** Applies a batch of file changes in one transaction: readers see all of it or none. */
  write(batch: readonly FileWrite[]): Awaitable<void>;
  getFile(path: string): Awaitable<FileRecord | undefined>;
  /** Every file record, keyed by path. */
  allFiles(): Awaitable<Map<string, FileRecord>>;
  /** Declarations named exactly `name` (case-sensitive), by path then line. */
  declarationsNamed(name: string, options?: { limit?: number }): Awaitable<Declaration[]>;
  /** Symbols of one file in document order, parent links resolved to indexes. */
  fileSymbols(path: string): Awaitable<FlatSymbol[]>;
  /** The first `limit` files with this status, by path, with the reason recorded. */
  filesWithStatus(status: FileStatus, limit: number): Awaitable<{ path: string; error: string | null }[]>;
  stats(): Awaitable<StoreStats>;
  getMeta(key: string): Awaitable<string | undefined>;
  setMeta(key: string, value: string): Awaitable<void>;
  /** Drops the symbols of every file a server answered with another fingerprint; returns how many files. */
  invalidateFingerprint(serverId: string, currentFingerprint: string): Awaitable<number>;
  /** Checks the store can be trusted (rebuilding a damaged SQLite file); returns whether it was sound. */
  verify(): Awaitable<boolean>;
  /**
   * Calls `listener` when another process changed this root's rows (PostgreSQL's NOTIFY); the
   * SQLite file has no such signal (its readers see commits on their next query). Returns the unsubscribe.
   */
  onChange?(listener: (paths: string[]) => void): () => void;
  close(): Awaitable<void>;
}

/** The store cannot be reached (a database restarting, a dropped connection): the same call may succeed later. */
export class StoreUnavailableError extends Error {
  readonly retryable = true;

  constructor(
    readonly location: string,
    cause: unknown,
  ) {
    super(`the symbol store ${location} is unavailable (${(cause as Error).message ?? String(cause)}); retry shortly`, { cause });
    this.name = "StoreUnavailableError";
  }
}
