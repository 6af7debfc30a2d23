// The piscina pool shared by a FileFinder: match tasks (workers/match-worker.js) and walk tasks
// (workers/walk-worker.js), both compiled to dist/workers. Code running from src (vitest) and
// from dist resolves them from the package root, so the build must have run.
//
// Public surface:
//   createFilesPool(threads?): FilesPool
//   interface FilesPool { match(task), walk(task, transferList), threads, destroy() }
//   packageRoot()
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Transferable, Worker } from "node:worker_threads";
import { Piscina } from "piscina";
import type { MatchChunkResult, MatchTask } from "./match-chunk.js";

export interface FilesPool {
  readonly threads: number;
  match(task: MatchTask): Promise<MatchChunkResult>;
  walk<T>(task: unknown, transferList: Transferable[]): Promise<T>;
  destroy(): Promise<void>;
}

export function createFilesPool(threads = defaultThreads()): FilesPool {
  const workers = join(packageRoot(), "dist", "workers");
  const matchFile = join(workers, "match-worker.js");
  const walkFile = join(workers, "walk-worker.js");
  for (const f of [matchFile, walkFile]) {
    if (!existsSync(f)) throw new Error(`worker not built: ${f} (run \`npm run build\`)`);
  }
  const pool = new Piscina({
    filename: pathToFileURL(matchFile).href,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: 60_000,
    // Sessions queue a few chunks per root; never reject them.
    maxQueue: Infinity,
  });
  // Terminating a worker thread that is still bootstrapping can abort the whole process in Node 20
  // (issue 25: SIGABRT in about 1% of `codeintel find` calls at load 15-20, where the query is
  // done before the second worker is up). destroy() first waits for every worker to be online.
  const online = pool.threads.map((w) => onceOnline(w));
  let destroyed = false;
  return {
    threads,
    match: (task) => pool.run(task) as Promise<MatchChunkResult>,
    walk: <T>(task: unknown, transferList: Transferable[]) =>
      pool.run(task, { filename: pathToFileURL(walkFile).href, transferList: transferList as never }) as Promise<T>,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await settleWithin(Promise.all(online), ONLINE_WAIT_MS);
      await pool.destroy();
    },
  };
}

/** How long destroy() waits for workers still starting (a worker that never comes up is terminated anyway). */
const ONLINE_WAIT_MS = 5000;
const onlineOf = new WeakMap<Worker, Promise<void>>();

/** Resolves once `w` runs JavaScript (at once if it already did), or exits. */
function onceOnline(w: Worker): Promise<void> {
  let p = onlineOf.get(w);
  if (!p) {
    // Only for workers just spawned (createFilesPool attaches in the same tick): 'online' is not replayed.
    // (A worker piscina starts later to replace one is created once it is ready, so online already.)
    p = new Promise<void>((resolve) => {
      w.once("online", () => resolve());
      w.once("exit", () => resolve());
      w.once("error", () => resolve());
    });
    onlineOf.set(w, p);
  }
  return p;
}

function settleWithin(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    void p.finally(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Two cores here: one thread per core, at most four (matching is memory-bound past that). */
function defaultThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** The folder of codeintel's package.json (dist/ and its workers are under it). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "codeintel") return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error("codeintel package root not found");
    dir = up;
  }
}
