// The precise (SCIP) tier of every root, opened on first use: a root answers from it once an
// index was imported into its symbol database (by this process or by `codeintel import-scip`).
//
//   const precise = new PreciseIndexes({ cacheDir });
//   precise.get(root)                      → PreciseIndex, or undefined while the root has no cache file
//   precise.import(root, files, { commit }) → ImportSummary (one or more .scip files; creates the cache when needed)
//   precise.close()
import { existsSync } from "node:fs";
import { canonicalRoot, defaultCacheDir, symbolDatabasePath } from "../symbols/cache-location.js";
import { PreciseIndex } from "./precise-index.js";
import { ScipStore, type ImportOptions, type ImportSummary } from "./scip-store.js";

export interface PreciseIndexesOptions {
  cacheDir?: string;
  onWarning?: (message: string) => void;
}

export class PreciseIndexes {
  readonly #indexes = new Map<string, PreciseIndex>();
  readonly #cacheDir: string;
  #closed = false;

  constructor(private readonly options: PreciseIndexesOptions = {}) {
    this.#cacheDir = options.cacheDir ?? defaultCacheDir();
  }

  get(root: string): PreciseIndex | undefined {
    if (this.#closed) return undefined;
    const key = canonicalRoot(root);
    const known = this.#indexes.get(key);
    if (known) return known;
    // A query never creates a cache: without the file there is nothing imported to answer from.
    if (!existsSync(symbolDatabasePath(key, this.#cacheDir))) return undefined;
    try {
      return this.#open(key);
    } catch (err) {
      this.options.onWarning?.(`the SCIP index of ${key} cannot be read: ${(err as Error).message}`);
      return undefined;
    }
  }

  import(root: string, files: string | readonly string[], options: ImportOptions = {}): ImportSummary {
    if (this.#closed) throw new Error("the precise indexes are closed");
    const key = canonicalRoot(root);
    const index = this.#indexes.get(key) ?? this.#open(key);
    return index.store.importIndex(files, options);
  }

  #open(root: string): PreciseIndex {
    const index = new PreciseIndex(ScipStore.open({ root, cacheDir: this.#cacheDir, onWarning: this.options.onWarning }));
    this.#indexes.set(root, index);
    return index;
  }

  close(): void {
    this.#closed = true;
    for (const index of this.#indexes.values()) index.store.close();
    this.#indexes.clear();
  }
}
