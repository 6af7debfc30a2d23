// Fills and refreshes one root's symbol cache from the language servers.
//
//   const indexer = new SymbolIndexer({ store, source: pool, files: rootIndex, onProgress });
//   const summary = await indexer.run(signal);   // a full pass: resumable, skips what is unchanged
//   const stop = indexer.watch();                // re-index changed files, drop deleted ones
//
// A full pass asks a server only for files whose content changed: size and mtime unchanged →
// skipped without reading; hash unchanged → skipped without asking. Answers are written in
// batched transactions, so a killed pass keeps everything it finished. What the servers must
// never be sent (not a regular file, past the size cap, binary: workspace/source-text.ts) is
// recorded as excluded with the reason. An empty answer from a ready server is a true empty,
// settled like an answer with symbols; a server still loading says "indexing" instead (the
// pool's rule), and that, like any failure, is recorded as failed and retried on later passes.
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { readSourceText } from "../workspace/source-text.js";
import { flattenSymbols } from "./flatten.js";
import type { FileWrite, SymbolStore } from "./store.js";
import { fingerprintKey, type FileListChange, type FileListSource, type SymbolSource } from "./symbol-source.js";
import type { FileRecord } from "./types.js";

export interface IndexerOptions {
  store: SymbolStore;
  source: SymbolSource;
  files: FileListSource;
  /** documentSymbol requests in flight per server (default 3). */
  concurrencyPerServer?: number;
  /** Files per write transaction (default 200); a transaction is also closed every flushMs. */
  batchSize?: number;
  flushMs?: number;
  /** Passes that retry a failed file before it waits for the file to change (default 3). */
  maxAttempts?: number;
  /** Delay before a burst of watcher events is processed (default 150 ms). */
  debounceMs?: number;
  onProgress?: (progress: IndexProgress) => void;
  /** Throttle of onProgress during a pass (default 250 ms); the last event is always sent. */
  progressIntervalMs?: number;
  onWarning?: (message: string) => void;
  /**
   * Check every page of the database when a pass starts (PRAGMA quick_check) and rebuild it if
   * damaged. It blocks for about 3 s per 300 MB (1M symbols), so `codeintel index` does it and a
   * service answering queries does not: there, damage is found by the query that reads it.
   */
  verify?: boolean;
}

export interface IndexProgress {
  phase: "planning" | "indexing" | "done";
  /** Files settled this pass (indexed, skipped or failed) out of total. */
  done: number;
  total: number;
  indexed: number;
  skipped: number;
  failed: number;
  /** Files the server answered, once ready, with no symbols. */
  empty: number;
  /** Files never sent to a server: not a regular file, too large or binary (their rows say why). */
  excluded: number;
  symbols: number;
  /** Files per second asked of servers so far this pass. */
  rate: number;
  /** Estimated milliseconds to finish, or null before a rate is known. */
  etaMs: number | null;
  elapsedMs: number;
}

export type IndexSummary = IndexProgress & { cancelled: boolean; removed: number; invalidated: number };

export class SymbolIndexer {
  readonly store: SymbolStore;
  readonly #source: SymbolSource;
  readonly #files: FileListSource;
  readonly #options: Required<Pick<IndexerOptions, "concurrencyPerServer" | "batchSize" | "flushMs" | "maxAttempts" | "debounceMs" | "progressIntervalMs">>;
  #progress: IndexProgress = emptyProgress("planning");
  /** The store generation a full pass last finished in (a rebuilt database is not complete). */
  #completeGeneration: number | undefined;
  #running: Promise<IndexSummary> | undefined;
  #pendingChanges = new Map<string, FileListChange["kind"]>();
  #changeTimer: NodeJS.Timeout | undefined;
  #changeWork: Promise<void> = Promise.resolve();
  #closed = new AbortController();
  readonly #checkedFingerprints = new Map<string, string>();

  constructor(private readonly options: IndexerOptions) {
    this.store = options.store;
    this.#source = options.source;
    this.#files = options.files;
    this.#options = {
      concurrencyPerServer: options.concurrencyPerServer ?? 3,
      batchSize: options.batchSize ?? 200,
      flushMs: options.flushMs ?? 500,
      maxAttempts: options.maxAttempts ?? 3,
      debounceMs: options.debounceMs ?? 150,
      progressIntervalMs: options.progressIntervalMs ?? 250,
    };
  }

  /** True once a full pass finished in this process into the database as it is now (the cache then answers for the whole root). */
  get complete(): boolean {
    return this.#completeGeneration === this.store.generation;
  }

  get progress(): IndexProgress {
    return { ...this.#progress };
  }

  /** True while a full pass runs (a run() now joins it, and stops only with the signal it started with). */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** A full pass over the root's file list. Concurrent calls share one pass. */
  run(signal?: AbortSignal): Promise<IndexSummary> {
    this.#running ??= this.#pass(signal).finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /** Follows the file list's changes: re-indexes changed files, removes deleted ones. */
  watch(): () => void {
    if (!this.#files.onChange) throw new Error("this file list does not report changes");
    const unsubscribe = this.#files.onChange((change) => this.noteChange(change));
    return () => {
      unsubscribe();
      clearTimeout(this.#changeTimer);
    };
  }

  /** Queues one change; bursts within debounceMs become one batch (few transactions). */
  noteChange(change: FileListChange): void {
    if (this.#closed.signal.aborted) return;
    this.#pendingChanges.set(change.path, change.kind);
    clearTimeout(this.#changeTimer);
    this.#changeTimer = setTimeout(() => {
      this.#changeWork = this.#changeWork.then(() => this.#applyChanges()).catch((err: unknown) => this.#warn(`symbol cache update failed: ${(err as Error).message}`));
    }, this.#options.debounceMs);
  }

  /** Resolves when every change noted so far has been written. */
  async settled(): Promise<void> {
    for (;;) {
      const work = this.#changeWork;
      await work;
      if (this.#pendingChanges.size === 0 && work === this.#changeWork && !this.#changeTimer?.hasRef()) return;
      await new Promise((r) => setTimeout(r, this.#options.debounceMs));
    }
  }

  /** Stops the watcher work and any pass in flight (the store stays open: its owner closes it). */
  async close(): Promise<void> {
    this.#closed.abort();
    clearTimeout(this.#changeTimer);
    await Promise.allSettled([this.#running, this.#changeWork]);
  }

  // ---- full pass -------------------------------------------------------------------

  /**
   * Verifies the database first when asked to (damaged pages an unchanged pass would never
   * read), then passes over the root; when the database had to be rebuilt midway, what the pass
   * wrote before is gone and its view of what was known is stale, so it passes again.
   */
  async #pass(outer?: AbortSignal): Promise<IndexSummary> {
    if (this.options.verify) this.store.verify();
    for (let round = 1; ; round++) {
      const generation = this.store.generation;
      const summary = await this.#passOnce(outer);
      if (summary.cancelled) return summary;
      if (this.store.generation === generation) {
        this.#completeGeneration = generation;
        this.store.setMeta("last_full_pass", new Date().toISOString());
        return summary;
      }
      if (round >= 3) throw new Error(`the symbol cache ${this.store.dbPath} kept failing while being rebuilt`);
    }
  }

  async #passOnce(outer?: AbortSignal): Promise<IndexSummary> {
    const signal = outer ? AbortSignal.any([outer, this.#closed.signal]) : this.#closed.signal;
    // Every request in flight (a few per server, several servers) listens on this one signal.
    setMaxListeners(0, signal);
    const started = Date.now();
    this.#progress = emptyProgress("planning");
    const root = this.store.root;
    const listed = this.#files.paths();
    const fingerprints = new FingerprintCache(this.#source);
    const indexable: { path: string; abs: string; serverId: string; fingerprint: string }[] = [];
    let invalidated = 0;
    for (const path of listed) {
      if (isNoise(path)) continue;
      const abs = join(root, path);
      const fp = fingerprints.get(abs);
      if (!fp) continue;
      invalidated += this.#checkFingerprint(fp.serverId, fp.key);
      indexable.push({ path, abs, serverId: fp.serverId, fingerprint: fp.key });
    }
    const known = this.store.allFiles();
    // Files the cache knows that are gone from the list (deleted or now ignored while we were away).
    const wanted = new Set(indexable.map((f) => f.path));
    const gone: FileWrite[] = [];
    for (const path of known.keys()) if (!wanted.has(path)) gone.push({ type: "remove", path });
    this.store.write(gone);

    const progress = this.#progress;
    progress.phase = "indexing";
    progress.total = indexable.length;
    // The cheap check for every file first, many stats in flight: an unchanged root costs one
    // stat per file and no read, no hash, no server.
    const todo: typeof indexable = [];
    await forEachLimited(indexable, 32, async (f) => {
      const record = known.get(f.path);
      if (record && record.fingerprint === f.fingerprint && this.#upToDate(record)) {
        const st = await stat(f.abs).catch(() => undefined);
        if (st && st.size === record.size && st.mtimeMs === record.mtimeMs) {
          progress.skipped++;
          return;
        }
      }
      todo.push(f);
    });
    progress.done = progress.skipped;
    const writer = new BatchWriter(this.store, this.#options.batchSize, this.#options.flushMs);
    const report = throttle(() => this.options.onProgress?.(this.#snapshot(started)), this.#options.progressIntervalMs);
    report();

    const byServer = new Map<string, typeof indexable>();
    for (const f of todo) {
      const list = byServer.get(f.serverId) ?? [];
      list.push(f);
      byServer.set(f.serverId, list);
    }
    const workers: Promise<void>[] = [];
    const retries = new Map<string, number>();
    for (const queue of byServer.values()) {
      queue.reverse(); // pop() from the end keeps the file list's order
      for (let i = 0; i < this.#options.concurrencyPerServer; i++) {
        workers.push((async () => {
          while (queue.length > 0 && !signal.aborted) {
            const f = queue.pop()!;
            const outcome = await this.#indexFile(f.path, f.abs, f.fingerprint, known.get(f.path), signal);
            // A server still loading its project says "retry": put the file at the back of the
            // queue (twice at most) rather than recording a failure it would not deserve.
            if (outcome.kind === "failed" && outcome.retryable && (retries.get(f.path) ?? 0) < 2 && !signal.aborted) {
              retries.set(f.path, (retries.get(f.path) ?? 0) + 1);
              queue.unshift(f);
              await new Promise((r) => setTimeout(r, 500));
              continue;
            }
            if (outcome.write) writer.add(outcome.write);
            if (outcome.kind === "indexed") {
              progress.indexed++;
              progress.symbols += outcome.symbols;
            } else if (outcome.kind === "empty") {
              progress.indexed++;
              progress.empty++;
            } else if (outcome.kind === "failed") progress.failed++;
            else if (outcome.kind === "excluded") progress.excluded++;
            else if (outcome.kind === "skipped") progress.skipped++;
            if (outcome.kind !== "cancelled") progress.done++;
            report();
          }
        })());
      }
    }
    await Promise.all(workers);
    writer.flush();
    writer.close();
    const cancelled = signal.aborted;
    if (!cancelled) progress.phase = "done";
    const summary: IndexSummary = { ...this.#snapshot(started), cancelled, removed: gone.length, invalidated };
    this.options.onProgress?.(summary);
    return summary;
  }

  #snapshot(started: number): IndexProgress {
    const p = this.#progress;
    const elapsedMs = Date.now() - started;
    const asked = p.indexed + p.failed;
    const rate = elapsedMs > 0 ? (asked * 1000) / elapsedMs : 0;
    const left = p.total - p.done;
    return { ...p, elapsedMs, rate, etaMs: rate > 0 ? Math.round((left / rate) * 1000) : left === 0 ? 0 : null };
  }

  /** A server's version or configuration changed since its rows were written: drop them (once per key). */
  #checkFingerprint(serverId: string, fingerprint: string): number {
    if (this.#checkedFingerprints.get(serverId) === fingerprint) return 0;
    this.#checkedFingerprints.set(serverId, fingerprint);
    return this.store.invalidateFingerprint(serverId, fingerprint);
  }

  /** Whether a record needs no new answer while its file and server stay the same. */
  #upToDate(record: FileRecord): boolean {
    return record.status !== "failed" || record.attempts >= this.#options.maxAttempts;
  }

  /**
   * One file: stat, then read (refusing what is not source text) and hash, then the server,
   * then a second stat so an edit that raced the request is not stored under the old content
   * (it is retried instead).
   */
  async #indexFile(path: string, abs: string, fingerprint: string, known: FileRecord | undefined, signal: AbortSignal): Promise<FileOutcome> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (signal.aborted) return { kind: "cancelled" };
      const st = await stat(abs).catch(() => undefined);
      if (!st) return { kind: "skipped", write: { type: "remove", path } };
      const sameStat = known !== undefined && known.size === st.size && known.mtimeMs === st.mtimeMs && known.fingerprint === fingerprint;
      if (sameStat && this.#upToDate(known)) return { kind: "skipped" };
      const read = await readSourceText(abs);
      if (!read.ok) {
        if (read.reason === "not_found") return { kind: "skipped", write: { type: "remove", path } };
        const seen = { size: read.size ?? st.size, mtimeMs: read.mtimeMs ?? st.mtimeMs };
        if (read.reason === "unreadable") return this.#failure(path, seen, null, fingerprint, `it ${read.detail}`);
        return {
          kind: "excluded",
          write: { type: "failure", status: "excluded", record: { path, language: languageOf(path), ...seen, hash: null, fingerprint, error: `it ${read.detail}` } },
        };
      }
      const before = { size: read.size, mtimeMs: read.mtimeMs };
      const hash = createHash("sha1").update(read.bytes).digest("base64url");
      if (known && known.hash === hash && known.fingerprint === fingerprint && (known.status === "ok" || known.status === "empty")) {
        return { kind: "skipped", write: { type: "touch", path, size: before.size, mtimeMs: before.mtimeMs } };
      }
      let tree;
      try {
        tree = await this.#source.documentSymbols(abs, signal);
      } catch (err) {
        if (signal.aborted) return { kind: "cancelled" };
        const failure = this.#failure(path, before, hash, fingerprint, (err as Error).message ?? String(err));
        return { ...failure, retryable: (err as { code?: unknown }).code === "indexing" };
      }
      const after = await stat(abs).catch(() => undefined);
      if (!after) return { kind: "skipped", write: { type: "remove", path } };
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) continue; // edited meanwhile: again
      const symbols = flattenSymbols(tree, read.text);
      return {
        kind: symbols.length > 0 ? "indexed" : "empty",
        symbols: symbols.length,
        write: { type: "symbols", record: { path, language: languageOf(path), size: before.size, mtimeMs: before.mtimeMs, hash, fingerprint }, symbols },
      };
    }
    return { kind: "skipped" }; // kept changing: the watcher brings it back once it settles
  }

  #failure(path: string, st: { size: number; mtimeMs: number }, hash: string | null, fingerprint: string, error: string): FileOutcome & { kind: "failed" } {
    return {
      kind: "failed",
      write: { type: "failure", status: "failed", record: { path, language: languageOf(path), size: st.size, mtimeMs: st.mtimeMs, hash, fingerprint, error: error.slice(0, 500) } },
    };
  }

  // ---- watcher changes ---------------------------------------------------------------

  async #applyChanges(): Promise<void> {
    this.#changeTimer = undefined;
    const changes = this.#pendingChanges;
    this.#pendingChanges = new Map();
    if (changes.size === 0 || this.#closed.signal.aborted) return;
    const root = this.store.root;
    const removals: FileWrite[] = [];
    const targets: { path: string; abs: string; serverId: string; fingerprint: string }[] = [];
    const fingerprints = new FingerprintCache(this.#source);
    const addTarget = (path: string) => {
      if (isNoise(path)) return;
      const abs = join(root, path);
      const fp = fingerprints.get(abs);
      if (!fp) return;
      this.#checkFingerprint(fp.serverId, fp.key);
      targets.push({ path, abs, serverId: fp.serverId, fingerprint: fp.key });
    };
    let listed: string[] | undefined;
    for (const [path, kind] of changes) {
      if (kind === "unlink") removals.push({ type: "remove", path });
      else if (kind === "unlinkDir") removals.push({ type: "removeDir", dir: path });
      else if (kind === "addDir") {
        listed ??= this.#files.paths();
        const prefix = path.replace(/\/+$/, "") + "/";
        for (const p of listed) if (p.startsWith(prefix) && !changes.has(p)) addTarget(p);
      } else addTarget(path);
    }
    const writer = new BatchWriter(this.store, this.#options.batchSize, this.#options.flushMs);
    for (const r of removals) writer.add(r);
    const byServer = new Map<string, typeof targets>();
    for (const t of targets) byServer.set(t.serverId, [...(byServer.get(t.serverId) ?? []), t]);
    const signal = this.#closed.signal;
    await Promise.all(
      [...byServer.values()].flatMap((queue) =>
        Array.from({ length: this.#options.concurrencyPerServer }, async () => {
          while (queue.length > 0 && !signal.aborted) {
            const t = queue.shift()!;
            // A watcher event means the content may have changed: ignore the stored stat.
            const known = this.store.getFile(t.path);
            const outcome = await this.#indexFile(t.path, t.abs, t.fingerprint, known ? { ...known, mtimeMs: -1 } : undefined, signal);
            if (outcome.write) writer.add(outcome.write);
          }
        }),
      ),
    );
    writer.flush();
    writer.close();
  }

  #warn(message: string): void {
    (this.options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`)))(message);
  }
}

type FileOutcome =
  | { kind: "indexed" | "empty"; symbols: number; write: FileWrite }
  | { kind: "failed"; write: FileWrite; retryable?: boolean }
  | { kind: "skipped"; write?: FileWrite }
  | { kind: "excluded"; write: FileWrite }
  | { kind: "cancelled"; write?: undefined };

/** Collects writes and commits them in batches: by count, and at least every flushMs. */
class BatchWriter {
  #batch: FileWrite[] = [];
  #timer: NodeJS.Timeout;
  constructor(
    private readonly store: SymbolStore,
    private readonly size: number,
    flushMs: number,
  ) {
    this.#timer = setInterval(() => this.flush(), flushMs);
    this.#timer.unref();
  }
  add(w: FileWrite): void {
    this.#batch.push(w);
    if (this.#batch.length >= this.size) this.flush();
  }
  flush(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    this.#batch = [];
    this.store.write(batch);
  }
  close(): void {
    clearInterval(this.#timer);
  }
}

/** Fingerprints depend on the server, which depends on the extension: one lookup per extension. */
class FingerprintCache {
  readonly #byExt = new Map<string, { serverId: string; key: string } | null>();
  constructor(private readonly source: SymbolSource) {}
  get(abs: string): { serverId: string; key: string } | null {
    const ext = extname(abs).toLowerCase();
    let fp = this.#byExt.get(ext);
    if (fp === undefined) {
      const raw = this.source.fingerprint(abs);
      fp = raw ? { serverId: raw.serverId, key: fingerprintKey(raw) } : null;
      this.#byExt.set(ext, fp);
    }
    return fp;
  }
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function emptyProgress(phase: IndexProgress["phase"]): IndexProgress {
  return { phase, done: 0, total: 0, indexed: 0, skipped: 0, failed: 0, empty: 0, excluded: 0, symbols: 0, rate: 0, etaMs: null, elapsedMs: 0 };
}

function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  return () => {
    const now = Date.now();
    if (now - last >= ms) {
      last = now;
      fn();
    }
  };
}

/**
 * Files a server would answer for but whose "symbols" only drown real ones: lockfiles (every
 * dependency becomes a key) and minified bundles.
 */
export function isNoise(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  return lockfiles.has(base) || /\.min\.(js|css|mjs)$/.test(base) || /\.(js|css)\.map$/.test(base);
}

const lockfiles = new Set(["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "composer.lock", "Cargo.lock", "Gemfile.lock", "poetry.lock", "Pipfile.lock", "uv.lock", "flake.lock", "deno.lock"]);

function languageOf(path: string): string | null {
  const ext = extname(path).slice(1).toLowerCase();
  return ext || null;
}
