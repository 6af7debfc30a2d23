// The file finder engine behind the core's FileSearchProvider: roots confined to the
// project, engine errors as ToolErrors, session events as listener calls.
//
// Queries from every client share one worker pool whose task queue is small and rejects
// when full. So queries are admitted a few at a time (FIFO, across one-shot searches and
// sessions; a session keeps its slot while it types and only its latest query runs), and a
// rejected query is retried with jittered backoff before it is given up.
import { FinderError, type FileFinder } from "../files/finder.js";
import { ToolError } from "../tools/tool.js";
import { confinePath, PathError } from "../workspace/paths.js";
import type { FileMatch, FileSearchProvider, SearchSessionHandle, SearchSessionListener } from "./file-search.js";

export interface FinderSearchOptions {
  /** Engine queries running at once (default 2). */
  concurrency?: number;
  /** Told when a query is given up after its retries. */
  onError?: (err: Error) => void;
}

const MAX_RETRIES = 8;

export function finderSearchProvider(finder: FileFinder, projectRoots: readonly string[], options: FinderSearchOptions = {}): FileSearchProvider {
  const slots = new Slots(options.concurrency ?? 2);
  const confine = (roots: string[]): string[] => {
    if (roots.length === 0) return [...projectRoots];
    return roots.map((r) => {
      try {
        return confinePath(r, projectRoots, { mustExist: true }).absPath;
      } catch (err) {
        if (err instanceof PathError) throw new ToolError(err.code, `root ${err.message}`);
        throw err;
      }
    });
  };
  return {
    defaultRoots: [...projectRoots],

    async search(query, roots, { signal, limit }) {
      const confined = confine(roots);
      const release = await slots.acquire(signal);
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            const found = await finder.find(query, confined, { signal, limit });
            return found.results.map(plain);
          } catch (err) {
            // Engine errors (FinderError) are final; anything else (a saturated worker queue) is retried.
            if (err instanceof FinderError || signal.aborted || attempt >= MAX_RETRIES) throw asToolError(err);
            await sleep(retryDelay(attempt));
          }
        }
      } finally {
        release();
      }
    },

    startSession(roots, listener: SearchSessionListener): SearchSessionHandle {
      let session: ReturnType<FileFinder["startSession"]>;
      try {
        session = finder.startSession(confine(roots));
      } catch (err) {
        throw asToolError(err);
      }
      let latest: string | undefined;
      let retries = 0;
      let release: (() => void) | undefined;
      let waiting = false;
      const done = () => {
        retries = 0;
        release?.();
        release = undefined;
      };
      const run = () => {
        if (release) {
          session.update(latest!);
          return;
        }
        if (waiting) return; // the latest query runs when the slot comes
        waiting = true;
        void slots.acquire().then((r) => {
          waiting = false;
          if (session.stopped) return r();
          release = r;
          session.update(latest!);
        });
      };
      session.on("updated", (snap) => listener.updated(snap.query, snap.results.map(plain)));
      session.on("completed", (snap) => {
        if (snap.query === latest) done();
        listener.completed(snap.query);
      });
      session.on("error", (err) => {
        if (session.stopped || latest === undefined) return;
        if (retries < MAX_RETRIES) {
          const query = latest;
          setTimeout(() => {
            if (!session.stopped && query === latest) session.update(query);
          }, retryDelay(retries++)).unref();
          return;
        }
        options.onError?.(err);
        const query = latest;
        done();
        // Completed (with no results) rather than silence: a client must never wait forever.
        listener.completed(query);
      });
      return {
        update: (q) => {
          latest = q;
          retries = 0;
          run();
        },
        stop: () => {
          session.stop();
          done();
        },
      };
    },
  };
}

/** A FIFO counting semaphore. */
class Slots {
  private free: number;
  private readonly waiters: Array<() => void> = [];

  constructor(count: number) {
    this.free = Math.max(1, count);
  }

  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          const next = this.waiters.shift();
          if (next) next();
          else this.free++;
        });
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ToolError("cancelled", "search cancelled"));
      };
      if (signal?.aborted) return onAbort();
      if (this.free > 0) {
        this.free--;
        grant();
      } else {
        this.waiters.push(grant);
        signal?.addEventListener("abort", onAbort, { once: true });
      }
    });
  }
}

// Jittered so that many clients refused at once do not come back at once.
function retryDelay(attempt: number): number {
  return Math.min(250, 10 * 2 ** attempt) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Exactly the fields of codex's FuzzyFileSearchResult, whatever else the engine adds later.
function plain(m: FileMatch): FileMatch {
  return { root: m.root, path: m.path, matchType: m.matchType, fileName: m.fileName, score: m.score, indices: m.indices };
}

function asToolError(err: unknown): unknown {
  if (!(err instanceof FinderError)) return err;
  const code = err.code === "cancelled" ? "cancelled" : err.code === "root_not_found" ? "not_found" : err.code === "closed" ? "unavailable" : "invalid_input";
  return new ToolError(code, err.message);
}
