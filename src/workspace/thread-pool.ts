// A piscina pool that is safe to close at any moment.
//
//   const pool = startThreadPool(entry, { minThreads, maxThreads })   // entry: a file in dist/workers
//   pool.run(task, { name })         // `name`: the entry's export to call (default: its default export)
//   await pool.destroy()
//
// Why: since Node 20.19, piscina loads an ES module entry with require() (require(esm)), and Node
// aborts the whole process (FATAL ERROR: v8::Module::IsGraphAsync ... must be used on an
// instantiated module, or CreateRequiredModuleFacade) when a thread is terminated in the middle of
// that synchronous load: issue 25, `codeintel find` aborting when the query is done before the
// second worker is up. Waiting for 'online', or for the entry to announce it was evaluated, only
// narrows the window (measured under load: 2 and 17 aborted runs of 60, each run closing 40 pools).
// With require(esm) turned off in the workers, piscina falls back to import(), whose load can be
// terminated safely: 0 of 60 runs, pools closed at any moment from 0 to 7 ms after their start.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Transferable } from "node:worker_threads";
import { Piscina } from "piscina";
import { packageRoot } from "./package-root.js";

/** Node's flag for it, where this Node knows it (a future Node may drop the flag along with the need). */
const NO_REQUIRE_ESM = "--no-experimental-require-module";

export interface ThreadPool {
  run(task: unknown, options?: { name?: string; signal?: AbortSignal; transferList?: readonly Transferable[] }): Promise<unknown>;
  destroy(): Promise<void>;
}

/** `entry`: the worker's file name in dist/workers (the build must have run). */
export function startThreadPool(entry: string, options: { minThreads: number; maxThreads: number; idleTimeout?: number }): ThreadPool {
  const file = join(packageRoot(), "dist", "workers", entry);
  if (!existsSync(file)) throw new Error(`worker not built: ${file} (run \`npm run build\`)`);
  const piscina = new Piscina({
    filename: pathToFileURL(file).href,
    minThreads: options.minThreads,
    maxThreads: options.maxThreads,
    idleTimeout: options.idleTimeout ?? 60_000,
    // Callers queue a few tasks per root; never reject them.
    maxQueue: Infinity,
    execArgv: process.allowedNodeEnvironmentFlags.has(NO_REQUIRE_ESM) ? [...process.execArgv, NO_REQUIRE_ESM] : process.execArgv,
  });
  let destroyed = false;
  return {
    run: (task, runOptions = {}) =>
      piscina.run(task, {
        ...(runOptions.name ? { name: runOptions.name } : {}),
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
        ...(runOptions.transferList ? { transferList: runOptions.transferList as never } : {}),
      }),
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await piscina.destroy();
    },
  };
}
