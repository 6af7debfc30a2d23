// The file finder engine behind the core's FileSearchProvider: roots confined to the
// project, engine errors as ToolErrors, session events as listener calls.
import { FinderError, type FileFinder } from "../files/finder.js";
import { ToolError } from "../tools/tool.js";
import { confinePath, PathError } from "../workspace/paths.js";
import type { FileMatch, FileSearchProvider, SearchSessionHandle, SearchSessionListener } from "./file-search.js";

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
      try {
        const found = await finder.find(query, confine(roots), { signal, limit });
        return found.results.map(plain);
      } catch (err) {
        throw asToolError(err);
      }
    },
    startSession(roots, listener: SearchSessionListener): SearchSessionHandle {
      let session;
      try {
        session = finder.startSession(confine(roots));
      } catch (err) {
        throw asToolError(err);
      }
      session.on("updated", (snap) => listener.updated(snap.query, snap.results.map(plain)));
      session.on("completed", (snap) => listener.completed(snap.query));
      session.on("error", (err) => onError?.(err));
      return { update: (q) => session.update(q), stop: () => session.stop() };
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
