// One SymbolCache per project root, closed together. In the service ("background" mode) a
// root's cache opens on first use, fills in the background once its file list is in and
// follows its watcher; in a one-shot process ("manual" mode) queries answer only from caches
// that already exist and nothing indexes unless index() is called.
//
//   const caches = new SymbolCacheRegistry({ source: pool, filesFor: (root) => finder.openRoot(root) });
//   caches.get(root)                       → SymbolCache (starts its background pass on first use)
//   await caches.index(root, signal, onProgress) → IndexReport (a full pass, joined if one runs)
//   await caches.close();
import { existsSync } from "node:fs";
import { defaultCacheDir, symbolDatabasePath } from "./cache-location.js";
import { SymbolCache } from "./symbol-cache.js";
import type { FileListSource, SymbolSource, SyntaxSource } from "./symbol-source.js";
import type { IndexProgress, IndexSummary } from "./indexer.js";

export interface SymbolCacheRegistryOptions {
  source: SymbolSource;
  /** The syntactic tier, shared by every root's indexer. */
  syntax?: SyntaxSource;
  /** The file list of a root; a `ready` promise, when present, is awaited before the first pass. */
  filesFor: (root: string) => FileListSource & { ready?: Promise<void> };
  cacheDir?: string;
  /** A PostgreSQL URL: every root's cache keeps its rows there instead of in its SQLite file. */
  storeUrl?: string;
  concurrencyPerServer?: number;
  /**
   * "background" (default): get() opens or creates the root's cache and starts its background
   * pass. "manual": get() opens only a cache that already exists and never indexes; index()
   * alone builds or refreshes one, and checks the cache's pages first (quick_check): for a
   * one-shot process, where blocking on that is fine.
   */
  mode?: "background" | "manual";
  onProgress?: (root: string, p: IndexProgress) => void;
  onWarning?: (message: string) => void;
  /**
   * The servers a background pass may start (lsp-interest.ts); absent: every server. index()
   * always asks every server.
   */
  lspWanted?: (serverId: string, path: string) => boolean;
}

/** What one index() pass did, with the files it could not index or never sent to a server. */
export interface IndexReport {
  root: string;
  database: string;
  summary: IndexSummary;
  /** The first 20 failed files, by path (all of them are counted in the summary). */
  failures: { path: string; error: string | null }[];
  /** The first 20 files that are not source text, and the number of them in the cache. */
  excludedFiles: { path: string; error: string | null }[];
  excludedTotal: number;
  /** Symbols in the cache after the pass, and how many more (or fewer) than before it. */
  cacheSymbols: number;
  symbolChange: number;
}

const LISTED = 20;

export class SymbolCacheRegistry {
  readonly #caches = new Map<string, SymbolCache>();
  readonly #unavailable = new Set<string>();
  readonly #listeners = new Map<string, Set<(p: IndexProgress) => void>>();
  readonly #closing = new AbortController();
  readonly #indexing = new Set<Promise<unknown>>();

  constructor(private readonly options: SymbolCacheRegistryOptions) {}

  get #manual(): boolean {
    return this.options.mode === "manual";
  }

  /**
   * The root's cache, or undefined when there is none to answer from: in manual mode, no cache
   * was ever built; in any mode, it cannot be opened (say, a read-only cache folder), reported
   * once through onWarning. Callers then use the live servers.
   */
  get(root: string): SymbolCache | undefined {
    if (this.#closing.signal.aborted || this.#unavailable.has(root)) return undefined;
    const cache = this.#caches.get(root);
    if (cache) return cache;
    // A shared store may hold the root's rows from another machine: always open it.
    if (this.#manual && !this.options.storeUrl && !existsSync(symbolDatabasePath(root, this.options.cacheDir ?? defaultCacheDir()))) return undefined;
    return this.#open(root);
  }

  /**
   * The cache a symbol search answers from. As get(), except that in manual mode with a
   * syntactic tier a root without a cache gets one: the search then runs the syntactic pass
   * alone (seconds; the language servers are asked by \`codeintel index\`), and the cache
   * follows the file list's changes from then on. Undefined when it cannot be opened.
   */
  forSearch(root: string): SymbolCache | undefined {
    if (!this.#manual || !this.options.syntax) return this.get(root);
    if (this.#closing.signal.aborted || this.#unavailable.has(root)) return undefined;
    const cache = this.#caches.get(root) ?? this.#open(root);
    cache?.follow();
    return cache;
  }

  /**
   * A full pass over the root (creating its cache if needed), joining the pass in flight if
   * there is one. Aborting `signal`, or close(), stops it early: the report then says cancelled
   * and counts what got done (a later pass resumes). Throws when the cache cannot be opened.
   */
  async index(root: string, signal: AbortSignal, onProgress?: (p: IndexProgress) => void): Promise<IndexReport> {
    if (this.#closing.signal.aborted) throw new Error("the symbol caches are closed");
    const cache = this.#caches.get(root) ?? this.#open(root, { rethrow: true })!;
    const listeners = this.#listeners.get(root) ?? new Set();
    this.#listeners.set(root, listeners);
    if (onProgress) listeners.add(onProgress);
    const run = (async () => {
      try {
        await this.options.filesFor(root).ready;
        const stop = AbortSignal.any([signal, this.#closing.signal]);
        const before = (await cache.store.stats()).symbols;
        let summary = cache.indexer.running ? await joined(cache, stop) : await cache.indexer.run(stop, { allServers: true });
        // The background pass it joined left some servers unasked: an explicit index asks them.
        if (!summary.cancelled && (summary.deferred ?? 0) > 0 && !stop.aborted) summary = await cache.indexer.run(stop, { allServers: true });
        // Read at once, before close() can close the store the report comes from.
        const stats = await cache.store.stats();
        return {
          root: cache.root,
          database: cache.store.location,
          summary,
          failures: await cache.store.filesWithStatus("failed", LISTED),
          excludedFiles: await cache.store.filesWithStatus("excluded", LISTED),
          excludedTotal: stats.excluded,
          cacheSymbols: stats.symbols,
          symbolChange: stats.symbols - before,
        };
      } finally {
        if (onProgress) listeners.delete(onProgress);
      }
    })();
    this.#indexing.add(run);
    void run.catch(() => undefined).then(() => this.#indexing.delete(run));
    return run;
  }

  #open(root: string, how: { rethrow?: boolean } = {}): SymbolCache | undefined {
    const warn = this.options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`));
    const files = this.options.filesFor(root);
    let cache: SymbolCache;
    try {
      cache = SymbolCache.open({
        root,
        source: this.options.source,
        syntax: this.options.syntax,
        files,
        cacheDir: this.options.cacheDir,
        storeUrl: this.options.storeUrl,
        concurrencyPerServer: this.options.concurrencyPerServer,
        verify: this.#manual,
        ...(this.#manual ? {} : { lspWanted: this.options.lspWanted }),
        onProgress: (p) => {
          this.options.onProgress?.(root, p);
          for (const listener of this.#listeners.get(root) ?? []) listener(p);
        },
        onWarning: warn,
      });
    } catch (err) {
      if (how.rethrow) throw err;
      this.#unavailable.add(root);
      warn(`no symbol cache for ${root}, using the language servers directly: ${(err as Error).message}`);
      return undefined;
    }
    this.#caches.set(root, cache);
    if (!this.#manual) {
      Promise.resolve(files.ready)
        .then(() => (this.#closing.signal.aborted ? undefined : cache.start()))
        .catch((err: unknown) => warn(`symbol indexing of ${root} stopped: ${(err as Error).message}`));
    }
    return cache;
  }

  /**
   * A client's call started `serverId`: each open cache whose last pass left that server's
   * files unasked runs another pass (after the one in flight), which asks them.
   */
  serverWanted(serverId: string): void {
    if (this.#manual || this.#closing.signal.aborted) return;
    for (const cache of this.#caches.values()) if (cache.indexer.deferredServer(serverId)) cache.refresh();
  }

  /** Stops every pass (an index() in flight answers with what it got done), then closes the caches. */
  async close(): Promise<void> {
    this.#closing.abort();
    await Promise.allSettled([...this.#indexing]);
    const all = [...this.#caches.values()];
    this.#caches.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}

/**
 * Waits for the pass already running (the background one), which stops only with its own
 * signal: aborting `stop` stops the waiting, reporting what is done so far as cancelled while
 * the pass goes on.
 */
async function joined(cache: SymbolCache, stop: AbortSignal): Promise<IndexSummary> {
  const pass = cache.indexer.run();
  if (stop.aborted) return { ...cache.indexer.progress, cancelled: true, removed: 0, invalidated: 0 };
  let onAbort!: () => void;
  const aborted = new Promise<IndexSummary>((resolve) => {
    onAbort = () => resolve({ ...cache.indexer.progress, cancelled: true, removed: 0, invalidated: 0 });
    stop.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([pass, aborted]);
  } finally {
    stop.removeEventListener("abort", onAbort);
  }
}
