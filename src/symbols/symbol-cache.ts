// One root's symbol cache as the rest of codeintel uses it: the store, its indexer, the
// watcher binding, and answers that say how complete they are. While the cache is cold (no
// full pass ever finished), a workspace search also asks the live servers and says so, unless
// a syntactic tier fills the cache (then its approximate symbols answer at once).
//
//   const cache = SymbolCache.open({ root, source: pool, files: rootIndex });
//   cache.start();                                       // background pass + watcher
//   const answer = await cache.search({ query: "gus", kinds: [12] }, signal);
//   const doc = await cache.documentSymbols("src/a.ts"); // fresh cached symbols, or why not
//   await cache.close();
import { statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { type IndexProgress, type IndexSummary, type MissingServer, SymbolIndexer } from "./indexer.js";
import { PostgresSymbolStore } from "./postgres-store.js";
import type { StoreBackend } from "./store-backend.js";
import { SymbolStore } from "./store.js";
import { matchesPathFilter } from "./query.js";
import { fingerprintKey, type FileListSource, type SymbolSource, type SyntaxSource } from "./symbol-source.js";
import type { FileStatus, FlatSymbol, SymbolHit, SymbolQuery } from "./types.js";
import { DEFAULT_LIMIT } from "../workspace/limits.js";

export interface SymbolCacheOptions {
  root: string;
  source: SymbolSource;
  /** The syntactic tier (tree-sitter); without it only the language servers fill the cache. */
  syntax?: SyntaxSource;
  files: FileListSource;
  cacheDir?: string;
  dbPath?: string;
  /** A PostgreSQL URL (postgres://…, postgresql:///db?host=/dir): the shared store instead of the root's SQLite file. */
  storeUrl?: string;
  concurrencyPerServer?: number;
  /** See IndexerOptions.verify. */
  verify?: boolean;
  onProgress?: (p: IndexProgress) => void;
  onWarning?: (message: string) => void;
  /**
   * How long a search on a root no full pass has covered waits for the syntactic tier to cover
   * it (starting a syntactic-only pass when none runs) before answering from what is there
   * (default 5 s, the first-answer budget). The syntactic pass takes seconds where a cold server takes far longer.
   */
  syntaxWaitMs?: number;
  /** See IndexerOptions.lspWanted: the servers the background pass may start. */
  lspWanted?: (serverId: string, path: string) => boolean;
}

export interface SymbolSearchAnswer {
  hits: SymbolHit[];
  truncated: boolean;
  /** Matches ranked (query.ts), live hits included: the same for every page of a complete cache. */
  total: number;
  /** `total` is a lower bound. */
  totalAtLeast: boolean;
  /** False while no full indexing pass has ever finished for this root. */
  complete: boolean;
  /**
   * True once a fast tier has covered the root (the ctags pass or the syntactic pass): hits
   * with source "ctags" or "syntax" await tree-sitter or their server.
   */
  syntaxComplete: boolean;
  /** The pass in flight, if any. */
  progress: IndexProgress | null;
  /** Whether the live servers' workspace/symbol was asked (cold cache only). */
  liveAsked: boolean;
  /** Hits that came from the live servers' workspace/symbol. */
  liveHits: number;
  /** Why the live servers could not fill in, when they were asked and failed. */
  liveError?: string;
  /** Live servers that did not contribute fully, one line per server (when asked). */
  livePartial: string[];
  /** Servers not installed at the last pass: their files hold syntax symbols only (or none, without a grammar). */
  missingServers: MissingServer[];
  /** True while a pass (full or syntactic-only) runs for this root. */
  passRunning: boolean;
}

export type CachedDocument =
  | { fresh: true; tier: "lsp"; symbols: FlatSymbol[] }
  /**
   * Syntax symbols of the file as it is on disk: approximate. `server`: a server reads this
   * file (ask it first); `serverError`: why it has not answered for this content, when it failed.
   */
  | { fresh: true; tier: "syntax"; symbols: FlatSymbol[]; server: boolean; serverError: string | null }
  | { fresh: false; reason: "not_indexed" | "changed" | "server_changed" | Exclude<FileStatus, "ok" | "empty"> };

export class SymbolCache {
  readonly store: StoreBackend;
  readonly indexer: SymbolIndexer;
  readonly #source: SymbolSource;
  readonly #files: FileListSource;
  #unwatch: (() => void) | undefined;
  #pass: Promise<IndexSummary> | undefined;
  #passGeneration = -1;
  readonly #syntaxWaitMs: number;

  static open(options: SymbolCacheOptions): SymbolCache {
    return new SymbolCache(options);
  }

  private constructor(options: SymbolCacheOptions) {
    this.store = options.storeUrl
      ? PostgresSymbolStore.open({ url: options.storeUrl, root: options.root })
      : SymbolStore.open({ root: options.root, cacheDir: options.cacheDir, dbPath: options.dbPath, onWarning: options.onWarning });
    this.#source = options.source;
    this.#files = options.files;
    this.#syntaxWaitMs = options.syntaxWaitMs ?? 5_000;
    this.indexer = new SymbolIndexer({
      store: this.store,
      source: options.source,
      syntax: options.syntax,
      files: options.files,
      concurrencyPerServer: options.concurrencyPerServer,
      verify: options.verify,
      lspWanted: options.lspWanted,
      onProgress: options.onProgress,
      onWarning: options.onWarning,
    });
  }

  get root(): string {
    return this.store.root;
  }

  /** True when a full pass has finished, in this process or an earlier one (or, on a shared store, another process). */
  async isComplete(): Promise<boolean> {
    return this.indexer.complete || (await this.store.getMeta("last_full_pass")) !== undefined;
  }

  /**
   * Starts following the watcher and a background full pass (once, and again after the database
   * had to be rebuilt: that lost what the pass wrote); resolves with its summary.
   */
  start(): Promise<IndexSummary> {
    this.#unwatch ??= this.indexer.watch();
    if (!this.#pass || this.#passGeneration !== this.store.generation) {
      this.#passGeneration = this.store.generation;
      this.#pass = this.indexer.run();
      // Callers often start it and move on: a failed pass must not become an unhandled rejection.
      this.#pass.catch(() => {});
    }
    return this.#pass;
  }

  /**
   * Another background pass once the one in flight (if any) ends: a server clients now ask
   * about gets the files the last pass left unasked. Only for a started cache.
   */
  refresh(): void {
    if (!this.#pass) return;
    const generation = this.store.generation;
    this.#pass = this.#pass.catch(() => undefined).then(() => {
      this.#passGeneration = generation;
      return this.indexer.run();
    });
    this.#pass.catch(() => {});
  }

  /**
   * Follows the file list's changes (re-parses, then asks the server for, each changed file)
   * without starting a full pass: for a cache that answers searches from its syntactic tier.
   */
  follow(): void {
    if (this.#unwatch || !this.#files.onChange) return;
    this.#unwatch = this.indexer.watch();
  }

  async search(query: SymbolQuery, signal?: AbortSignal): Promise<SymbolSearchAnswer> {
    // No full pass has covered the root: the syntactic tier answers first. It covers a root in
    // seconds (a syntactic-only pass starts if none runs), a cold server can take far longer.
    // Tree-sitter's exact rows are worth the wait while it is short; past it, ctags' cover the root.
    if (!(await this.isComplete()) && this.indexer.hasSyntax && !this.indexer.syntaxComplete) await this.indexer.syntaxReady(this.#syntaxWaitMs, signal);
    if (signal?.aborted) throw signal.reason ?? new Error("cancelled");
    const cached = await this.store.search(query);
    if (this.#pass) void this.start(); // no-op unless this search found the database damaged
    const complete = await this.isComplete();
    const progress = this.indexer.progress.phase === "indexing" ? this.indexer.progress : null;
    const syntaxComplete = this.indexer.approximateComplete;
    // A syntactic-only pass that has covered the root is only winding down.
    const passRunning = this.indexer.running || (this.indexer.syntaxRunning && !this.indexer.syntaxComplete);
    const answer: SymbolSearchAnswer = { ...cached, complete, syntaxComplete, progress, liveAsked: false, liveHits: 0, livePartial: [], missingServers: await this.missingServers(), passRunning };
    // With a syntactic tier the cache answers at once (approximate, and labelled so): it covers
    // the root in seconds, while a cold server can take far longer just to load its project.
    // Only a miss while the syntactic pass is still filling the cache asks the servers live.
    const syntaxAnswers = this.indexer.hasSyntax && (syntaxComplete || cached.hits.length > 0);
    if (complete || syntaxAnswers || !(this.#source.workspaceSymbols || this.#source.searchWorkspaceSymbols) || query.query.trim() === "") return answer;
    const limit = query.limit ?? DEFAULT_LIMIT;
    answer.liveAsked = true;
    try {
      const search = this.#source.searchWorkspaceSymbols
        ? await this.#source.searchWorkspaceSymbols(query.query.trim(), this.root, { signal })
        : { hits: await this.#source.workspaceSymbols!(query.query.trim(), this.root, signal), partial: [] };
      const live = search.hits;
      answer.livePartial = search.partial;
      const seen = new Set(answer.hits.map((h) => `${h.path}\0${h.selectionRange.start.line}\0${h.name}`));
      for (const h of live) {
        if (answer.hits.length >= limit) {
          answer.truncated = answer.totalAtLeast = true;
          break;
        }
        const path = relative(this.root, h.absPath).split(sep).join("/");
        if (path.startsWith("..")) continue;
        if (query.kinds?.length && !query.kinds.includes(h.kind)) continue;
        if (!matchesPathFilter(query.path, path)) continue;
        if (query.container && (h.containerName ?? "").toLowerCase() !== query.container.toLowerCase()) continue;
        const r = h.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
        const key = `${path}\0${r.start.line}\0${h.name}`;
        if (seen.has(key)) continue;
        seen.add(key);
        answer.hits.push({ id: -1, name: h.name, kind: h.kind, container: h.containerName ?? null, detail: null, path, server: h.serverId ?? null, source: h.serverId ?? "lsp", range: r, selectionRange: r, tier: "fuzzy", score: 0 });
        answer.liveHits++;
        answer.total++;
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      answer.liveError = (err as Error).message;
    }
    return answer;
  }

  /** The servers the last pass found not installed (recorded in the cache, so a later process knows too). */
  async missingServers(): Promise<MissingServer[]> {
    try {
      const raw = await this.store.getMeta("missing_servers");
      return raw ? (JSON.parse(raw) as MissingServer[]) : [];
    } catch {
      return [];
    }
  }

  /**
   * A file's symbols from the cache when they are known to match the file as it is on disk
   * and the server as it is configured now (or, tier syntax, its syntax symbols: the caller
   * says they are approximate); otherwise why not, so the caller asks the server.
   */
  async documentSymbols(relPath: string): Promise<CachedDocument> {
    const record = await this.store.getFile(relPath);
    // ctags rows (lines only) wait for tree-sitter, seconds away: the caller asks the server.
    if (!record || record.tier === "ctags") return { fresh: false, reason: "not_indexed" };
    // Syntax symbols kept beside a server's failure still describe the file.
    // So do those kept beside a ready server's empty answer (status empty, tier syntax).
    const keptBesideFailure = record.tier === "syntax" && (record.status === "failed" || record.status === "empty") && record.symbolCount > 0;
    // A true empty (the ready server answered no symbols) is as fresh an answer as any.
    if (record.status !== "ok" && record.status !== "empty" && !keptBesideFailure) return { fresh: false, reason: record.status };
    const abs = join(this.root, relPath);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return { fresh: false, reason: "changed" };
    }
    if (st.size !== record.size || st.mtimeMs !== record.mtimeMs) return { fresh: false, reason: "changed" };
    const fp = this.#source.fingerprint(abs);
    if (record.tier === "syntax") return { fresh: true, tier: "syntax", symbols: await this.store.fileSymbols(relPath), server: fp !== null, serverError: keptBesideFailure ? record.error : null };
    if (!fp || fingerprintKey(fp) !== record.fingerprint) return { fresh: false, reason: "server_changed" };
    return { fresh: true, tier: "lsp", symbols: await this.store.fileSymbols(relPath) };
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    await this.indexer.close();
    await this.store.close();
  }
}
