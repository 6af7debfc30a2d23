// Fills and refreshes one root's symbol cache: tree-sitter first, then the language servers.
//
//   const indexer = new SymbolIndexer({ store, source: pool, syntax: syntaxPool, files: rootIndex, onProgress });
//   const summary = await indexer.run(signal);   // a full pass: resumable, skips what is unchanged
//   const stop = indexer.watch();                // re-index changed files, drop deleted ones
//
// Three tiers. Where Universal Ctags is installed, it tags every new file first (names, kinds,
// lines; over 1,000 kernel files/s), so search answers within seconds of start; the syntactic
// pass then parses every file a grammar reads (any language, server or not) in the syntax
// pool's workers, batch by batch, replacing each file's ctags rows with exact ranges and
// containers; then the LSP pass asks each file's server, whose answer replaces the file's syntax
// symbols (the server is the precise one; its failure leaves them in place). Without ctags (not
// on PATH, CODEINTEL_CTAGS=off) tree-sitter alone, and the progress says why. A file edited on
// disk: a new parse at once, the server after.
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
import type { StoreBackend } from "./store-backend.js";
import type { FileWrite } from "./store-rows.js";
import { fingerprintKey, type FileListChange, type FileListSource, type SymbolSource, type SyntaxSource } from "./symbol-source.js";
import type { FileRecord } from "./types.js";
import type { SyntaxFileResult } from "../syntax/parse-files.js";
import { shortfallOf } from "../lsp/server-shortfall.js";
import type { CtagsProgress, IndexProgress, IndexSummary, MissingServer, ServerFailure, SyntaxProgress } from "../protocol/index.js";
export type { CtagsProgress, IndexProgress, IndexSummary, MissingServer, ServerFailure, SyntaxProgress } from "../protocol/index.js";


export interface IndexerOptions {
  store: StoreBackend;
  source: SymbolSource;
  /** The syntactic tier; without it only the language servers fill the cache. */
  syntax?: SyntaxSource;
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
   * Which files' servers a pass may ask (lsp-interest.ts: the servers clients asked about, and
   * those codeintel.json names); the others keep their ctags/syntax rows, counted as deferred.
   * Absent, or a run with `allServers` (`codeintel index`): every server.
   */
  lspWanted?: (serverId: string, path: string) => boolean;
  /**
   * Check every page of the database when a pass starts (PRAGMA quick_check) and rebuild it if
   * damaged. It blocks for about 3 s per 300 MB (1M symbols), so `codeintel index` does it and a
   * service answering queries does not: there, damage is found by the query that reads it.
   */
  verify?: boolean;
}

export class SymbolIndexer {
  readonly store: StoreBackend;
  readonly #source: SymbolSource;
  readonly #syntax: SyntaxSource | undefined;
  readonly #files: FileListSource;
  readonly #options: Required<Pick<IndexerOptions, "concurrencyPerServer" | "batchSize" | "flushMs" | "maxAttempts" | "debounceMs" | "progressIntervalMs">>;
  #progress: IndexProgress = emptyProgress("planning");
  /** The store generation a full pass last finished in (a rebuilt database is not complete). */
  #completeGeneration: number | undefined;
  /** The store generation a pass's syntactic stage last finished in. */
  #syntaxGeneration: number | undefined;
  /** The store generation a pass's ctags stage last finished in (every new file has ctags rows). */
  #ctagsGeneration: number | undefined;
  #lspStarted = 0;
  #running: Promise<IndexSummary> | undefined;
  /** A syntactic-only pass in flight (syntaxReady() starts one when no pass runs). */
  #syntaxRunning: Promise<IndexSummary | undefined> | undefined;
  #syntaxWaiters: (() => void)[] = [];
  #pendingChanges = new Map<string, FileListChange["kind"]>();
  #changeTimer: NodeJS.Timeout | undefined;
  #changeWork: Promise<void> = Promise.resolve();
  #closed = new AbortController();
  readonly #checkedFingerprints = new Map<string, string>();
  /** Servers the last pass did not ask (lspWanted said no). */
  #deferredServers = new Set<string>();

  constructor(private readonly options: IndexerOptions) {
    this.store = options.store;
    this.#source = options.source;
    this.#syntax = options.syntax;
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

  /**
   * True once the syntactic stage of a pass finished into the database as it is now: every file
   * a grammar reads has symbols, approximate where no server has answered yet.
   */
  get syntaxComplete(): boolean {
    return this.#syntax !== undefined && this.#syntaxGeneration === this.store.generation;
  }

  /**
   * True once a fast tier covers the root in the database as it is now: the ctags stage or the
   * syntactic stage finished. Search answers from the cache from then on.
   */
  get approximateComplete(): boolean {
    return this.syntaxComplete || (this.#syntax !== undefined && this.#ctagsGeneration === this.store.generation);
  }

  /** Whether the last pass left files of this server unasked (no client had asked about it). */
  deferredServer(serverId: string): boolean {
    return this.#deferredServers.has(serverId);
  }

  /** Whether this indexer has a syntactic tier. */
  get hasSyntax(): boolean {
    return this.#syntax !== undefined;
  }

  get progress(): IndexProgress {
    const p = this.#progress;
    return { ...p, syntax: { ...p.syntax }, ...(p.ctags ? { ctags: { ...p.ctags } } : {}), missingServers: p.missingServers.map((m) => ({ ...m })), serverFailures: p.serverFailures.map((f) => ({ ...f })) };
  }

  /** True while a syntactic-only pass runs (a full pass waits for it). */
  get syntaxRunning(): boolean {
    return this.#syntaxRunning !== undefined;
  }

  /** True while a full pass runs (a run() now joins it, and stops only with the signal it started with). */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /**
   * A full pass over the root's file list. Concurrent calls share one pass (after a syntactic-only
   * one in flight). `allServers`: ask every file's server, whatever lspWanted says (explicit index).
   */
  run(signal?: AbortSignal, options: { allServers?: boolean } = {}): Promise<IndexSummary> {
    this.#running ??= (async () => {
      await this.#syntaxRunning?.catch(() => undefined);
      return this.#pass(signal, options.allServers ?? false);
    })().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * Resolves true once the syntactic tier covers the root (every file a grammar reads parsed as
   * it is now listed), starting a syntactic-only pass when no pass runs, or joining the stage
   * of the pass in flight; false when `waitMs` passes first (or there is no syntactic tier):
   * the ctags tier has then usually covered it (approximateComplete), lines only.
   * The pass goes on when the wait ends; a caller answers from what is there, saying so.
   */
  async syntaxReady(waitMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.#syntax || this.#closed.signal.aborted) return false;
    if (this.syntaxComplete) return true;
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const waiting = new Promise<void>((resolve) => {
      this.#syntaxWaiters.push(resolve);
      timer = setTimeout(resolve, waitMs);
      onAbort = resolve;
      signal?.addEventListener("abort", onAbort, { once: true });
    });
    if (!this.#running && !this.#syntaxRunning) {
      this.#syntaxRunning = this.#passOnce(undefined, true)
        .catch((err: unknown) => {
          this.#warn(`the syntactic pass stopped: ${(err as Error).message}`);
          return undefined;
        })
        .finally(() => {
          this.#syntaxRunning = undefined;
          this.#syntaxStageDone();
        });
    }
    try {
      await waiting;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    }
    return this.syntaxComplete;
  }

  #syntaxStageDone(): void {
    const waiters = this.#syntaxWaiters;
    this.#syntaxWaiters = [];
    for (const w of waiters) w();
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
    this.#syntaxStageDone();
    await Promise.allSettled([this.#running, this.#syntaxRunning, this.#changeWork]);
  }

  // ---- full pass -------------------------------------------------------------------

  /**
   * Verifies the database first when asked to (damaged pages an unchanged pass would never
   * read), then passes over the root; when the database had to be rebuilt midway, what the pass
   * wrote before is gone and its view of what was known is stale, so it passes again.
   */
  async #pass(outer: AbortSignal | undefined, allServers: boolean): Promise<IndexSummary> {
    if (this.options.verify) await this.store.verify();
    for (let round = 1; ; round++) {
      const generation = this.store.generation;
      const summary = await this.#passOnce(outer, false, allServers);
      if (summary.cancelled) return summary;
      if (this.store.generation === generation) {
        this.#completeGeneration = generation;
        await this.store.setMeta("last_full_pass", new Date().toISOString());
        return summary;
      }
      if (round >= 3) throw new Error(`the symbol cache ${this.store.location} kept failing while being rebuilt`);
    }
  }

  async #passOnce(outer?: AbortSignal, syntaxOnly = false, allServers = false): Promise<IndexSummary> {
    const signal = outer ? AbortSignal.any([outer, this.#closed.signal]) : this.#closed.signal;
    // Every request in flight (a few per server, several servers) listens on this one signal.
    setMaxListeners(0, signal);
    const started = Date.now();
    this.#progress = emptyProgress("planning");
    const root = this.store.root;
    await this.#files.ready;
    const listed = this.#files.paths();
    const fingerprints = new FingerprintCache(this.#source);
    const indexable: { path: string; abs: string; serverId: string; fingerprint: string }[] = [];
    const parseable: SyntaxTarget[] = [];
    const wanted = new Set<string>();
    const missing = new Map<string, MissingServer>();
    const wantedServer = allServers ? undefined : this.options.lspWanted;
    let deferred = 0;
    const deferredServers = new Set<string>();
    let invalidated = 0;
    for (const path of listed) {
      if (isNoise(path)) continue;
      const abs = join(root, path);
      const fp = fingerprints.get(abs);
      if (this.#syntax?.languageOf(path)) parseable.push({ path, abs, fingerprint: fp && !fp.notInstalled ? fp.key : null });
      if (fp) {
        invalidated += await this.#checkFingerprint(fp.serverId, fp.key);
        // A server that is not installed is not asked: its files keep the syntax tier until it is
        // (its fingerprint, and so this decision, changes then). Counted once per server.
        if (fp.notInstalled) {
          const m = missing.get(fp.serverId) ?? { serverId: fp.serverId, files: 0, reason: fp.notInstalled };
          m.files++;
          missing.set(fp.serverId, m);
        } else if (wantedServer && !wantedServer(fp.serverId, path)) {
          deferred++;
          deferredServers.add(fp.serverId);
        } else indexable.push({ path, abs, serverId: fp.serverId, fingerprint: fp.key });
      }
      if (fp || this.#syntax?.languageOf(path)) wanted.add(path);
    }
    // Files the cache knows that are gone from the list (deleted or now ignored while we were away).
    const gone: FileWrite[] = [];
    for (const path of (await this.store.allFiles()).keys()) if (!wanted.has(path)) gone.push({ type: "remove", path });
    await this.store.write(gone);

    const progress = this.#progress;
    progress.phase = "indexing";
    progress.total = indexable.length;
    progress.syntax.total = parseable.length;
    progress.files = wanted.size;
    progress.missingServers = [...missing.values()];
    progress.syntaxOnly = progress.missingServers.reduce((n, m) => n + m.files, 0);
    progress.deferred = deferred;
    progress.deferredServers = [...deferredServers].sort();
    this.#deferredServers = deferredServers;
    const report = throttle(() => this.options.onProgress?.(this.#snapshot(started)), this.#options.progressIntervalMs, () => (progress.syntax.done + progress.done) / Math.max(1, progress.syntax.total + progress.total));
    if (this.#syntax) {
      const generation = this.store.generation;
      await this.#syntaxPass(parseable, signal, report, generation);
      if (!signal.aborted && this.store.generation === generation) this.#syntaxGeneration = generation;
      this.#syntaxStageDone();
    }
    if (!signal.aborted) await this.store.setMeta("missing_servers", JSON.stringify(progress.missingServers));
    if (syntaxOnly) {
      const cancelled = signal.aborted;
      if (!cancelled) progress.phase = "done";
      const summary: IndexSummary = { ...this.#snapshot(started), cancelled, removed: gone.length, invalidated };
      this.options.onProgress?.(summary);
      return summary;
    }
    progress.tier = "lsp";
    this.#lspStarted = Date.now();
    // Read after the syntactic pass: the LSP pass compares against what it just wrote.
    const known = await this.store.allFiles();
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
            // queue (twice at most) rather than recording a failure it would not deserve; a
            // timeout (a loaded machine) gets one more try too.
            const tries = outcome.kind === "failed" ? (outcome.retryable === "timeout" ? 1 : outcome.retryable ? 2 : 0) : 0;
            if (outcome.kind === "failed" && (retries.get(f.path) ?? 0) < tries && !signal.aborted) {
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
            } else if (outcome.kind === "keptSyntax") {
              progress.indexed++;
              progress.empty++;
              progress.keptSyntax++;
            } else if (outcome.kind === "failed") {
              progress.failed++;
              if (outcome.error !== undefined) noteFailure(progress.serverFailures, f.serverId, outcome.error);
            }
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
    await writer.close();
    const cancelled = signal.aborted;
    if (!cancelled) progress.phase = "done";
    const summary: IndexSummary = { ...this.#snapshot(started), cancelled, removed: gone.length, invalidated };
    this.options.onProgress?.(summary);
    return summary;
  }

  #snapshot(started: number): IndexProgress {
    const p = this.#progress;
    const now = Date.now();
    const elapsedMs = now - started;
    const lspMs = p.tier === "lsp" ? now - this.#lspStarted : 0;
    const asked = p.indexed + p.failed;
    const rate = lspMs > 0 ? (asked * 1000) / lspMs : 0;
    const left = p.total - p.done;
    return { ...p, syntax: { ...p.syntax }, ...(p.ctags ? { ctags: { ...p.ctags } } : {}), missingServers: p.missingServers.map((m) => ({ ...m })), serverFailures: p.serverFailures.map((f) => ({ ...f })), elapsedMs, rate, etaMs: rate > 0 ? Math.round((left / rate) * 1000) : left === 0 ? 0 : null };
  }

  // ---- syntactic tier ---------------------------------------------------------------

  /**
   * Parses the files whose stat differs from what the cache holds, in the syntax pool, writing
   * each batch as it completes (search answers from the first one on). A failure of the pool
   * is a warning: the LSP pass still runs.
   */
  async #syntaxPass(targets: SyntaxTarget[], signal: AbortSignal, report: () => void, generation: number): Promise<void> {
    const p = this.#progress.syntax;
    const known = await this.store.allFiles();
    const todo: SyntaxTarget[] = [];
    await forEachLimited(targets, 32, async (t) => {
      const record = known.get(t.path);
      if (record && holdsSyntaxOrBetter(record)) {
        const st = await stat(t.abs).catch(() => undefined);
        if (st && st.size === record.size && st.mtimeMs === record.mtimeMs) {
          p.skipped++;
          p.done++;
          return;
        }
      }
      todo.push(t);
    });
    report();
    // ctags first, for files that hold no symbols yet or only ctags' (a file the server answered
    // keeps those until tree-sitter has the new content: ctags would only make it less precise).
    await this.#ctagsPass(todo.filter((t) => known.get(t.path)?.tier !== "lsp" && known.get(t.path)?.tier !== "syntax"), signal, report);
    if (!signal.aborted && this.store.generation === generation) this.#ctagsGeneration = generation;
    const started = Date.now();
    await this.#parse(todo, (path) => known.get(path), signal, () => {
      p.elapsedMs = Date.now() - started;
      p.rate = p.elapsedMs > 0 ? (p.parsed * 1000) / p.elapsedMs : 0;
      report();
    });
    p.elapsedMs = Date.now() - started;
  }

  /**
   * Tags `targets` with Universal Ctags, writing each process's batch in one transaction (rows
   * with source "ctags", left out of the trigram index). Without ctags, records why; a batch
   * that lost files says so once; nothing here fails the pass.
   */
  async #ctagsPass(targets: SyntaxTarget[], signal: AbortSignal, report: () => void): Promise<void> {
    const c = this.#progress.ctags!;
    const ctags = this.#syntax?.ctags;
    if (!ctags) {
      c.reason = "no ctags tier in this indexer";
      return;
    }
    const available = await ctags.availability().catch((err: unknown) => ({ ok: false as const, reason: `ctags could not be checked: ${(err as Error).message}` }));
    if (!available.ok) {
      c.reason = available.reason;
      return;
    }
    c.used = true;
    if (targets.length === 0) return;
    c.total = targets.length;
    const started = Date.now();
    let warned = false;
    const writes = new WriteTracker(this.store);
    try {
      await ctags.tag(this.store.root, targets.map((t) => t.path), {
        signal,
        onProblem: (message) => {
          if (!warned) this.#warn(message);
          warned = true;
        },
        onBatch: (results) => {
          if (signal.aborted) return;
          const batch: FileWrite[] = [];
          for (const r of results) {
            batch.push({ type: "symbols", tier: "ctags", record: { path: r.path, language: languageOf(r.path), size: r.size, mtimeMs: r.mtimeMs, hash: null, fingerprint: null }, symbols: r.symbols });
            c.symbols += r.symbols.length;
          }
          writes.add(batch);
          c.tagged += results.length;
          c.elapsedMs = Date.now() - started;
          c.rate = c.elapsedMs > 0 ? (c.tagged * 1000) / c.elapsedMs : 0;
          report();
        },
      });
      await writes.settled();
    } catch (err) {
      if (!signal.aborted) this.#warn(`the ctags pass stopped (tree-sitter still parses every file): ${(err as Error).message}`);
    }
    c.elapsedMs = Date.now() - started;
    c.rate = c.elapsedMs > 0 ? (c.tagged * 1000) / c.elapsedMs : 0;
  }

  /** Parses `targets` and writes each batch at once; counts into this pass's syntax progress. */
  async #parse(targets: SyntaxTarget[], knownOf: (path: string) => FileRecord | undefined, signal: AbortSignal, onBatch: () => void): Promise<void> {
    if (!this.#syntax || targets.length === 0) return;
    const p = this.#progress.syntax;
    const byPath = new Map(targets.map((t) => [t.path, t]));
    let stopped = false;
    const writes = new WriteTracker(this.store);
    try {
      await this.#syntax.parse(this.store.root, targets.map((t) => t.path), {
        signal,
        onBatch: (results) => {
          if (stopped) return;
          const batch: FileWrite[] = [];
          for (const r of results) {
            const w = syntaxWrite(r, knownOf(r.path), byPath.get(r.path)?.fingerprint ?? null);
            if (w.write) batch.push(w.write);
            p[w.counts]++;
            p.done++;
            if (w.counts === "parsed") p.symbols += w.symbols;
          }
          writes.add(batch);
          onBatch();
        },
      });
      await writes.settled();
    } catch (err) {
      if (!signal.aborted) this.#warn(`the syntactic pass stopped (the language servers still run): ${(err as Error).message}`);
    } finally {
      stopped = true;
    }
  }

  /** A server's version or configuration changed since its rows were written: drop them (once per key). */
  async #checkFingerprint(serverId: string, fingerprint: string): Promise<number> {
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
      const read = await readSourceText(abs, [this.store.root]);
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
        // The file's syntax symbols describe this very content: they stay until the server answers.
        if (known?.tier === "syntax" && known.hash === hash && failure.write.type === "failure") failure.write.keepSyntax = true;
        const code = (err as { code?: unknown }).code;
        return { ...failure, retryable: code === "indexing" ? true : code === "timeout" ? "timeout" : false, error: err };
      }
      const after = await stat(abs).catch(() => undefined);
      if (!after) return { kind: "skipped", write: { type: "remove", path } };
      if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) continue; // edited meanwhile: again
      const symbols = flattenSymbols(tree, read.text);
      // A server's empty answer does not erase what the syntax tier found in this very content
      // (pyright answers none for a module starting `assert sys.platform == "win32"`): the
      // syntax symbols stay, labelled by their source, with the server's empty answer recorded.
      if (symbols.length === 0 && known?.tier === "syntax" && known.hash === hash && known.symbolCount > 0) {
        const server = fingerprint.slice(0, fingerprint.indexOf("@"));
        const error = `${server} answered no symbols for this content (it may take the code for unreachable); the syntax tier's ${known.symbolCount} symbols are kept`;
        return {
          kind: "keptSyntax",
          write: { type: "failure", status: "empty", keepSyntax: true, record: { path, language: languageOf(path), size: before.size, mtimeMs: before.mtimeMs, hash, fingerprint, error } },
        };
      }
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
    const parseable: SyntaxTarget[] = [];
    const fingerprints = new FingerprintCache(this.#source);
    const addTarget = (path: string) => {
      if (isNoise(path)) return;
      const abs = join(root, path);
      const fp = fingerprints.get(abs);
      if (this.#syntax?.languageOf(path)) parseable.push({ path, abs, fingerprint: fp && !fp.notInstalled ? fp.key : null });
      if (!fp || fp.notInstalled) return;
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
    await this.store.write(removals);
    // The new parse first and written at once (milliseconds); the server's answer follows.
    const knownNow = new Map<string, FileRecord | undefined>();
    for (const t of parseable) knownNow.set(t.path, await this.store.getFile(t.path));
    await this.#parse(parseable, (path) => knownNow.get(path), this.#closed.signal, () => {});
    const writer = new BatchWriter(this.store, this.#options.batchSize, this.#options.flushMs);
    const byServer = new Map<string, typeof targets>();
    for (const t of targets) byServer.set(t.serverId, [...(byServer.get(t.serverId) ?? []), t]);
    const signal = this.#closed.signal;
    await Promise.all(
      [...byServer.values()].flatMap((queue) =>
        Array.from({ length: this.#options.concurrencyPerServer }, async () => {
          while (queue.length > 0 && !signal.aborted) {
            const t = queue.shift()!;
            // A watcher event means the content may have changed: ignore the stored stat.
            const known = await this.store.getFile(t.path);
            const outcome = await this.#indexFile(t.path, t.abs, t.fingerprint, known ? { ...known, mtimeMs: -1 } : undefined, signal);
            if (outcome.write) writer.add(outcome.write);
          }
        }),
      ),
    );
    writer.flush();
    await writer.close();
  }

  #warn(message: string): void {
    (this.options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`)))(message);
  }
}

/** A file for the syntactic tier, with its server's fingerprint (null: no server reads it). */
interface SyntaxTarget {
  path: string;
  abs: string;
  fingerprint: string | null;
}

/**
 * Whether a record's symbols need no new parse while the file's stat is unchanged: it holds the
 * syntax tier's answer (or the parser's failure), the server's, or an exclusion. A server's
 * failure without syntax symbols is parsed again.
 */
function holdsSyntaxOrBetter(record: FileRecord): boolean {
  if (record.tier === "ctags") return false; // tree-sitter has not refined it yet
  return record.tier === "syntax" || record.status !== "failed";
}

/**
 * What one parse result writes. A file whose server already answered for this very content
 * (same hash, same server fingerprint) keeps the server's symbols: only its stat is updated.
 */
function syntaxWrite(r: SyntaxFileResult, known: FileRecord | undefined, fingerprint: string | null): { write?: FileWrite; counts: "parsed" | "skipped" | "failed" | "excluded"; symbols: number } {
  const language = languageOf(r.path);
  if (r.status === "unsupported") return { counts: "skipped", symbols: 0 };
  if (r.status === "ok") {
    if (known && known.tier === "lsp" && known.hash === r.hash && known.fingerprint === fingerprint && fingerprint !== null && (known.status === "ok" || known.status === "empty")) {
      return { write: { type: "touch", path: r.path, size: r.size, mtimeMs: r.mtimeMs }, counts: "skipped", symbols: 0 };
    }
    const record = { path: r.path, language, size: r.size, mtimeMs: r.mtimeMs, hash: r.hash, fingerprint: null };
    return { write: { type: "symbols", tier: "syntax", record, symbols: r.symbols }, counts: "parsed", symbols: r.symbols.length };
  }
  if (r.status === "excluded" && r.reason === "not_found") return { write: { type: "remove", path: r.path }, counts: "skipped", symbols: 0 };
  const excluded = r.status === "excluded" && r.reason !== "unreadable";
  const record = { path: r.path, language, size: (r.status === "excluded" ? r.size : undefined) ?? 0, mtimeMs: (r.status === "excluded" ? r.mtimeMs : undefined) ?? 0, hash: null, fingerprint: null, error: r.error.slice(0, 500) };
  return { write: { type: "failure", tier: "syntax", status: excluded ? "excluded" : "failed", record }, counts: excluded ? "excluded" : "failed", symbols: 0 };
}

type FileOutcome =
  | { kind: "indexed" | "empty"; symbols: number; write: FileWrite }
  | { kind: "keptSyntax"; write: FileWrite }
  /** retryable: true while the server is loading (twice), "timeout" once. */
  | { kind: "failed"; write: FileWrite; retryable?: boolean | "timeout"; error?: unknown }
  | { kind: "skipped"; write?: FileWrite }
  | { kind: "excluded"; write: FileWrite }
  | { kind: "cancelled"; write?: undefined };

/** Collects writes and commits them in batches: by count, and at least every flushMs. */
class BatchWriter {
  #batch: FileWrite[] = [];
  #timer: NodeJS.Timeout;
  readonly #writes: WriteTracker;
  constructor(
    store: StoreBackend,
    private readonly size: number,
    flushMs: number,
  ) {
    this.#writes = new WriteTracker(store);
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
    this.#writes.add(batch);
  }
  /** Stops the timer and waits for the writes in flight; throws the first that failed. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#writes.settled();
  }
}

/**
 * Writes issued from callbacks that cannot wait (a parser's or a timer's): SQLite's happen at
 * once (and throw at once, as before); an asynchronous store's are awaited by settled(), which
 * throws the first failure. The store applies batches in the order they were given.
 */
class WriteTracker {
  readonly #pending = new Set<Promise<void>>();
  #failure: unknown;
  constructor(private readonly store: StoreBackend) {}
  add(batch: readonly FileWrite[]): void {
    const done = this.store.write(batch);
    if (!(done instanceof Promise)) return;
    const tracked: Promise<void> = done.catch((err: unknown) => {
      this.#failure ??= err;
    }).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
    if (this.#failure !== undefined) throw this.#failure;
  }
}

/** Fingerprints depend on the server, which depends on the extension: one lookup per extension. */
class FingerprintCache {
  readonly #byExt = new Map<string, { serverId: string; key: string; notInstalled?: string } | null>();
  constructor(private readonly source: SymbolSource) {}
  get(abs: string): { serverId: string; key: string; notInstalled?: string } | null {
    const ext = extname(abs).toLowerCase();
    let fp = this.#byExt.get(ext);
    if (fp === undefined) {
      const raw = this.source.fingerprint(abs);
      fp = raw ? { serverId: raw.serverId, key: fingerprintKey(raw), ...(raw.notInstalled ? { notInstalled: raw.notInstalled } : {}) } : null;
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
  const syntax: SyntaxProgress = { done: 0, total: 0, parsed: 0, skipped: 0, failed: 0, excluded: 0, symbols: 0, elapsedMs: 0, rate: 0 };
  const ctags: CtagsProgress = { used: false, reason: null, total: 0, tagged: 0, symbols: 0, elapsedMs: 0, rate: 0 };
  return { phase, tier: "syntax", files: 0, syntax, ctags, done: 0, total: 0, indexed: 0, skipped: 0, failed: 0, empty: 0, excluded: 0, syntaxOnly: 0, missingServers: [], keptSyntax: 0, serverFailures: [], symbols: 0, rate: 0, etaMs: null, elapsedMs: 0 };
}

/** Counts a failure under its server, keeping the first reason (a timeout or broken mark wins over others: it says what to do). */
function noteFailure(list: ServerFailure[], serverId: string, err: unknown): void {
  const s = shortfallOf(serverId, err);
  const known = list.find((f) => f.serverId === serverId);
  if (!known) list.push({ serverId, files: 1, why: s.why, reason: s.detail });
  else {
    known.files++;
    if (known.why === "failed" && s.why !== "failed") Object.assign(known, { why: s.why, reason: s.detail });
  }
}

/**
 * Calls `fn` at most every `ms`, and also whenever the pass has moved another 5 % since the last
 * call: a pass that finishes inside one interval still reports its steps (a progress bar moves,
 * and a caller can cancel it midway on any machine).
 */
function throttle(fn: () => void, ms: number, fraction: () => number): () => void {
  let last = 0;
  let lastFraction = 0;
  return () => {
    const now = Date.now();
    const f = fraction();
    if (now - last >= ms || f - lastFraction >= 0.05) {
      last = now;
      lastFraction = f;
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
