// The file finder engine behind the core's FileSearchProvider: roots confined to the
// project, engine errors as ToolErrors, session events as listener calls.
import { FinderError, type FileFinder } from "../files/finder.js";
import { ToolError } from "../tools/tool.js";
import { confinePath, PathError } from "../workspace/paths.js";
import type { FileMatch, FileSearchProvider, SearchSessionHandle, SearchSessionListener } from "./file-search.js";

const MAX_RETRIES = 4;
const RETRY_DELAY_MS = 20;

export function finderSearchProvider(finder: FileFinder, projectRoots: readonly string[], onError?: (err: Error) => void): FileSearchProvider {
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
      for (let attempt = 0; ; attempt++) {
        try {
          const found = await finder.find(query, confined, { signal, limit });
          return found.results.map(plain);
        } catch (err) {
          // Engine errors (FinderError) are final; anything else (a saturated worker queue) is retried briefly.
          if (err instanceof FinderError || signal.aborted || attempt >= MAX_RETRIES) throw asToolError(err);
          await new Promise((r) => setTimeout(r, RETRY_DELAY_MS * 2 ** attempt));
        }
      }
    },
    startSession(roots, listener: SearchSessionListener): SearchSessionHandle {
      let session;
      try {
        session = finder.startSession(confine(roots));
      } catch (err) {
        throw asToolError(err);
      }
      let latest = "";
      let retries = 0;
      session.on("updated", (snap) => listener.updated(snap.query, snap.results.map(plain)));
      session.on("completed", (snap) => {
        retries = 0;
        listener.completed(snap.query);
      });
      // The engine reports a failure of the latest query only. A busy worker pool is transient:
      // retry a few times; otherwise complete the query so no client waits forever.
      session.on("error", (err) => {
        if (session.stopped) return;
        if (retries < MAX_RETRIES) {
          const query = latest;
          setTimeout(() => {
            if (!session.stopped && query === latest) session.update(query);
          }, RETRY_DELAY_MS * 2 ** retries++).unref();
          return;
        }
        retries = 0;
        onError?.(err);
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

// Exactly the fields of codex's FuzzyFileSearchResult, whatever else the engine adds later.
function plain(m: FileMatch): FileMatch {
  return { root: m.root, path: m.path, matchType: m.matchType, fileName: m.fileName, score: m.score, indices: m.indices };
}

function asToolError(err: unknown): unknown {
  if (!(err instanceof FinderError)) return err;
  const code = err.code === "cancelled" ? "cancelled" : err.code === "root_not_found" ? "not_found" : err.code === "closed" ? "unavailable" : "invalid_input";
  return new ToolError(code, err.message);
}
