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
  /** Whether the owner already lists this path as a file (to tell "add" from "change", and files from folders). */
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

const NEVER_WATCHED = new Set([".git", "node_modules"]);
const ADD_BATCH = 64;
const ADD_PAUSE_MS = 2;
const SETTLE_MS = 100;
const LIMIT_CODES = new Set(["ENOSPC", "EMFILE"]);

export function watchTree(root: string, options: WatchTreeOptions): TreeWatcher {
  const toRel = (abs: string) => {
    const rel = relative(root, abs);
    return sep === "/" ? rel : rel.split(sep).join("/");
  };
  let closed = false;
  // Every folder is watched on its own at depth 0 and fed to chokidar a batch at a time: left
  // to recurse by itself, chokidar scans all folders at once and the V8 heap balloons for good
  // (160 MB vs 75 MB on the 78k-file tree). Folders are discovered through `ignored`, which
  // chokidar calls for each entry it reads, so new and empty folders are found too.
  const known = new Set<string>([root]);
  const queue: string[] = [];
  let pumping: Promise<void> | null = null;
  let lastAdd = 0;
  const pump = async () => {
    while (queue.length > 0 && !closed) {
      chokidar.add(queue.splice(0, ADD_BATCH));
      lastAdd = performance.now();
      await new Promise((r) => setTimeout(r, ADD_PAUSE_MS));
    }
    pumping = null;
  };
  let settled = false;
  const discovered = (abs: string) => {
    if (known.has(abs)) return;
    known.add(abs);
    queue.push(abs);
    pumping ??= pump();
    // After the initial discovery a folder seen for the first time is new. chokidar's own addDir
    // is not reliable here (the explicit add can win the race and swallow it), so report it here.
    if (settled) {
      const rel = toRel(abs);
      queueMicrotask(() => {
        if (!closed) options.onEvent({ kind: "addDir", path: rel });
      });
    }
  };
  const chokidar = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    alwaysStat: false,
    ignorePermissionErrors: true,
    atomic: false,
    depth: 0,
    ignored: (abs, stats) => {
      if (stats && !stats.isDirectory()) return true;
      const rel = toRel(abs);
      if (rel === "") return false;
      for (const part of rel.split("/")) if (NEVER_WATCHED.has(part)) return true;
      if (options.ignored(rel, stats ? true : undefined)) return true;
      if (stats) discovered(abs);
      return false;
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
  const ready = new Promise<void>((resolve) => chokidar.once("ready", () => resolve())).then(async () => {
    // Ready once the discovery has settled: nothing queued and no folder added for a while.
    while (!closed && (pumping || performance.now() - lastAdd < SETTLE_MS)) {
      await (pumping ?? new Promise((r) => setTimeout(r, SETTLE_MS)));
    }
    settled = true;
  });
  let limitReported = false;
  const kinds: TreeWatchKind[] = ["unlinkDir"];
  for (const kind of kinds) {
    chokidar.on(kind, (abs: string) => {
      if (closed) return;
      if (kind === "unlinkDir") {
        // Forget it and everything below, so a folder re-created there is watched again.
        const prefix = abs + sep;
        for (const k of known) if (k === abs || k.startsWith(prefix)) known.delete(k);
      }
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
