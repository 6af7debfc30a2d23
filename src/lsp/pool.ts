// The LSP client pool: one language server per (server id, server root), started
// lazily, restarted when it crashes, stopped when idle, and never leaked. This file is the
// facade the rest of codeintel calls; each concern has its own file:
//   routing.ts          which server answers for a file
//   query-runner.ts     sync, wait for loading, retry a crash once, "indexing" instead of a loading empty
//   supervisor.ts       start once, restart, idle stop, dispose, no orphans (restart-policy.ts: backoff, broken)
//   workspace-symbols.ts  live symbol search over samples from the finder's list
//   watched-files.ts    created / changed / deleted files, forwarded to the servers
//   results.ts          answers normalised to one shape
//   pool-settings.ts    codeintel.json "lsp" tuning and time limits
//   client.ts           one server (process, requests, readiness, diagnostics, capabilities)
//
// Public API (used by the tools, the symbol cache and the service):
//
//   new LspPool({ roots, files, config?, onEvent? })   roots: canonical project roots (see workspace/paths.ts);
//                                                       files: the finder's lists (a FileFinder)
//   pool.serverFor(absPath)      → { serverId, root } | null     which server would answer for a file (no spawn)
//   pool.fingerprint(absPath)    → { serverId, version, configHash, notInstalled? } | null   for cache keys
//   pool.loadingFor(absPath)     → progress titles while that server is still loading (answers may be partial)
//   pool.whenLoading(absPath, signal?)  → what the file's server is loading, once it has been loading
//                                         lsp.approximateAfterMs into this call (null: aborted first)
//   pool.warmUp(absPath, { signal?, onProgress? })   starts the server, opens the file and waits for the
//                                                      project load (bounded); → what is still loading
//   pool.hover(absPath, pos, signal?)                → Hover | null
//   pool.definition / typeDefinition / implementation(absPath, pos, signal?) → Location[] (links normalised)
//   pool.references(absPath, pos, { includeDeclaration }?, signal?)         → Location[]
//   pool.documentSymbols(absPath, signal?)           → DocumentSymbol[] (hierarchical; SymbolInformation[]
//                                                      answers are normalised to flat DocumentSymbols)
//   pool.workspaceSymbols(query, root, signal?, onProgress?)     → WorkspaceSymbolHit[] (every server with files in root)
//   pool.searchWorkspaceSymbols(query, root, { signal?, onProgress? }) → { hits, partial } (why hits may be missing)
//   pool.prepareCallHierarchy(absPath, pos, signal?) → CallHierarchyItem[]
//   pool.incomingCalls / outgoingCalls(item, absPath, signal?)
//   pool.diagnostics(absPath, signal?)               → Diagnostic[] for the file as it is on disk now
//   pool.documentText(absPath)                       → the text the server has (after a sync)
//   pool.fileCreated / fileChanged / fileDeleted(absPath)   watcher hooks: resync or close open documents,
//                                                      forward workspace/didChangeWatchedFiles (Created/Changed/Deleted)
//   pool.restart(serverId?)      → { stopped, cleared }: clears failure marks and stops matching servers
//                                (they start again on next use); an unknown id is "invalid_input"
//   pool.updateConfig(config)    new registry; changed servers are stopped, broken marks cleared
//   pool.status()                → ClientStatus[] (pid, state, open documents, loading)
//   pool.servers({ root, within }) → every known server: installed where, version, running, install hint
//   pool.serverPids()            → pids of live server process groups (for checks and logs)
//   pool.dispose()               stops everything; afterwards no server process is left
//
// Tuning lives in codeintel.json "lsp" (see workspace/config.ts): idleTimeoutMs (0 = never),
// maxOpenDocuments, readyTimeoutMs, timeouts per method, maxRestarts, restartBackoffMs(/CapMs),
// brokenCooldownMs(/CapMs), callBudgetMs. Inside one tool call (call-budget.ts) every wait —
// start, load, requests — is capped by the call's callBudgetMs, under the 60 s after which
// MCP clients give up.
//
// Positions are LSP positions (0-based line, UTF-16 character); tools convert from
// user columns with positions.ts. Errors are LspError with a code the tools forward:
// "unavailable" (no server for the language, not installed, broken), "indexing"
// (still loading: retry), "timeout", "cancelled", "not_found".

import type {
  CallHierarchyIncomingCall,
  CallHierarchyItem,
  CallHierarchyOutgoingCall,
  Definition,
  DefinitionLink,
  Diagnostic,
  DocumentSymbol,
  Hover,
  Location,
  Position,
  SymbolInformation,
} from "vscode-languageserver-protocol";
import { emptyConfig, type CodeintelConfig } from "../workspace/config.js";
import { startCallClock } from "./call-budget.js";
import { LspError } from "./errors.js";
import { whenLoading } from "./loading-watch.js";
import { PoolSettings } from "./pool-settings.js";
import { QueryRunner, type QueryOp, type QueryProgress } from "./query-runner.js";
import { buildRegistry, type ServerFingerprint, type ServerRegistry } from "./registry.js";
import { serverInventory, type ServerInventoryEntry } from "./server-inventory.js";
import { normaliseDocumentSymbols, normaliseLocations, type WorkspaceSymbolHit } from "./results.js";
import { locate, serverFor, type ServerLocation } from "./routing.js";
import { ServerSupervisor, type PoolEvent } from "./supervisor.js";
import { reportFileChange } from "./watched-files.js";
import { searchWorkspaceSymbols, type FileLists, type WorkspaceSymbolSearch } from "./workspace-symbols.js";
import type { RestartReport } from "../protocol/index.js";
export type { RestartReport } from "../protocol/index.js";

export type { ServerFingerprint } from "./registry.js";
export type { ServerInventoryEntry } from "./server-inventory.js";
export type { PoolEvent } from "./supervisor.js";
export type { QueryProgress } from "./query-runner.js";
export type { ServerLocation } from "./routing.js";
export type { WorkspaceSymbolHit } from "./results.js";
export type { FileLists, WorkspaceSymbolSearch } from "./workspace-symbols.js";
export { DEFAULT_TIME_LIMITS } from "./pool-settings.js";

export interface LspPoolOptions {
  /** Canonical project roots; a server root is always inside one of them. */
  roots: readonly string[];
  /**
   * The project roots' file lists (a FileFinder): workspace-symbol samples come from them, so
   * they honour .gitignore like the rest of codeintel.
   */
  files: FileLists;
  config?: CodeintelConfig;
  /** Lifecycle events, for logs and tests. */
  onEvent?: (e: PoolEvent) => void;
}

export interface ClientStatus {
  serverId: string;
  root: string;
  pid?: number;
  state: string;
  openDocuments: number;
  loading: string[];
  pendingRequests: number;
}

export class LspPool {
  private registry: ServerRegistry;
  private config: CodeintelConfig;
  private readonly settings: PoolSettings;
  private readonly supervisor: ServerSupervisor;
  private readonly runner: QueryRunner;

  constructor(private readonly options: LspPoolOptions) {
    this.config = options.config ?? emptyConfig();
    this.registry = buildRegistry(this.config);
    this.settings = new PoolSettings(() => this.config);
    this.supervisor = new ServerSupervisor({ registry: () => this.registry, settings: this.settings, roots: options.roots, onEvent: options.onEvent });
    this.runner = new QueryRunner({ supervisor: this.supervisor, settings: this.settings, locate: (absPath) => this.locate(absPath) });
  }

  get roots(): readonly string[] {
    return this.options.roots;
  }

  // ---- which server ------------------------------------------------------------

  serverFor(absPath: string): ServerLocation | null {
    return serverFor(this.registry, this.options.roots, absPath);
  }

  /** What the server for `absPath` is still loading (progress titles); empty when ready or not started. */
  loadingFor(absPath: string): string[] {
    const where = this.serverFor(absPath);
    return (where && this.supervisor.running(where.serverId, where.root)?.loadingTitles()) || [];
  }

  /**
   * Resolves, without waiting for the load to end, once the server for `absPath` is loading
   * lsp.approximateAfterMs (or more) after this call: with what it is loading. Null when
   * `signal` aborts first or no server handles the file. The server may not be started yet.
   */
  whenLoading(absPath: string, signal?: AbortSignal): Promise<string[] | null> {
    const where = this.serverFor(absPath);
    if (!where) return Promise.resolve(null);
    const source = {
      client: () => this.supervisor.current(where.serverId, where.root),
      onClientAdded: (listener: () => void) => this.supervisor.onClientAdded(listener),
    };
    return whenLoading(source, this.settings.get("approximateAfterMs"), signal);
  }

  /** The identity of the server for `absPath` (with `notInstalled` when it is missing), or null when none handles it. */
  fingerprint(absPath: string): ServerFingerprint | null {
    const spec = this.registry.specFor(absPath);
    return spec ? this.registry.fingerprint(spec, this.serverFor(absPath)?.root) : null;
  }

  /**
   * Starts the server for `absPath` if needed, opens the file (tsserver loads its project then)
   * and waits, up to readyTimeoutMs from the start of loading, until the server has loaded.
   * Resolves with what it is still loading: empty when answers will cover the whole project.
   */
  warmUp(absPath: string, opts: { signal?: AbortSignal; onProgress?: QueryProgress } = {}): Promise<string[]> {
    return this.runner.warmUp(absPath, opts);
  }

  // ---- queries -------------------------------------------------------------------

  hover(absPath: string, position: Position, signal?: AbortSignal): Promise<Hover | null> {
    return this.query(absPath, signal, (c, uri) => {
      c.serverCapabilities.requireMethod("textDocument/hover", c.id);
      return c.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position }, signal);
    });
  }

  definition(absPath: string, position: Position, signal?: AbortSignal): Promise<Location[]> {
    return this.locations("textDocument/definition", absPath, position, signal);
  }

  typeDefinition(absPath: string, position: Position, signal?: AbortSignal): Promise<Location[]> {
    return this.locations("textDocument/typeDefinition", absPath, position, signal);
  }

  implementation(absPath: string, position: Position, signal?: AbortSignal): Promise<Location[]> {
    return this.locations("textDocument/implementation", absPath, position, signal);
  }

  references(absPath: string, position: Position, opts: { includeDeclaration?: boolean } = {}, signal?: AbortSignal): Promise<Location[]> {
    return this.query(
      absPath,
      signal,
      async (c, uri) => {
        c.serverCapabilities.requireMethod("textDocument/references", c.id);
        const params = { textDocument: { uri }, position, context: { includeDeclaration: opts.includeDeclaration ?? true } };
        return (await c.request<Location[] | null>("textDocument/references", params, signal)) ?? [];
      },
      { emptyMayMeanIndexing: true },
    );
  }

  documentSymbols(absPath: string, signal?: AbortSignal): Promise<DocumentSymbol[]> {
    return this.query(absPath, signal, async (c, uri) => {
      c.serverCapabilities.requireMethod("textDocument/documentSymbol", c.id);
      const result = await c.request<DocumentSymbol[] | SymbolInformation[] | null>("textDocument/documentSymbol", { textDocument: { uri } }, signal);
      return normaliseDocumentSymbols(result ?? []);
    }, { emptyMayMeanIndexing: true }); // the symbol cache records an empty answer as the file's truth
  }

  prepareCallHierarchy(absPath: string, position: Position, signal?: AbortSignal): Promise<CallHierarchyItem[]> {
    return this.query(absPath, signal, async (c, uri) => {
      c.serverCapabilities.require("callHierarchyProvider", "call hierarchy", c.id);
      return (await c.request<CallHierarchyItem[] | null>("textDocument/prepareCallHierarchy", { textDocument: { uri }, position }, signal)) ?? [];
    });
  }

  incomingCalls(item: CallHierarchyItem, absPath: string, signal?: AbortSignal): Promise<CallHierarchyIncomingCall[]> {
    return this.query(absPath, signal, async (c) => (await c.request<CallHierarchyIncomingCall[] | null>("callHierarchy/incomingCalls", { item }, signal)) ?? []);
  }

  outgoingCalls(item: CallHierarchyItem, absPath: string, signal?: AbortSignal): Promise<CallHierarchyOutgoingCall[]> {
    return this.query(absPath, signal, async (c) => (await c.request<CallHierarchyOutgoingCall[] | null>("callHierarchy/outgoingCalls", { item }, signal)) ?? []);
  }

  diagnostics(absPath: string, signal?: AbortSignal): Promise<Diagnostic[]> {
    return this.query(absPath, signal, (c, _uri, doc) => c.diagnosticsFor(doc, signal));
  }

  /** The text as last synced to the server (syncing first); what positions refer to. */
  documentText(absPath: string, signal?: AbortSignal): Promise<string> {
    return this.query(absPath, signal, async (_c, _uri, doc) => doc.text);
  }

  /**
   * Live workspace symbol search in `root` across every server with files there.
   * Servers that need an open file for project context (tsserver) get one of their project.
   */
  async workspaceSymbols(query: string, root: string, signal?: AbortSignal, onProgress?: QueryProgress): Promise<WorkspaceSymbolHit[]> {
    return (await this.searchWorkspaceSymbols(query, root, { signal, onProgress })).hits;
  }

  /** workspaceSymbols, saying why the hits may be incomplete (a server still loading, or failing while others answered). */
  async searchWorkspaceSymbols(query: string, root: string, opts: { signal?: AbortSignal; onProgress?: QueryProgress } = {}): Promise<WorkspaceSymbolSearch> {
    this.checkOpen();
    // Waiting for the file list counts against the call's budget too.
    startCallClock(this.settings.get("callBudgetMs"));
    const deps = { roots: this.options.roots, registry: this.registry, files: this.options.files, runner: this.runner, loadingFor: (p: string) => this.loadingFor(p) };
    return searchWorkspaceSymbols(deps, query, root, opts);
  }

  // ---- watcher hooks -----------------------------------------------------------

  /** A file appeared on disk: servers of that root learn it was Created (an open copy is resynced). */
  fileCreated(absPath: string): void {
    reportFileChange(this.supervisor.clients(), absPath, "created");
  }

  /** A file changed on disk: resync it where open and tell the servers of that root. */
  fileChanged(absPath: string): void {
    reportFileChange(this.supervisor.clients(), absPath, "changed");
  }

  fileDeleted(absPath: string): void {
    reportFileChange(this.supervisor.clients(), absPath, "deleted");
  }

  // ---- lifecycle -----------------------------------------------------------------

  async restart(serverId?: string): Promise<RestartReport> {
    if (serverId !== undefined && !this.registry.get(serverId) && !this.supervisor.clients().some((c) => c.id === serverId)) {
      throw new LspError("invalid_input", `no language server '${serverId}' is configured (known: ${this.registry.specs.map((s) => s.id).join(", ")})`);
    }
    const cleared = this.supervisor.failures.clear(serverId);
    const stopped = await this.supervisor.stop((c) => !serverId || c.id === serverId);
    return { stopped: stopped.map((c) => ({ serverId: c.id, root: c.root })), cleared };
  }

  /** Throws ConfigError (and changes nothing) when `config` does not make a valid registry. */
  async updateConfig(config: CodeintelConfig): Promise<void> {
    const before = this.registry;
    this.registry = buildRegistry(config);
    this.config = config;
    this.supervisor.failures.clear();
    await this.supervisor.stop((c) => {
      const old = before.get(c.id);
      const now = this.registry.get(c.id);
      return !old || !now || before.fingerprint(old).configHash !== this.registry.fingerprint(now).configHash;
    });
  }

  status(): ClientStatus[] {
    return this.supervisor.clients().map((c) => ({
      serverId: c.id,
      root: c.root,
      pid: c.pid,
      state: c.state,
      openDocuments: c.documents.size,
      loading: c.loadingTitles(),
      pendingRequests: c.pendingCount,
    }));
  }

  /** Every known server (server-inventory.ts): local installs looked up from `root`, running ones in `within`. */
  servers(where: { root: string; within: readonly string[] }): Promise<ServerInventoryEntry[]> {
    return serverInventory(this.registry, this.status(), where);
  }

  /** Pids of every server process this pool started that may still be running. */
  serverPids(): number[] {
    return this.supervisor.serverPids();
  }

  dispose(): Promise<void> {
    return this.supervisor.dispose();
  }

  // ---- internals -------------------------------------------------------------------

  private query<T>(absPath: string, signal: AbortSignal | undefined, op: QueryOp<T>, opts: { emptyMayMeanIndexing?: boolean } = {}): Promise<T> {
    return this.runner.run(absPath, signal, op, opts);
  }

  private locations(method: string, absPath: string, position: Position, signal?: AbortSignal): Promise<Location[]> {
    return this.query(
      absPath,
      signal,
      async (c, uri) => {
        c.serverCapabilities.requireMethod(method, c.id);
        return normaliseLocations(await c.request<Definition | DefinitionLink[] | null>(method, { textDocument: { uri }, position }, signal));
      },
      { emptyMayMeanIndexing: true },
    );
  }

  private checkOpen(): void {
    if (this.supervisor.isDisposed) throw new LspError("unavailable", "the language server pool has been shut down");
  }

  /** The server spec and server root for a file, or why there is none. */
  private locate(absPath: string): ReturnType<typeof locate> {
    this.checkOpen();
    return locate(this.registry, this.options.roots, absPath);
  }
}
