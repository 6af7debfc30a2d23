// The thread pool shared by a FileFinder: match tasks and walk tasks, both served by
// workers/files-worker.ts (compiled to dist/workers, so the build must have run).
//
// Public surface:
//   createFilesPool(threads?): FilesPool
//   interface FilesPool { match(task), walk(task, transferList), threads, destroy() }
import { availableParallelism } from "node:os";
import type { Transferable } from "node:worker_threads";
import { startThreadPool } from "../workspace/thread-pool.js";
import type { MatchChunkResult, MatchTask } from "./match-chunk.js";

export interface FilesPool {
  readonly threads: number;
  match(task: MatchTask): Promise<MatchChunkResult>;
  walk<T>(task: unknown, transferList: Transferable[]): Promise<T>;
  destroy(): Promise<void>;
}

export function createFilesPool(threads = defaultThreads()): FilesPool {
  // Threads start at once: the first query should not wait for them.
  const pool = startThreadPool("files-worker.js", { minThreads: threads, maxThreads: threads });
  return {
    threads,
    match: (task) => pool.run(task) as Promise<MatchChunkResult>,
    walk: <T>(task: unknown, transferList: Transferable[]) => pool.run(task, { name: "walk", transferList }) as Promise<T>,
    destroy: () => pool.destroy(),
  };
}

/** Two cores here: one thread per core, at most four (matching is memory-bound past that). */
function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}
