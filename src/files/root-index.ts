// The file index of one root: its files and folders in a shared PathTable, listed through git in
// a work tree (else walked with ignore rules, in slices on this thread or, optionally, in the
// pool's workers), then kept fresh by a chokidar watcher without rescans. Other engines (LSP documents, symbol indexer) subscribe to its changes.
//
// Public surface:
//   class RootIndex
//     readonly root: string                         absolute
//     readonly ready: Promise<void>                 the initial listing is complete (rejects on a listing failure)
//     readonly watching: Promise<void>              the watcher delivers events (resolves at once when not watching)
//     loaded: boolean; source: "git" | "walk" | undefined; degraded: boolean (watcher replaced by rescans)
//     previewed: boolean                            the shallow entries are in (a first answer is worth showing)
//     deferDeepListing(until: Promise<unknown>)     (sessions) the rest of the git listing waits for their first answer
//     walkErrors: WalkError[]                       folders the walker could not read
//     loadError: Error | undefined                  why the initial listing failed
//     paths({ directories? }): string[]             root-relative, '/'-separated; files only unless directories: true
//     onChange(listener: (ev: FileIndexChange) => void): () => void   returns the unsubscribe function
//     rescan(): Promise<void>                       relist and apply the difference as changes
//     close(): Promise<void>
//   interface FileIndexChange { kind: "add" | "change" | "unlink" | "addDir" | "unlinkDir"; path: string }
//     (an unlinkDir means everything below it is gone too; each change is reported once)
//   interface RootIndexOptions { watch?, rescanIntervalMs?, hidden?, walkInWorkers?, shallowFirst?, onWarning? }
// Created through FileFinder.openRoot (one index per root, shared by sessions).
import { EventEmitter } from "node:events";
import { existsSync, statSync } from "node:fs";
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { forEachPath, listGitFiles } from "../workspace/git.js";
import { DEFAULT_IGNORE_FILES, IgnoreMatcher, readGitExcludes } from "../workspace/ignore.js";
import { planWalk, walkFolders, walkTree, type WalkError } from "../workspace/walk.js";
import { watchTree, type TreeWatcher, type TreeWatchKind } from "../workspace/watcher.js";
import type { WalkBatch, WalkTask } from "../../workers/walk-worker.js";
import { PathTable } from "./path-table.js";
import type { FilesPool } from "./worker-pool.js";
import { join } from "node:path";

const WALK_SLICE_MS = 8;
/** When a new folder's content is listed again, after its watch is set up. */
const CATCH_UP_MS = [250, 1000];

export interface FileIndexChange {
  kind: TreeWatchKind;
  /** Root-relative, '/'-separated. */
  path: string;
}

export interface RootIndexOptions {
  /** Keep the list fresh with a watcher (default true). */
  watch?: boolean;
  /** Period of the rescans that replace the watcher when the OS runs out of watches (default 5000). */
  rescanIntervalMs?: number;
  /** List dot-files in non-git trees (default true, like git). */
  hidden?: boolean;
  /** Walk non-git trees in the worker pool instead of in slices on this thread (default false: measured slower here). */
  walkInWorkers?: boolean;
  /**
   * In a git work tree, list tracked paths at most this many segments deep first, then the rest
   * (0: git's path order only). Sessions hold their first snapshot until these are in. Default: 3,
   * one more per 8x beyond 100k index entries (the tree's paths are likely deeper; 4 for 1.25M).
   */
  shallowFirst?: number;
  /**
   * @internal Tests: the initial git listing reads the full tracked listing (all but the shallow
   * paths) only once this settles too, as a slow reader would: git blocks on the full pipe meanwhile.
   */
  holdDeepListing?: Promise<unknown>;
  /** Degradations worth telling the user about (default: process.emitWarning). */
  onWarning?: (message: string) => void;
}

const DEFAULT_SHALLOW_FIRST = 3;
/** Bytes per entry of a git index (v2: 62 + the path, padded; 106-113 measured on Linux trees). */
const INDEX_BYTES_PER_ENTRY = 100;

export class RootIndex {
  readonly table = new PathTable(8192);
  readonly ready: Promise<void>;
  readonly watching: Promise<void>;
  loaded = false;
  /**
   * The shallow part of the tree is in the table: in a git tree the tracked paths at most
   * `shallowFirst` segments deep, in a walk the top two levels; true once loaded. A partial answer
   * before that has seen one corner of the tree only (git lists in path order).
   */
  previewed: boolean;
  source: "git" | "walk" | undefined;
  degraded = false;
  walkErrors: WalkError[] = [];
  /** Why the initial listing failed, if it did (then `ready` rejects with it). */
  loadError: Error | undefined;

  private readonly events = new EventEmitter<{ change: [FileIndexChange]; grow: [] }>();
  private readonly knownDirs = new Set<string>();
  private watcher: TreeWatcher | null = null;
  private pending: FileIndexChange[] | null = [];
  private rescanTimer: NodeJS.Timeout | null = null;
  private rescanDebounce: NodeJS.Timeout | null = null;
  private closed = false;
  private ignore: IgnoreMatcher | null = null;

  constructor(
    readonly root: string,
    private readonly pool: FilesPool,
    private readonly options: RootIndexOptions = {},
  ) {
    this.events.setMaxListeners(0);
    this.previewed = this.shallowDepth() === 0;
    this.ready = this.load().catch((err: unknown) => {
      // A failed listing still ends the load: sessions answer from what was listed and report it.
      this.loadError = err instanceof Error ? err : new Error(String(err));
      this.loaded = true;
      this.previewed = true;
      this.events.emit("grow");
      throw this.loadError;
    });
    // Failures surface through `ready`; keep an unobserved rejection from crashing the process.
    this.ready.catch(() => {});
    // chokidar's initial scan floods the event loop: start it once the list is in, then catch up
    // with one rescan for whatever changed in between.
    this.watching =
      options.watch ?? true
        ? this.ready.then(async () => {
            if (this.closed) return;
            this.watcher = this.startWatcher();
            await this.watcher.ready;
            await this.rescan();
          })
        : Promise.resolve();
    this.watching.catch(() => {});
  }

  paths(options: { directories?: boolean } = {}): string[] {
    const out: string[] = [];
    const t = this.table;
    for (let i = 0; i < t.count; i++) {
      if (t.isDeleted(i) || (!options.directories && t.isDir(i))) continue;
      out.push(t.pathAt(i));
    }
    return out;
  }

  /** @internal The live watcher, if any (tests inject OS errors through it). */
  get treeWatcher(): TreeWatcher | null {
    return this.watcher;
  }

  onChange(listener: (ev: FileIndexChange) => void): () => void {
    this.events.on("change", listener);
    return () => this.events.off("change", listener);
  }

  /** @internal Sessions listen to learn that entries were appended. */
  onGrow(listener: () => void): () => void {
    this.events.on("grow", listener);
    return () => this.events.off("grow", listener);
  }

  async rescan(): Promise<void> {
    if (this.closed) return;
    // Marks instead of sets of strings: a rescan of a big root must not balloon memory.
    const seen = new Uint8Array(this.table.count);
    const added: FileIndexChange[] = [];
    await this.list((path, dir) => {
      const i = this.table.indexOf(path);
      if (i < 0) added.push({ kind: dir ? "addDir" : "add", path });
      else seen[i] = 1;
    });
    if (this.closed) return;
    for (let i = 0; i < seen.length; i++) {
      if (seen[i] || this.table.isDeleted(i)) continue;
      this.apply({ kind: this.table.isDir(i) ? "unlinkDir" : "unlink", path: this.table.pathAt(i) });
    }
    for (const ev of added) this.apply(ev);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.rescanTimer) clearInterval(this.rescanTimer);
    if (this.rescanDebounce) clearTimeout(this.rescanDebounce);
    for (const t of this.catchUps) clearTimeout(t);
    const w = this.watcher;
    this.watcher = null;
    this.events.removeAllListeners();
    await w?.close();
  }

  private async load(): Promise<void> {
    await this.list();
    this.loaded = true;
    this.previewed = true;
    this.knownDirs.clear();
    const queued = this.pending ?? [];
    this.pending = null;
    for (const ev of queued) this.apply(ev);
    this.events.emit("grow");
  }

  /**
   * Lists the root. Without a sink (the initial load) entries stream straight into the table;
   * with one (a rescan) they go to the sink, for diffing.
   */
  private async list(sink?: (path: string, dir: boolean) => void): Promise<void> {
    const dirs = sink ? new Set<string>() : this.knownDirs;
    const addBytes = sink
      ? (b: Uint8Array, start: number, end: number, dir: boolean) => sink(Buffer.from(b.buffer, b.byteOffset + start, end - start).toString("utf8"), dir)
      : (b: Uint8Array, start: number, end: number, dir: boolean) => this.table.addBytes(b, start, end, dir);
    // Per listing: a cache left over from an earlier listing would skip folders this one never added.
    const folders = new FolderDeriver(dirs, addBytes);
    const take = (bytes: Buffer, from: number, to: number, depth: number) => {
      forEachPath(bytes, from, to, (s, e) => {
        if (depth > 0 && deeperThan(bytes, s, e, depth)) return;
        folders.parentsOf(bytes, s, e);
        addBytes(bytes, s, e, false);
      });
    };
    // The initial load streams tracked files as git prints them (then takes out the deleted ones),
    // the shallow ones into the table at once, the rest kept in git's chunks until the session's
    // first answer is out; a rescan (diffed against the table) waits for git to subtract them.
    const depth = sink ? 0 : this.shallowDepth();
    const deep: Array<{ bytes: Buffer; from: number; to: number }> = [];
    const trackedSink = (bytes: Buffer, from: number, to: number) => {
      take(bytes, from, to, depth);
      if (depth > 0) deep.push({ bytes, from, to });
      if (!sink) this.events.emit("grow");
    };
    const untrackedSink = (bytes: Buffer, from: number, to: number) => {
      take(bytes, from, to, 0);
      if (!sink) this.events.emit("grow");
    };
    let deepDone: Promise<void> = Promise.resolve();
    let releaseRest = () => {};
    const startRest = new Promise<void>((resolve) => (releaseRest = resolve));
    const git = await listGitFiles(
      this.root,
      { tracked: trackedSink, untracked: untrackedSink },
      undefined,
      sink
        ? {}
        : {
            streamTracked: true,
            // The deleted and untracked listings (two spawns, each blocking this thread for
            // milliseconds, and two cores' worth of git) wait for the session's first answer too.
            startRest,
            onTrackedDone: () => {
              if (depth === 0) return releaseRest();
              this.previewed = true;
              this.events.emit("grow");
              const hold = Promise.allSettled([this.options.holdDeepListing, ...this.deepHolds.splice(0)]);
              void hold.then(releaseRest);
              deepDone = hold.then(() => this.addDeep(deep, depth, folders));
            },
          },
    );
    await deepDone;
    if (git.isRepo) {
      this.source = "git";
      if (git.deleted && git.deleted.length > 0) this.removeDeleted(git.deleted.map((p) => p.toString("utf8")));
      return;
    }
    if (!sink && this.table.count > 0) throw new Error(`git listing of ${this.root} failed midway: ${git.reason ?? "unknown"}`);
    this.source = "walk";
    // The top two levels here (a few dozen readdirs), the folders below split across the workers.
    const plan = planWalk(this.root, 2, { hidden: this.options.hidden });
    const addPath = sink ?? ((path: string, dir: boolean) => this.table.add(path, dir));
    for (const e of plan.entries) addPath(e.path, e.dir);
    if (!sink) {
      this.previewed = true;
      this.events.emit("grow");
    }
    if (!this.options.walkInWorkers) {
      // Measured faster than the worker walk on 2 cores (bench/files.bench.ts): walk here, in
      // slices of a few milliseconds, so the event loop keeps serving while the walk goes on.
      let sliceStart = performance.now();
      const errors = [...plan.errors];
      for (const item of plan.pending) {
        if (this.closed) return;
        const r = walkFolders(this.root, [item], { hidden: this.options.hidden });
        for (const e of r.entries) addPath(e.path, e.dir);
        errors.push(...r.errors);
        if (performance.now() - sliceStart > WALK_SLICE_MS) {
          if (!sink) this.events.emit("grow");
          await new Promise<void>((resolve) => setImmediate(resolve));
          sliceStart = performance.now();
        }
      }
      this.walkErrors = errors;
      return;
    }
    const counter = new Int32Array(new SharedArrayBuffer(4));
    const walkers: Array<Promise<{ errors: WalkError[] }>> = [];
    const ports: MessagePort[] = [];
    for (let w = 0; w < Math.min(this.pool.threads, Math.max(1, plan.pending.length)); w++) {
      const { port1, port2 } = new MessageChannel();
      ports.push(port1);
      port1.on("message", (batch: WalkBatch) => {
        let from = 0;
        for (let k = 0; k < batch.ends.length; k++) {
          addBytes(batch.bytes, from, batch.ends[k]!, batch.dirs[k] === 1);
          from = batch.ends[k]!;
        }
        if (!sink) this.events.emit("grow");
      });
      const task: WalkTask = { root: this.root, items: plan.pending, counter, hidden: this.options.hidden, port: port2 };
      walkers.push(this.pool.walk<{ errors: WalkError[] }>(task, [port2]));
    }
    try {
      const results = await Promise.all(walkers);
      this.walkErrors = [...plan.errors, ...results.flatMap((r) => r.errors)];
      // Batches posted before the tasks finished may still be queued on our ports: drain them.
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      for (const p of ports) p.close();
    }
  }

  /** The tracked paths deeper than `depth` kept in `chunks`, into the table in slices of a few milliseconds. */
  private async addDeep(chunks: Array<{ bytes: Buffer; from: number; to: number }>, depth: number, folders: FolderDeriver): Promise<void> {
    let sliceStart = performance.now();
    for (let c = 0; c < chunks.length; c++) {
      if (this.closed) return;
      const { bytes, from, to } = chunks[c]!;
      chunks[c] = EMPTY_CHUNK; // let git's chunk go once it is in
      forEachPath(bytes, from, to, (s, e) => {
        if (!deeperThan(bytes, s, e, depth)) return;
        folders.parentsOf(bytes, s, e);
        this.table.addBytes(bytes, s, e, false);
      });
      if (performance.now() - sliceStart > WALK_SLICE_MS) {
        this.events.emit("grow");
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    }
    this.events.emit("grow");
  }

  private shallowDepthMemo: number | undefined;
  private readonly deepHolds: Array<Promise<unknown>> = [];

  /**
   * @internal A session that will send a first snapshot once the shallow entries are scored asks
   * the rest of the git listing to wait for it: that listing floods this thread, and the
   * snapshot's worker results would queue behind it. `until` must settle (sent, superseded, stopped).
   */
  deferDeepListing(until: Promise<unknown>): void {
    if (!this.previewed) this.deepHolds.push(until);
  }

  private shallowDepth(): number {
    if (this.options.shallowFirst !== undefined) return Math.max(0, Math.floor(this.options.shallowFirst));
    if (this.shallowDepthMemo === undefined) {
      // The index's size tells its entries without a git call (a root below the top or a linked
      // work tree keeps the default). On Linux (78k) depth 3 holds 19% of the paths; on 16 copies
      // of it under copyNN/ depth 4 does.
      let entries = 0;
      try {
        entries = statSync(join(this.root, ".git", "index")).size / INDEX_BYTES_PER_ENTRY;
      } catch {
        // Not the top of a plain work tree.
      }
      this.shallowDepthMemo = DEFAULT_SHALLOW_FIRST + (entries > 100_000 ? Math.floor(Math.log(entries / 100_000) / Math.log(8)) : 0);
    }
    return this.shallowDepthMemo;
  }

  /** Takes out tracked files missing from disk, and the folders that were listed only for them. */
  private removeDeleted(deleted: string[]): void {
    const folders = new Set<string>();
    for (const p of deleted) {
      this.table.remove(p);
      for (let at = p.lastIndexOf("/"); at > 0; at = p.lastIndexOf("/", at - 1)) folders.add(p.slice(0, at));
    }
    const live = new Set<string>();
    for (const p of this.paths()) {
      for (let at = p.lastIndexOf("/"); at > 0; at = p.lastIndexOf("/", at - 1)) {
        const folder = p.slice(0, at);
        if (folders.has(folder)) live.add(folder);
      }
    }
    for (const f of folders) {
      if (live.has(f)) continue;
      this.table.remove(f);
    }
  }

  private apply(ev: FileIndexChange): void {
    if (this.closed) return;
    if (this.pending) {
      this.pending.push(ev);
      return;
    }
    // Only real changes reach subscribers: the watcher may report a path twice.
    let grew = false;
    switch (ev.kind) {
      case "add":
        if (this.table.indexOf(ev.path) >= 0) return;
        this.table.add(ev.path, false);
        grew = true;
        break;
      case "addDir":
        if (this.table.indexOf(ev.path) >= 0) return;
        this.table.add(ev.path, true);
        this.events.emit("change", ev);
        // The watcher reports folders only: list what the new folder already holds, and again
        // once its own watch is surely in place (files written in between raise no event).
        this.addFolderContent(ev.path);
        this.events.emit("grow");
        this.catchUp(ev.path);
        return;
      case "unlink":
      case "unlinkDir":
        if (!this.table.remove(ev.path)) return;
        break;
      case "change":
        break;
    }
    const base = ev.path.slice(ev.path.lastIndexOf("/") + 1);
    if (DEFAULT_IGNORE_FILES.includes(base) && ev.kind !== "unlinkDir") this.ignoreRulesChanged(ev.path);
    this.events.emit("change", ev);
    if (grew) this.events.emit("grow");
  }

  private readonly catchUps = new Set<NodeJS.Timeout>();

  private catchUp(folder: string): void {
    for (const delay of CATCH_UP_MS) {
      const timer = setTimeout(() => {
        this.catchUps.delete(timer);
        if (this.closed || this.table.indexOf(folder) < 0) return;
        if (this.addFolderContent(folder)) this.events.emit("grow");
      }, delay);
      timer.unref();
      this.catchUps.add(timer);
    }
  }

  /** Adds what `folder` holds that the index lacks; returns whether anything was added. */
  private addFolderContent(folder: string): boolean {
    const ignore = this.ignore;
    const { entries } = walkTree(join(this.root, folder));
    let added = false;
    for (const entry of entries) {
      const rel = `${folder}/${entry.path}`;
      if (ignore?.ignores(rel, entry.dir) || this.table.indexOf(rel) >= 0) continue;
      this.table.add(rel, entry.dir);
      this.events.emit("change", { kind: entry.dir ? "addDir" : "add", path: rel });
      added = true;
    }
    return added;
  }

  private ignoreRulesChanged(file: string): void {
    const slash = file.lastIndexOf("/");
    this.ignore?.invalidate(slash < 0 ? "" : file.slice(0, slash));
    if (this.rescanDebounce) clearTimeout(this.rescanDebounce);
    this.rescanDebounce = setTimeout(() => {
      this.rescanDebounce = null;
      void this.rescan().catch((err: unknown) => this.warn(`rescan of ${this.root} failed: ${String(err)}`));
    }, 200);
  }

  private startWatcher(): TreeWatcher {
    const inRepo = existsSync(join(this.root, ".git"));
    this.ignore = new IgnoreMatcher(this.root, { extraRules: inRepo ? readGitExcludes(this.root) : [] });
    const ignore = this.ignore;
    return watchTree(this.root, {
      ignored: (rel, isDir) => ignore.ignores(rel, isDir ?? false),
      onEvent: (ev) => this.apply(ev),
      isKnown: (rel) => {
        const i = this.table.indexOf(rel);
        return i >= 0 && !this.table.isDir(i);
      },
      onLimit: (err) => this.degrade(err),
      onError: (err) => this.warn(`watcher on ${this.root}: ${err.message}`),
    });
  }

  private degrade(err: NodeJS.ErrnoException): void {
    if (this.closed || this.degraded) return;
    this.degraded = true;
    this.watcher = null;
    const every = this.options.rescanIntervalMs ?? 5000;
    this.warn(
      `watching ${this.root} failed (${err.code}: out of inotify watches or file handles); ` +
        `falling back to a rescan every ${every} ms. Raise fs.inotify.max_user_watches to restore live updates.`,
    );
    this.rescanTimer = setInterval(() => {
      void this.rescan().catch((e: unknown) => this.warn(`rescan of ${this.root} failed: ${String(e)}`));
    }, every);
    this.rescanTimer.unref();
  }

  private warn(message: string): void {
    if (this.options.onWarning) this.options.onWarning(message);
    else process.emitWarning(message, { code: "CODEINTEL_FILES" });
  }
}

const EMPTY_CHUNK = { bytes: Buffer.alloc(0), from: 0, to: 0 };

/** Whether path bytes[start, end) has more than `depth` segments (at least `depth` slashes). */
function deeperThan(bytes: Uint8Array, start: number, end: number, depth: number): boolean {
  let slashes = 0;
  for (let k = start; k < end; k++) if (bytes[k] === 47 && ++slashes >= depth) return true;
  return false;
}

/**
 * git lists files only: derives their folders, each once (`dirs` holds those listed). git's output
 * is sorted, so most paths are in the folder of the one before: that is a byte compare against a
 * copy of it, and only a new folder costs a string and set lookups.
 */
class FolderDeriver {
  private last = new Uint8Array(256);
  private lastLength = -1;

  constructor(
    private readonly dirs: Set<string>,
    private readonly add: (bytes: Uint8Array, start: number, end: number, dir: boolean) => void,
  ) {}

  parentsOf(p: Buffer, start: number, end: number): void {
    let slash = end - 1;
    while (slash > start && p[slash] !== 47) slash--;
    const len = slash - start;
    if (len <= 0) return;
    const last = this.last;
    if (len === this.lastLength) {
      let k = len - 1;
      while (k >= 0 && last[k] === p[start + k]) k--;
      if (k < 0) return;
    }
    if (last.length < len) this.last = new Uint8Array(Math.max(len, last.length * 2));
    this.last.set(p.subarray(start, slash));
    this.lastLength = len;
    // Up to the nearest folder already listed, then down adding the new ones parent first. A loop,
    // not recursion: a path may have thousands of segments.
    const missing: number[] = [];
    for (let at = slash; at > start; ) {
      const key = p.toString("latin1", start, at);
      if (this.dirs.has(key)) break;
      this.dirs.add(key);
      missing.push(at);
      do at--;
      while (at > start && p[at] !== 47);
    }
    for (let k = missing.length - 1; k >= 0; k--) this.add(p, start, missing[k]!, true);
  }
}
