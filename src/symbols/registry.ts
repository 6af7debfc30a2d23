// One SymbolCache per project root for a long-running service: opened on first use, filled in
// the background once the root's file list is in, kept fresh by its watcher, closed together.
//
//   const caches = new SymbolCacheRegistry({ source: pool, filesFor: (root) => finder.openRoot(root) });
//   caches.get(root)          → SymbolCache (starts its background pass on first use)
//   await caches.close();
import { SymbolCache } from "./symbol-cache.js";
import type { FileListSource, SymbolSource } from "./symbol-source.js";
import type { IndexProgress } from "./indexer.js";

export interface SymbolCacheRegistryOptions {
  source: SymbolSource;
  /** The file list of a root; a `ready` promise, when present, is awaited before the first pass. */
  filesFor: (root: string) => FileListSource & { ready?: Promise<void> };
  cacheDir?: string;
  concurrencyPerServer?: number;
  onProgress?: (root: string, p: IndexProgress) => void;
  onWarning?: (message: string) => void;
}

export class SymbolCacheRegistry {
  readonly #caches = new Map<string, SymbolCache>();
  readonly #unavailable = new Set<string>();
  #closed = false;

  constructor(private readonly options: SymbolCacheRegistryOptions) {}

  /**
   * The root's cache, or undefined when it cannot be opened (say, a read-only cache folder):
   * callers then use the live servers. The reason is reported once through onWarning.
   */
  get(root: string): SymbolCache | undefined {
    if (this.#closed || this.#unavailable.has(root)) return undefined;
    let cache = this.#caches.get(root);
    if (cache) return cache;
    const warn = this.options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`));
    try {
      cache = this.#open(root, warn);
    } catch (err) {
      this.#unavailable.add(root);
      warn(`no symbol cache for ${root}, using the language servers directly: ${(err as Error).message}`);
      return undefined;
    }
    return cache;
  }

  #open(root: string, warn: (m: string) => void): SymbolCache {
    const files = this.options.filesFor(root);
    const cache = SymbolCache.open({
      root,
      source: this.options.source,
      files,
      cacheDir: this.options.cacheDir,
      concurrencyPerServer: this.options.concurrencyPerServer,
      onProgress: this.options.onProgress && ((p) => this.options.onProgress!(root, p)),
      onWarning: warn,
    });
    this.#caches.set(root, cache);
    const opened = cache;
    Promise.resolve(files.ready)
      .then(() => (this.#closed ? undefined : opened.start()))
      .catch((err: unknown) => warn(`symbol indexing of ${root} stopped: ${(err as Error).message}`));
    return cache;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const all = [...this.#caches.values()];
    this.#caches.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
