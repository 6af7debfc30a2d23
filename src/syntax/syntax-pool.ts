// The piscina pool of the syntactic indexer: batches of files parsed in parallel by
// workers/syntax-worker.js (compiled to dist/workers, so the build must have run).
//
//   const pool = createSyntaxPool(threads?)
//   pool.languageOf(path)                                        // the grammar that reads it, or null
//   const results = await pool.parse(root, paths, { onBatch })   // one result per path, in order
//   const found = await pool.scan(root, paths, name, { limit })  // whole-word occurrences, in path order
//   pool.ctags                                                   // Universal Ctags, the first pass (ctags.ts)
//   await pool.destroy()
//
// Paths come from the finder's file list (so ignore rules apply); parse-files.ts applies the
// size and binary checks as each file is read. The threads start with the first parse or scan (a
// process that only queries the cache never starts them) and end after a minute idle.
import { setMaxListeners } from "node:events";
import { availableParallelism } from "node:os";
import { startThreadPool, type ThreadPool } from "../workspace/thread-pool.js";
import { createCtags, type CtagsRunner } from "./ctags.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "./languages.js";
import type { SyntaxFileResult, SyntaxTask } from "./parse-files.js";
import type { ScanFileHit, ScanResult, ScanTask } from "./scan-files.js";

export interface SyntaxParseOptions {
  /** Files per task (default 64): small enough to balance the threads, big enough to amortise a post. */
  batchSize?: number;
  /** Each batch's results as it completes (batches complete out of order). */
  onBatch?: (results: SyntaxFileResult[]) => void;
  signal?: AbortSignal;
}

export interface SyntaxScan {
  /** Files that mention the name as a whole word, in the order of `paths`. */
  hits: ScanFileHit[];
  /** Files not read (gone, not regular, too large, binary). */
  skipped: number;
  /** The scan stopped at `limit` occurrences: files after the last hit may mention the name too. */
  stopped: boolean;
}

export interface SyntaxPool {
  readonly threads: number;
  languageOf(path: string): SyntaxLanguage | null;
  parse(root: string, paths: readonly string[], options?: SyntaxParseOptions): Promise<SyntaxFileResult[]>;
  scan(root: string, paths: readonly string[], name: string, options: { limit: number; signal?: AbortSignal }): Promise<SyntaxScan>;
  /** Universal Ctags, the first pass before the parse (absent when turned off here). */
  readonly ctags?: CtagsRunner;
  destroy(): Promise<void>;
}

/** Files per scan task: a scan is a read and an indexOf per file, so batches can be larger than parse batches. */
const SCAN_BATCH = 256;

/**
 * `ctags`: the ctags runner to offer the indexer (default: one that finds `ctags` on PATH unless
 * CODEINTEL_CTAGS=off); false for none.
 */
export function createSyntaxPool(threads = Math.max(1, Math.min(4, availableParallelism())), options: { ctags?: CtagsRunner | false } = {}): SyntaxPool {
  let piscina: ThreadPool | undefined;
  let destroyed = false;
  const workers = (): ThreadPool => {
    if (destroyed) throw new Error("the syntax pool is closed");
    return (piscina ??= startThreadPool("syntax-worker.js", { minThreads: 0, maxThreads: threads }));
  };
  const ctags = options.ctags === false ? undefined : (options.ctags ?? createCtags());
  return {
    threads,
    languageOf: syntaxLanguageOf,
    ...(ctags ? { ctags } : {}),
    parse: async (root, paths, options = {}) => {
      const pool = workers();
      const size = Math.max(1, options.batchSize ?? 64);
      const batches: Promise<SyntaxFileResult[]>[] = [];
      for (let at = 0; at < paths.length; at += size) {
        const task: SyntaxTask = { root, paths: paths.slice(at, at + size) };
        const run = pool.run(task, { signal: options.signal }) as Promise<SyntaxFileResult[]>;
        batches.push(options.onBatch ? run.then((r) => (options.onBatch!(r), r)) : run);
      }
      return (await Promise.all(batches)).flat();
    },
    scan: async (root, paths, name, { limit, signal }) => {
      // Batches run in parallel; once the ones before a batch have found `limit`, it is not needed.
      const pool = workers();
      const enough = new AbortController();
      setMaxListeners(0, enough.signal); // one listener per batch
      const stop = () => enough.abort();
      signal?.addEventListener("abort", stop, { once: true });
      try {
        // Settled here, so a batch left unawaited (the bound was reached) never rejects unhandled.
        const batches: Promise<ScanResult | Error | null>[] = [];
        for (let at = 0; at < paths.length; at += SCAN_BATCH) {
          const task: ScanTask = { root, paths: paths.slice(at, at + SCAN_BATCH), name, limit };
          const run = pool.run(task, { name: "scan", signal: enough.signal }) as Promise<ScanResult>;
          batches.push(run.catch((err: unknown) => (enough.signal.aborted ? null : err instanceof Error ? err : new Error(String(err)))));
        }
        const out: SyntaxScan = { hits: [], skipped: 0, stopped: false };
        let found = 0;
        for (const batch of batches) {
          const r = await batch;
          if (signal?.aborted) throw new Error("the scan was cancelled");
          if (r instanceof Error) throw r;
          if (!r) break;
          out.skipped += r.skipped;
          for (const hit of r.hits) {
            if (found >= limit) break;
            const occurrences = hit.occurrences.slice(0, limit - found);
            out.hits.push({ path: hit.path, occurrences });
            found += occurrences.length;
          }
          if (found >= limit || r.stopped) {
            out.stopped = true;
            stop();
            break;
          }
        }
        return out;
      } finally {
        signal?.removeEventListener("abort", stop);
        stop();
      }
    },
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await piscina?.destroy();
    },
  };
}
