// Adapter: the file finder engine (src/files) behind the core's FileSearchProvider port
// (core/file-search.ts), for the app-server's fuzzy search, the in-process API and the
// find_files tool alike: roots confined to the project, engine errors as ToolErrors, session
// events as listener calls, engine matches as the port's FileMatch. A query that fails
// for a reason other than the engine's own (FinderError), such as a worker crash, is retried
// a few times with jittered backoff; a session query that still fails completes empty, so a
// client is never left waiting for its sessionCompleted.
import type { FileMatch, FileSearchProvider, SearchSessionHandle, SearchSessionListener } from "../core/file-search.js";
import { ToolError } from "../core/tool.js";
import { FinderError, type FileFinder, type PathMatch } from "../files/finder.js";
import { MAX_SEARCH_ROOTS, tooManyRootsMessage } from "../workspace/limits.js";
import { confinePath, PathError } from "../workspace/paths.js";

export interface FinderSearchOptions {
  /** Told when a query is given up after its retries. */
  onError?: (err: Error) => void;
}

const MAX_RETRIES = 3;

export function finderSearchProvider(finder: FileFinder, projectRoots: readonly string[], options: FinderSearchOptions = {}): FileSearchProvider {
  const confine = (roots: string[]): string[] => {
    if (roots.length === 0) return [...projectRoots];
    // Duplicates are resolved once; past the cap nothing is resolved (the port's guard, for the
    // in-process API too; the wire schemas refuse long arrays before they get here).
    const unique = [...new Set(roots)];
    if (unique.length > MAX_SEARCH_ROOTS) throw new ToolError("invalid_input", tooManyRootsMessage(unique.length));
    return unique.map((r) => {
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

    async search(query, roots, { signal, limit, includeDirectories }) {
      const confined = confine(roots);
      for (let attempt = 0; ; attempt++) {
        try {
          const found = await finder.find(query, confined, { signal, limit, includeDirectories });
          return { files: found.results.map(plain), total: found.matched, roots: confined };
        } catch (err) {
          if (err instanceof FinderError || signal.aborted || attempt >= MAX_RETRIES) throw asToolError(err);
          await sleep(retryDelay(attempt));
        }
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
      session.on("updated", (snap) => listener.updated(snap.query, snap.results.map(plain)));
      session.on("completed", (snap) => {
        retries = 0;
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
        retries = 0;
        // Completed (with no results) rather than silence: a client must never wait forever.
        listener.completed(latest);
      });
      return {
        update: (q) => {
          latest = q;
          retries = 0;
          session.update(q);
        },
        stop: () => session.stop(),
      };
    },
  };
}

// Jittered so that many clients refused at once do not come back at once.
function retryDelay(attempt: number): number {
  return Math.min(250, 10 * 2 ** attempt) * (0.5 + Math.random());
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// Exactly the fields of codex's FuzzyFileSearchResult, whatever else the engine adds later.
function plain(m: PathMatch): FileMatch {
  return { root: m.root, path: m.path, matchType: m.matchType, fileName: m.fileName, score: m.score, indices: m.indices };
}

function asToolError(err: unknown): unknown {
  if (!(err instanceof FinderError)) return err;
  const code = err.code === "cancelled" ? "cancelled" : err.code === "root_not_found" ? "not_found" : err.code === "closed" ? "unavailable" : "invalid_input";
  return new ToolError(code, err.message);
}
