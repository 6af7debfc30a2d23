// The fuzzy file finder engine: one per process, shared by every transport.
//
//   const finder = new FileFinder();                      // options: FileFinderOptions
//   const { results } = await finder.find("readme", ["/repo"], { limit: 20, signal });
//   const session = finder.startSession(["/repo", "/other"], { limit: 50 });
//   session.on("updated", (snap) => ...); session.on("completed", (snap) => ...);
//   session.update("rea"); session.update("readme"); session.stop();
//   const index = finder.openRoot("/repo");               // RootIndex: paths(), onChange(), ready
//   const files = await finder.listFiles("/repo");        // its files once listed (the LSP pool's FileLists)
//   await finder.close();                                 // stops watchers and worker threads
//
// Public surface: class FileFinder, class FinderError, interface FindResult, FileFinderOptions,
// FindOptions; re-exports PathMatch, FindSnapshot, FindSession, SessionOptions, RootIndex, FileIndexChange.
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { RootIndex, type RootIndexOptions } from "./root-index.js";
import { FindSession, type PathMatch, type FindSnapshot, type SessionOptions } from "./session.js";
import { createFilesPool, type FilesPool } from "./worker-pool.js";

export { FindSession, RootIndex };
export type { PathMatch, FindSnapshot, SessionOptions };
export type { FileIndexChange, RootIndexOptions } from "./root-index.js";

export interface FileFinderOptions extends RootIndexOptions {
  /** Worker threads for matching and walking (default: cores, at most 4). */
  threads?: number;
}

export interface FindOptions {
  limit?: number;
  signal?: AbortSignal;
  includeDirectories?: boolean;
}

export interface FindResult {
  query: string;
  results: PathMatch[];
  matched: number;
  scanned: number;
}

export type FinderErrorCode = "root_not_found" | "root_not_directory" | "no_roots" | "cancelled" | "closed";

export class FinderError extends Error {
  constructor(
    readonly code: FinderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "FinderError";
  }
}

export class FileFinder {
  private pool: FilesPool | null = null;
  private readonly indexes = new Map<string, RootIndex>();
  private readonly sessions = new Set<FindSession>();
  private closed = false;

  constructor(private readonly options: FileFinderOptions = {}) {}

  /** The shared index of a root, created (and starting to load and watch) on first use. */
  openRoot(root: string): RootIndex {
    if (this.closed) throw new FinderError("closed", "the file finder is closed");
    const abs = resolve(root);
    const existing = this.indexes.get(abs);
    if (existing) return existing;
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new FinderError("root_not_found", code === "ENOENT" ? `root does not exist: ${abs}` : `cannot read root ${abs}: ${code}`);
    }
    if (!isDir) throw new FinderError("root_not_directory", `root is not a directory: ${abs}`);
    const index = new RootIndex(abs, this.getPool(), this.options);
    this.indexes.set(abs, index);
    return index;
  }

  /** The files of a root (root-relative, '/'-separated), once its initial listing is in; rejects when listing failed. */
  async listFiles(root: string): Promise<string[]> {
    const index = this.openRoot(root);
    await index.ready;
    return index.paths();
  }

  /** Drops a root's index and its watcher. */
  async closeRoot(root: string): Promise<void> {
    const abs = resolve(root);
    const index = this.indexes.get(abs);
    this.indexes.delete(abs);
    await index?.close();
  }

  startSession(roots: string[], options: SessionOptions = {}): FindSession {
    if (roots.length === 0) throw new FinderError("no_roots", "at least one root is required");
    const unique = [...new Set(roots.map((r) => resolve(r)))];
    const indexes = unique.map((r) => this.openRoot(r));
    const session: FindSession = new FindSession(indexes, this.getPool(), options, () => this.sessions.delete(session));
    this.sessions.add(session);
    return session;
  }

  /** One query, to the end: resolves with the final top `limit` results. */
  find(query: string, roots: string[], options: FindOptions = {}): Promise<FindResult> {
    if (options.signal?.aborted) return Promise.reject(new FinderError("cancelled", "find was cancelled"));
    let session: FindSession;
    try {
      session = this.startSession(roots, { limit: options.limit, includeDirectories: options.includeDirectories, throttleMs: Infinity });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<FindResult>((resolvePromise, reject) => {
      const onAbort = () => {
        session.stop();
        reject(new FinderError("cancelled", "find was cancelled"));
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      session.on("error", (err) => {
        options.signal?.removeEventListener("abort", onAbort);
        session.stop();
        reject(err);
      });
      session.once("completed", (snap) => {
        options.signal?.removeEventListener("abort", onAbort);
        session.stop();
        resolvePromise({ query: snap.query, results: snap.results, matched: snap.matched, scanned: snap.scanned });
      });
      session.update(query);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.sessions) s.stop();
    await Promise.all([...this.indexes.values()].map((ix) => ix.close()));
    this.indexes.clear();
    await this.pool?.destroy();
    this.pool = null;
  }

  private getPool(): FilesPool {
    if (!this.pool) this.pool = createFilesPool(this.options.threads);
    return this.pool;
  }
}
