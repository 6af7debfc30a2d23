// A chokidar 5 watcher over one root that reports root-relative events and never descends into
// what the ignore rules ignore (chokidar 5 has no globs: `ignored` is a function), nor into .git
// or node_modules. Not following symlinks keeps cycles harmless.
//
// Memory: chokidar puts an fs.watch on every file it tracks (1 GB at 106k files). Here it tracks
// folders only (files are `ignored`); file events come from the folders' own inotify watches
// (chokidar's "raw" events name the child), checked with one lstat and `isKnown` to tell add
// from change from unlink. A folder that appears with content already inside (mv, unpack) is
// reported as addDir only: the owner lists its content. Running out of inotify watches
// (ENOSPC) or file handles (EMFILE) is reported once through onLimit so the owner can fall back
// to periodic rescans; other errors go to onError. Neither ever throws.
//
// Public surface:
//   watchTree(root, options): TreeWatcher
//   interface TreeWatchEvent { kind: "add" | "change" | "unlink" | "addDir" | "unlinkDir"; path: string }
//   interface TreeWatcher { ready: Promise<void>; close(): Promise<void>; readonly chokidar: FSWatcher }
import { lstat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { watch, type FSWatcher } from "chokidar";

export type TreeWatchKind = "add" | "change" | "unlink" | "addDir" | "unlinkDir";

export interface TreeWatchEvent {
  kind: TreeWatchKind;
  /** Root-relative, '/'-separated. */
  path: string;
}

export interface WatchTreeOptions {
  /** True when a root-relative path must not be watched; isDir is undefined when not yet known. */
  ignored: (relPath: string, isDir: boolean | undefined) => boolean;
  onEvent: (event: TreeWatchEvent) => void;
  /** Whether the owner already lists this file (to tell "add" from "change"). */
  isKnown: (relPath: string) => boolean;
  /** The OS ran out of watches/handles: the watcher is closed, rescans should take over. */
  onLimit: (err: NodeJS.ErrnoException) => void;
  onError?: (err: Error) => void;
}

export interface TreeWatcher {
  /** Resolves when the initial scan is done and events are being delivered. */
  ready: Promise<void>;
  close(): Promise<void>;
  /** The underlying watcher (tests use it to inject OS errors). */
  readonly chokidar: FSWatcher;
}

export const NEVER_WATCHED = new Set([".git", "node_modules"]);
const LIMIT_CODES = new Set(["ENOSPC", "EMFILE"]);

export function watchTree(root: string, options: WatchTreeOptions): TreeWatcher {
  const toRel = (abs: string) => {
    const rel = relative(root, abs);
    return sep === "/" ? rel : rel.split(sep).join("/");
  };
  let closed = false;
  const chokidar = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    alwaysStat: false,
    ignorePermissionErrors: true,
    atomic: false,
    ignored: (abs, stats) => {
      if (stats && !stats.isDirectory()) return true;
      const rel = toRel(abs);
      if (rel === "") return false;
      for (const part of rel.split("/")) if (NEVER_WATCHED.has(part)) return true;
      return options.ignored(rel, stats ? true : undefined);
    },
  });
  const fileTouched = (rel: string) => {
    for (const part of rel.split("/")) if (NEVER_WATCHED.has(part)) return;
    if (options.ignored(rel, false)) return;
    lstat(join(root, rel)).then(
      (st) => {
        if (closed || st.isDirectory()) return;
        options.onEvent({ kind: options.isKnown(rel) ? "change" : "add", path: rel });
      },
      () => {
        if (!closed && options.isKnown(rel)) options.onEvent({ kind: "unlink", path: rel });
      },
    );
  };
  chokidar.on("raw", (_event, name, opts) => {
    const details = opts as { watchedPath?: string } | undefined;
    if (closed || !name || !details?.watchedPath) return;
    const rel = toRel(join(details.watchedPath, name));
    if (rel === "" || rel.startsWith("..")) return;
    fileTouched(rel);
  });
  const ready = new Promise<void>((resolve) => chokidar.once("ready", () => resolve()));
  let limitReported = false;
  const kinds: TreeWatchKind[] = ["addDir", "unlinkDir"];
  for (const kind of kinds) {
    chokidar.on(kind, (abs: string) => {
      if (closed) return;
      const rel = toRel(abs);
      if (rel !== "") options.onEvent({ kind, path: rel });
    });
  }
  chokidar.on("error", (error: unknown) => {
    const err = error as NodeJS.ErrnoException;
    if (LIMIT_CODES.has(err.code ?? "")) {
      if (limitReported) return;
      limitReported = true;
      closed = true;
      void chokidar.close().catch(() => {});
      options.onLimit(err);
      return;
    }
    options.onError?.(err instanceof Error ? err : new Error(String(err)));
  });
  return {
    ready,
    chokidar,
    close: async () => {
      closed = true;
      await chokidar.close();
    },
  };
}
