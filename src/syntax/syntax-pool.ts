// The piscina pool of the syntactic indexer: batches of files parsed in parallel by
// workers/syntax-worker.js (compiled to dist/workers, so the build must have run).
//
//   const pool = createSyntaxPool(threads?)
//   pool.languageOf(path)                                        // the grammar that reads it, or null
//   const results = await pool.parse(root, paths, { onBatch })   // one result per path, in order
//   await pool.destroy()
//
// Paths come from the finder's file list (so ignore rules apply); parse-files.ts applies the
// size and binary checks as each file is read. The threads start with the first parse (a
// process that only queries the cache never starts them) and end after a minute idle.
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Piscina } from "piscina";
import { packageRoot } from "../files/worker-pool.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "./languages.js";
import type { SyntaxFileResult, SyntaxTask } from "./parse-files.js";

export interface SyntaxParseOptions {
  /** Files per task (default 64): small enough to balance the threads, big enough to amortise a post. */
  batchSize?: number;
  /** Each batch's results as it completes (batches complete out of order). */
  onBatch?: (results: SyntaxFileResult[]) => void;
  signal?: AbortSignal;
}

export interface SyntaxPool {
  readonly threads: number;
  languageOf(path: string): SyntaxLanguage | null;
  parse(root: string, paths: readonly string[], options?: SyntaxParseOptions): Promise<SyntaxFileResult[]>;
  destroy(): Promise<void>;
}

export function createSyntaxPool(threads = Math.max(1, Math.min(4, availableParallelism()))): SyntaxPool {
  const file = join(packageRoot(), "dist", "workers", "syntax-worker.js");
  if (!existsSync(file)) throw new Error(`worker not built: ${file} (run \`npm run build\`)`);
  let pool: Piscina | undefined;
  let destroyed = false;
  return {
    threads,
    languageOf: syntaxLanguageOf,
    parse: async (root, paths, options = {}) => {
      if (destroyed) throw new Error("the syntax pool is closed");
      pool ??= new Piscina({ filename: pathToFileURL(file).href, minThreads: 0, maxThreads: threads, idleTimeout: 60_000, maxQueue: Infinity });
      const size = Math.max(1, options.batchSize ?? 64);
      const batches: Promise<SyntaxFileResult[]>[] = [];
      for (let at = 0; at < paths.length; at += size) {
        const task: SyntaxTask = { root, paths: paths.slice(at, at + size) };
        const run = pool.run(task, { signal: options.signal }) as Promise<SyntaxFileResult[]>;
        batches.push(options.onBatch ? run.then((r) => (options.onBatch!(r), r)) : run);
      }
      return (await Promise.all(batches)).flat();
    },
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await pool?.destroy();
    },
  };
}
