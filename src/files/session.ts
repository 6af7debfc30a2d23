// A streaming search session over one or more roots: start(roots) → update(query)* → stop().
// Each query is scored in the worker pool, chunk by chunk, as the roots' lists stream in.
// Listeners get throttled `updated` snapshots for the latest query only, then exactly one
// `completed` per query that ran to the end (its final results are also sent as a last
// `updated`, since app-server clients read results from updates). While a root is still
// listing, the first snapshot waits until its shallow paths are in and scored (RootIndex.previewed):
// git lists in path order, and a snapshot of `arch/` alone would rank a poor match first. A newer query, stop() or the
// AbortSignal cancels the running one: a shared Int32Array flag tells busy workers to stop
// mid-chunk, and nothing more is emitted for the superseded query. A query that extends the
// previous completed one (`foo` → `foob`, `foo` → `foo bar`) re-scores only its matches.
//
// Public surface:
//   class FindSession extends EventEmitter<FindSessionEvents>
//     update(query): void;  stop(): void;  idle(): Promise<void> (no task of this session in a worker)
//     readonly roots: string[]; readonly stopped: boolean
//   events: "updated" (FindSnapshot), "completed" (FindSnapshot), "error" (Error; emitted only when listened to)
//   interface PathMatch, FindSnapshot, SessionOptions
// Created by FileFinder.startSession.
import { EventEmitter } from "node:events";
import { FLOOR_NONE, scoreOfKey, type MatchChunkResult, type MatchTask } from "./match-chunk.js";
import { listTasks, rangeTasks, type SegmentSlots, type TaskPiece } from "./match-tasks.js";
import { extendsQuery, normalizedCodes, parseQuery, scorePath, type ParsedQuery } from "./query.js";
import type { RootIndex } from "./root-index.js";
import type { FilesPool } from "./worker-pool.js";
import { DEFAULT_LIMIT } from "../workspace/limits.js";

export interface PathMatch {
  /** The root (absolute) this path belongs to. */
  root: string;
  /** Root-relative, '/'-separated. */
  path: string;
  /** The last path segment. */
  fileName: string;
  matchType: "file" | "directory";
  score: number;
  /** Matched positions in `path` (UTF-16 code unit offsets, ascending), for highlighting. */
  indices: number[];
}

export interface FindSnapshot {
  query: string;
  results: PathMatch[];
  /** Entries looked at so far for this query. */
  scanned: number;
  /** Entries matching so far. */
  matched: number;
  /** Every root's listing is complete. */
  walkComplete: boolean;
  /** This is the final answer for the query. */
  complete: boolean;
}

export interface FindSessionEvents {
  updated: [FindSnapshot];
  completed: [FindSnapshot];
  error: [Error];
}

export interface SessionOptions {
  /** Results per snapshot (default 50). */
  limit?: number;
  /** Minimum time between two `updated` snapshots of one query (default 50 ms). */
  throttleMs?: number;
  /** Aborting stops the session. */
  signal?: AbortSignal;
  /** Folders are candidates too (default true). */
  includeDirectories?: boolean;
}

interface Candidate {
  root: number;
  index: number;
  key: number;
}

interface CompletedQuery {
  parsed: ParsedQuery;
  /** Per root: matching slots by segment and how far into the table (an index) the query looked. */
  perRoot: Array<{ matched: SegmentSlots[]; scannedTo: number }>;
}

export class FindSession extends EventEmitter<FindSessionEvents> {
  readonly roots: string[];
  private generation = 0;
  private readonly cancel = new Int32Array(new SharedArrayBuffer(4));
  private readonly limit: number;
  private readonly throttleMs: number;
  private readonly filesOnly: boolean;
  private last: CompletedQuery | null = null;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private stoppedFlag = false;
  private readonly onAbort = () => this.stop();

  constructor(
    private readonly indexes: RootIndex[],
    private readonly pool: FilesPool,
    private readonly options: SessionOptions = {},
    private readonly onStopped?: () => void,
  ) {
    super();
    this.roots = indexes.map((r) => r.root);
    this.limit = Math.max(0, Math.floor(options.limit ?? DEFAULT_LIMIT));
    this.throttleMs = options.throttleMs ?? 50;
    this.filesOnly = options.includeDirectories === false;
    if (options.signal?.aborted) this.stoppedFlag = true;
    options.signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  get stopped(): boolean {
    return this.stoppedFlag;
  }

  update(query: string): void {
    if (this.stoppedFlag) return;
    const generation = this.bump();
    void this.run(generation, query).catch((err: unknown) => {
      if (generation === this.generation) this.fail(err instanceof Error ? err : new Error(String(err)));
    });
  }

  stop(): void {
    if (this.stoppedFlag) return;
    this.stoppedFlag = true;
    this.bump();
    this.options.signal?.removeEventListener("abort", this.onAbort);
    this.onStopped?.();
  }

  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private bump(): number {
    this.generation++;
    Atomics.store(this.cancel, 0, this.generation);
    return this.generation;
  }

  private async run(generation: number, query: string): Promise<void> {
    const parsed = parseQuery(query);
    const current = () => generation === this.generation;
    const prev = this.last;
    const reuse = prev !== null && extendsQuery(prev.parsed, parsed);
    const perRoot = this.indexes.map((_, r) => ({
      matched: [] as SegmentSlots[],
      scannedTo: reuse ? prev!.perRoot[r]!.scannedTo : 0,
      pendingLists: reuse ? prev!.perRoot[r]!.matched : ([] as SegmentSlots[]),
    }));
    let top: Candidate[] = [];
    let scanned = 0;
    let matched = 0;
    let lastEmit = -Infinity;
    // No partial snapshot before a round that began with every root previewed has been scored;
    // meanwhile the roots' deep listings wait for that first snapshot (released however run ends).
    let mayEmit = false;
    let releaseDeep = () => {};
    if (this.throttleMs !== Infinity && this.indexes.some((ix) => !ix.previewed)) {
      const firstSent = new Promise<void>((resolve) => (releaseDeep = resolve));
      for (const ix of this.indexes) ix.deferDeepListing(firstSent);
    }
    // One task per worker: a task costs about a quarter of a millisecond to post and wake, which
    // is most of a narrow query's time (twice as many tasks measured 10% slower on warm finds).
    const parts = this.pool.threads;
    // One bar for every chunk of this query (match-chunk.ts): later chunks prune with what earlier ones found.
    const floor = new Int32Array(new SharedArrayBuffer(4));
    floor[0] = FLOOR_NONE;

    try {
      for (;;) {
        if (!current()) return;
        const allLoadedBefore = this.indexes.every((ix) => ix.loaded);
        const previewedBefore = this.indexes.every((ix) => ix.previewed);
        const tasks: Array<Promise<void>> = [];
        const dispatch = (r: number, segments: number[], task: MatchTask) => {
          this.inFlight++;
          const job = this.pool.match(task).finally(() => this.taskDone());
          tasks.push(
            job.then((res: MatchChunkResult) => {
              if (!current() || res.cancelled) return;
              scanned += res.scanned;
              res.matched.forEach((slots, k) => {
                matched += slots.length;
                perRoot[r]!.matched.push({ segment: segments[k]!, slots });
              });
              top = mergeTop(top, res, r, this.limit, this.indexes);
              // A snapshot costs highlight positions on this thread: only for someone listening (find() is not).
              const now = performance.now();
              if (mayEmit && this.listenerCount("updated") > 0 && now - lastEmit >= this.throttleMs) {
                lastEmit = now;
                this.emit("updated", this.snapshot(parsed, top, scanned, matched, false));
              }
            }),
          );
        };
        for (let r = 0; r < this.indexes.length; r++) {
          const table = this.indexes[r]!.table;
          const state = perRoot[r]!;
          // Each piece of a task lies in one segment: the worker's loop reads that segment's arrays.
          const segments = table.segments();
          const send = (pieces: TaskPiece[]) => {
            dispatch(r, pieces.map((p) => p.segment), {
              pieces: pieces.map((p) => ({ segment: segments[p.segment]!.shared, base: segments[p.segment]!.base, from: p.from, to: p.to, list: p.list })),
              query,
              limit: this.limit,
              cancel: this.cancel,
              generation,
              filesOnly: this.filesOnly,
              floor,
            });
          };
          if (state.pendingLists.length > 0) {
            let total = 0;
            for (const l of state.pendingLists) total += l.slots.length;
            for (const task of listTasks(state.pendingLists, Math.max(2048, Math.ceil(total / parts)))) send(task);
            state.pendingLists = [];
          }
          const count = table.count;
          if (state.scannedTo < count) {
            const size = Math.max(4096, Math.ceil((count - state.scannedTo) / parts));
            for (const task of rangeTasks(segments, state.scannedTo, count, size)) send(task);
            state.scannedTo = count;
          }
        }
        if (tasks.length > 0) await Promise.all(tasks);
        if (!current()) return;
        if (previewedBefore && !mayEmit) {
          mayEmit = true;
          // The first snapshot: every shallow path scored. (A loaded root gets its final one below.)
          if (!allLoadedBefore && scanned > 0 && this.throttleMs !== Infinity && this.listenerCount("updated") > 0) {
            lastEmit = performance.now();
            this.emit("updated", this.snapshot(parsed, top, scanned, matched, false));
          }
          releaseDeep();
        }
        if (tasks.length > 0) continue;
        if (allLoadedBefore) break;
        await this.nextGrowth();
      }
    } finally {
      releaseDeep();
    }
    if (!current()) return;
    for (const ix of this.indexes) if (ix.loadError) this.fail(new Error(`listing ${ix.root} failed: ${ix.loadError.message}`));
    const final = this.snapshot(parsed, top, scanned, matched, true);
    this.last = { parsed, perRoot: perRoot.map((s) => ({ matched: s.matched, scannedTo: s.scannedTo })) };
    this.emit("updated", final);
    this.emit("completed", final);
  }

  /** Resolves when any root grows or finishes loading, or the query is superseded. */
  private nextGrowth(): Promise<void> {
    return new Promise((resolve) => {
      const offs: Array<() => void> = [];
      const done = () => {
        for (const off of offs) off();
        resolve();
      };
      for (const ix of this.indexes) offs.push(ix.onGrow(done));
      const timer = setTimeout(done, 100);
      offs.push(() => clearTimeout(timer));
    });
  }

  private snapshot(q: ParsedQuery, top: Candidate[], scanned: number, matched: number, complete: boolean): FindSnapshot {
    const results: PathMatch[] = [];
    for (const c of top) {
      const ix = this.indexes[c.root]!;
      if (ix.table.isDeleted(c.index)) continue;
      results.push(toMatch(q, ix, c));
    }
    return {
      query: q.raw,
      results,
      scanned,
      matched,
      walkComplete: this.indexes.every((ix) => ix.loaded),
      complete,
    };
  }

  private taskDone(): void {
    this.inFlight--;
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private fail(err: Error): void {
    if (this.listenerCount("error") > 0) this.emit("error", err);
    else process.emitWarning(`find session: ${err.message}`);
  }
}

function toMatch(q: ParsedQuery, ix: RootIndex, c: Candidate): PathMatch {
  const path = ix.table.pathAt(c.index);
  const codes = normalizedCodes(path, q);
  const slash = path.lastIndexOf("/");
  const positions: number[] = [];
  const isDir = ix.table.isDir(c.index);
  if (!q.empty) scorePath(q, "utf16", codes, 0, path.length, slash + 1, isDir, positions);
  positions.sort((a, b) => a - b);
  return {
    root: ix.root,
    path,
    fileName: path.slice(slash + 1),
    matchType: isDir ? "directory" : "file",
    score: scoreOfKey(c.key),
    indices: [...new Set(positions)],
  };
}

function mergeTop(top: Candidate[], res: MatchChunkResult, root: number, limit: number, indexes: RootIndex[]): Candidate[] {
  if (res.topIndex.length === 0) return top;
  const merged = top.slice();
  for (let k = 0; k < res.topIndex.length; k++) merged.push({ root, index: res.topIndex[k]!, key: res.topKey[k]! });
  const names = new Map<Candidate, string>();
  const name = (c: Candidate) => {
    let n = names.get(c);
    if (n === undefined) {
      n = indexes[c.root]!.table.pathAt(c.index);
      names.set(c, n);
    }
    return n;
  };
  merged.sort((a, b) => {
    if (a.key !== b.key) return b.key - a.key;
    const na = name(a);
    const nb = name(b);
    if (na !== nb) return na < nb ? -1 : 1;
    return a.root - b.root;
  });
  return merged.slice(0, limit);
}
