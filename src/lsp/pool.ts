// The LSP client pool: one language server per (server id, project root), started
// lazily, restarted when it crashes, stopped when idle, and never leaked.
//
// Public API (used by the tools, the symbol cache and the service):
//
//   new LspPool({ roots, config?, onEvent? })        roots: canonical project roots (see workspace/paths.ts)
//   pool.serverFor(absPath)      → { serverId, root } | null     which server would answer for a file (no spawn)
//   pool.fingerprint(absPath)    → { serverId, version, configHash } | null   for cache keys
//   pool.loadingFor(absPath)     → progress titles while that server is still loading (answers may be partial)
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
//   pool.fileChanged(absPath) / pool.fileDeleted(absPath)   watcher hooks: resync open documents,
//                                                      forward workspace/didChangeWatchedFiles
//   pool.restart(serverId?)      → { stopped, cleared }: clears failure marks and stops matching servers
//                                (they start again on next use); an unknown id is "invalid_input"
//   pool.updateConfig(config)    new registry; changed servers are stopped, broken marks cleared
//   pool.status()                → ClientStatus[] (pid, state, open documents, loading)
//   pool.serverPids()            → pids of live server process groups (for checks and logs)
//   pool.dispose()               stops everything; afterwards no server process is left
//                                (a process "exit" hook also SIGKILLs the groups if dispose never ran,
//                                and orphan-guard.ts's watchdog does it if codeintel is SIGKILLed)
//
// Tuning lives in codeintel.json "lsp" (see workspace/config.ts): idleTimeoutMs (0 = never),
// maxOpenDocuments, readyTimeoutMs, timeouts per method, maxRestarts, restartBackoffMs(/CapMs),
// brokenCooldownMs(/CapMs), callBudgetMs.
//
// Supervision: a crash restarts the server with backoff; maxRestarts failures in a row mark it
// broken, and a broken server is tried again after a cool-down that doubles each time it fails
// again (restart() or a config change clears it at once). A server that reports its inner
// process dead (spec.fatalLog) is killed and counts as a crash. Inside one tool call
// (call-budget.ts) every wait — start, load, requests — is capped by the call's callBudgetMs,
// under the 60 s after which MCP clients give up.
//
// Positions are LSP positions (0-based line, UTF-16 character); tools convert from
// user columns with positions.ts. Errors are LspError with a code the tools forward:
// "unavailable" (no server for the language, not installed, broken), "indexing"
// (still loading: retry), "timeout", "cancelled", "not_found".

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
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
  SymbolKind,
  WorkspaceSymbol,
} from "vscode-languageserver-protocol";
import { emptyConfig, type CodeintelConfig } from "../workspace/config.js";
import { isInside } from "../workspace/paths.js";
import { parseIgnoreFile } from "../workspace/ignore.js";
import { walkTree } from "../workspace/walk.js";
import { LanguageServerClient } from "./client.js";
import { uriOf } from "./documents.js";
import { startCallClock, timeLeftInCall } from "./call-budget.js";
import { LspError } from "./errors.js";
import { guardGroup, guardIdle, releaseGroup } from "./orphan-guard.js";
import { killTreeSync } from "./process-tree.js";
import { sampleFilesBySpec } from "./project-sample.js";
import { buildRegistry, findServerRoot, type ServerFingerprint, type ServerRegistry, type ServerSpec } from "./registry.js";

export type { ServerFingerprint } from "./registry.js";

export interface LspPoolOptions {
  /** Canonical project roots; a server root is always inside one of them. */
  roots: readonly string[];
  config?: CodeintelConfig;
  /** Lifecycle events, for logs and tests. */
  onEvent?: (e: PoolEvent) => void;
  /**
   * The files of a project root (root-relative, '/'-separated; undefined while not listed yet):
   * the finder's list, so samples honour .gitignore like the rest of codeintel. Without it the
   * pool walks the root itself (bounded).
   */
  filesOf?: (projectRoot: string) => readonly string[] | undefined;
}

/** Reports what a call is waiting for ("starting pyright", "waiting for pyright to load (…)"). */
export type QueryProgress = (message: string) => void;

export interface WorkspaceSymbolSearch {
  hits: WorkspaceSymbolHit[];
  /** Why hits may be missing: a server still loading or failing. Empty when every server answered loaded. */
  partial: string[];
}

export type PoolEvent =
  | { type: "spawn"; serverId: string; root: string; pid: number | undefined }
  | { type: "ready"; serverId: string; root: string }
  | { type: "exit"; serverId: string; root: string; expected: boolean; reason: string }
  | { type: "broken"; serverId: string; root: string; reason: string }
  | { type: "idle-stop"; serverId: string; root: string };

export interface ServerLocation {
  serverId: string;
  root: string;
}

export interface WorkspaceSymbolHit {
  serverId: string;
  name: string;
  kind: SymbolKind;
  containerName?: string;
  absPath: string;
  /** Absent when the server answered with a location without a range. */
  range?: Location["range"];
}

export interface RestartReport {
  /** Servers that were running and were stopped (they start again on their next use). */
  stopped: ServerLocation[];
  /** Servers whose failure record (backoff, broken mark) was cleared. */
  cleared: ServerLocation[];
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

const DEFAULTS = {
  idleTimeoutMs: 10 * 60_000,
  maxOpenDocuments: 200,
  readyTimeoutMs: 20_000,
  maxRestarts: 3,
  restartBackoffMs: 500,
  restartBackoffCapMs: 30_000,
  /** A broken server is tried again after this, doubling while it keeps failing, up to the cap. */
  brokenCooldownMs: 60_000,
  brokenCooldownCapMs: 15 * 60_000,
  /** Backoff longer than this is not waited out inside a call: the caller gets "retry later". */
  maxInlineWaitMs: 5_000,
  /**
   * Everything one tool call waits for (start, load, requests, a retry). The MCP SDK's client
   * gives up after 60 s with a generic error; this leaves room for the transport and rendering.
   */
  callBudgetMs: 50_000,
};

// Every one of these is under the call budget, so a slow step fails with its own message.
const METHOD_TIMEOUTS: Record<string, number> = {
  initialize: 30_000,
  "textDocument/hover": 15_000,
  "textDocument/definition": 20_000,
  "textDocument/typeDefinition": 20_000,
  "textDocument/implementation": 30_000,
  "textDocument/references": 45_000,
  "textDocument/documentSymbol": 20_000,
  "textDocument/diagnostic": 30_000,
  "workspace/symbol": 30_000,
  "textDocument/prepareCallHierarchy": 20_000,
  "callHierarchy/incomingCalls": 45_000,
  "callHierarchy/outgoingCalls": 30_000,
};
const DEFAULT_TIMEOUT = 20_000;
/** Files looked at for workspace-symbol samples when no file list is given. */
const SAMPLE_WALK_MAX = 20_000;
/** Folders of dependencies and environments the sample walk skips even when no .gitignore does. */
const SAMPLE_WALK_SKIP = parseIgnoreFile("node_modules/\n.venv/\nvenv/\n__pycache__/\n", "");

/** The built-in time limits, so a test can hold them against MCP clients' request timeout. */
export const DEFAULT_TIME_LIMITS = {
  callBudgetMs: DEFAULTS.callBudgetMs,
  readyTimeoutMs: DEFAULTS.readyTimeoutMs,
  methods: { ...METHOD_TIMEOUTS, "(other)": DEFAULT_TIMEOUT },
};

interface FailureRecord {
  count: number;
  lastReason: string;
  nextAttemptAt: number;
  broken: boolean;
}

type Key = string;
const keyOf = (serverId: string, root: string): Key => `${serverId}\0${root}`;

const poolsAlive = new Set<LspPool>();
let exitHookInstalled = false;

export class LspPool {
  private registry: ServerRegistry;
  private config: CodeintelConfig;
  private readonly clients = new Map<Key, LanguageServerClient>();
  private readonly starting = new Map<Key, Promise<LanguageServerClient>>();
  private readonly failures = new Map<Key, FailureRecord>();
  private readonly livePids = new Set<number>();
  private idleTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly options: LspPoolOptions) {
    this.config = options.config ?? emptyConfig();
    this.registry = buildRegistry(this.config);
    poolsAlive.add(this);
    installExitHook();
    this.scheduleIdleCheck();
  }

  get roots(): readonly string[] {
    return this.options.roots;
  }

  // ---- which server ------------------------------------------------------------

  serverFor(absPath: string): ServerLocation | null {
    const spec = this.registry.specFor(absPath);
    const projectRoot = this.projectRootOf(absPath);
    if (!spec || !projectRoot) return null;
    return { serverId: spec.id, root: findServerRoot(absPath, projectRoot, spec.rootMarkers) };
  }

  /** What the server for `absPath` is still loading (progress titles); empty when ready or not started. */
  loadingFor(absPath: string): string[] {
    const where = this.serverFor(absPath);
    const client = where ? this.clients.get(keyOf(where.serverId, where.root)) : undefined;
    return client?.isAlive() ? client.loadingTitles() : [];
  }

  fingerprint(absPath: string): ServerFingerprint | null {
    const spec = this.registry.specFor(absPath);
    return spec ? this.registry.fingerprint(spec) : null;
  }

  /**
   * Starts the server for `absPath` if needed, opens the file (tsserver loads its project then)
   * and waits, up to readyTimeoutMs from the start of loading, until the server has loaded.
   * Resolves with what it is still loading: empty when answers will cover the whole project.
   */
  async warmUp(absPath: string, opts: { signal?: AbortSignal; onProgress?: QueryProgress } = {}): Promise<string[]> {
    const { spec, root } = this.locate(absPath);
    const running = this.clients.get(keyOf(spec.id, root));
    if (!running?.isAlive()) opts.onProgress?.(`starting ${spec.id}`);
    const client = await this.clientFor(spec, root, opts.signal);
    client.sync(absPath);
    await this.waitLoaded(client, opts.signal, opts.onProgress);
    return client.isAlive() ? client.loadingTitles() : [];
  }

  // ---- queries -------------------------------------------------------------------

  hover(absPath: string, position: Position, signal?: AbortSignal): Promise<Hover | null> {
    return this.query(absPath, signal, (c, uri) => c.request<Hover | null>("textDocument/hover", { textDocument: { uri }, position }, signal));
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
      async (c, uri) =>
        (await c.request<Location[] | null>(
          "textDocument/references",
          { textDocument: { uri }, position, context: { includeDeclaration: opts.includeDeclaration ?? true } },
          signal,
        )) ?? [],
      { emptyMayMeanIndexing: true },
    );
  }

  documentSymbols(absPath: string, signal?: AbortSignal): Promise<DocumentSymbol[]> {
    return this.query(absPath, signal, async (c, uri) => {
      const result = await c.request<DocumentSymbol[] | SymbolInformation[] | null>("textDocument/documentSymbol", { textDocument: { uri } }, signal);
      return normaliseDocumentSymbols(result ?? []);
    }, { emptyMayMeanIndexing: true }); // the symbol cache records an empty answer as the file's truth
  }

  prepareCallHierarchy(absPath: string, position: Position, signal?: AbortSignal): Promise<CallHierarchyItem[]> {
    return this.query(absPath, signal, async (c, uri) => {
      this.requireCapability(c, "callHierarchyProvider", "call hierarchy");
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
  async documentText(absPath: string, signal?: AbortSignal): Promise<string> {
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
    const { signal, onProgress } = opts;
    const projectRoot = this.options.roots.find((r) => isInside(r, root));
    if (!projectRoot) throw new LspError("invalid_input", `${root} is not inside a project root`);
    const samples = sampleFilesBySpec(root, projectRoot, this.registry, this.candidateFiles(projectRoot, signal));
    if (samples.size === 0) throw new LspError("unavailable", `no file in ${root} has a language server configured`);
    const hits: WorkspaceSymbolHit[] = [];
    const partial: string[] = [];
    const errors: LspError[] = [];
    await Promise.all(
      [...samples.values()].map(async (sample) => {
        try {
          await this.warmUp(sample, { signal, onProgress });
          onProgress?.(`searching ${this.registry.specFor(sample)!.id} symbols`);
          const found = await this.query(
            sample,
            signal,
            async (c) => {
              const spec = this.registry.get(c.id)!;
              if (!c.capabilities.workspaceSymbolProvider) return [];
              const result = await c.request<SymbolInformation[] | WorkspaceSymbol[] | null>("workspace/symbol", { query }, signal);
              return (result ?? []).flatMap((s) => toHit(spec.id, s));
            },
            { emptyMayMeanIndexing: query !== "" },
          );
          hits.push(...found.filter((h) => isInside(root, h.absPath)));
          const loading = this.loadingFor(sample);
          if (loading.length > 0) partial.push(`${this.registry.specFor(sample)!.id} was still loading (${loading.join(", ")})`);
        } catch (e) {
          if (!(e instanceof LspError)) throw e;
          errors.push(e);
          partial.push(e.message.split("\n")[0]!);
        }
      }),
    );
    if (hits.length === 0 && errors.length > 0) throw errors[0];
    return { hits, partial };
  }

  // ---- watcher hooks -----------------------------------------------------------

  /** The file changed (or appeared) on disk: resync it where open and tell the servers of that root. */
  fileChanged(absPath: string): void {
    for (const c of this.clients.values()) {
      if (!isInside(c.root, absPath) || c.state !== "running") continue;
      const wasOpen = c.documents.refresh(absPath);
      c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(absPath), type: wasOpen ? 2 : existsSync(absPath) ? 2 : 3 }] });
    }
  }

  fileDeleted(absPath: string): void {
    for (const c of this.clients.values()) {
      if (!isInside(c.root, absPath) || c.state !== "running") continue;
      c.documents.closeFile(absPath);
      c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(absPath), type: 3 }] });
    }
  }

  // ---- lifecycle -----------------------------------------------------------------

  async restart(serverId?: string): Promise<RestartReport> {
    if (serverId !== undefined && !this.registry.get(serverId) && ![...this.clients.values()].some((c) => c.id === serverId)) {
      throw new LspError("invalid_input", `no language server '${serverId}' is configured (known: ${this.registry.specs.map((s) => s.id).join(", ")})`);
    }
    const cleared: ServerLocation[] = [];
    for (const key of [...this.failures.keys()]) {
      const [id, root] = key.split("\0");
      if (serverId && id !== serverId) continue;
      this.failures.delete(key);
      cleared.push({ serverId: id, root });
    }
    const stopping = [...this.clients.values()].filter((c) => !serverId || c.id === serverId);
    await Promise.all(stopping.map((c) => c.stop()));
    return { stopped: stopping.map((c) => ({ serverId: c.id, root: c.root })), cleared };
  }

  /** Throws ConfigError (and changes nothing) when `config` does not make a valid registry. */
  async updateConfig(config: CodeintelConfig): Promise<void> {
    const before = this.registry;
    this.registry = buildRegistry(config);
    this.config = config;
    this.failures.clear();
    const changed = [...this.clients.values()].filter((c) => {
      const old = before.get(c.id);
      const now = this.registry.get(c.id);
      return !old || !now || before.fingerprint(old).configHash !== this.registry.fingerprint(now).configHash;
    });
    await Promise.all(changed.map((c) => c.stop()));
  }

  status(): ClientStatus[] {
    return [...this.clients.values()].map((c) => ({
      serverId: c.id,
      root: c.root,
      pid: c.pid,
      state: c.state,
      openDocuments: c.documents.size,
      loading: c.loadingTitles(),
      pendingRequests: c.pendingCount,
    }));
  }

  /** Pids of every server process this pool started that may still be running. */
  serverPids(): number[] {
    return [...this.livePids];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    // Starting clients are in `clients` too: stopping them ends their initialize at once.
    const starting = [...this.starting.values()];
    await Promise.all([...this.clients.values()].map((c) => c.stop()));
    const started = await Promise.allSettled(starting);
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    for (const pid of this.livePids) {
      killTreeSync(pid);
      releaseGroup(pid);
    }
    this.livePids.clear();
    poolsAlive.delete(this);
    await guardIdle();
  }

  // ---- internals -------------------------------------------------------------------

  private projectRootOf(absPath: string): string | undefined {
    let best: string | undefined;
    for (const r of this.options.roots) if (isInside(r, absPath) && (!best || r.length > best.length)) best = r;
    return best;
  }

  /** A request's timeout, capped by what is left of the current tool call's budget. */
  private timeoutFor(method: string): number {
    const configured = this.config.lsp.timeouts?.[method] ?? METHOD_TIMEOUTS[method] ?? DEFAULT_TIMEOUT;
    // A start is shared by every caller waiting for it: callers stop waiting on their own budget (awaitStart).
    return method === "initialize" ? configured : Math.max(1, Math.min(configured, timeLeftInCall()));
  }

  /** How long a call waits for a loading server before asking anyway. */
  private readyWaitMs(): number {
    return Math.min(this.setting("readyTimeoutMs"), timeLeftInCall());
  }

  private setting<K extends keyof typeof DEFAULTS>(key: K): number {
    const v = (this.config.lsp as Record<string, number | undefined>)[key];
    return v ?? DEFAULTS[key];
  }

  private async locations(method: string, absPath: string, position: Position, signal?: AbortSignal): Promise<Location[]> {
    return this.query(
      absPath,
      signal,
      async (c, uri) => normaliseLocations(await c.request<Definition | DefinitionLink[] | null>(method, { textDocument: { uri }, position }, signal)),
      { emptyMayMeanIndexing: true },
    );
  }

  private requireCapability(c: LanguageServerClient, capability: string, what: string): void {
    if (!(c.capabilities as Record<string, unknown>)[capability]) {
      throw new LspError("unavailable", `language server '${c.id}' does not support ${what}`);
    }
  }

  /**
   * Runs `op` against the client for `absPath` with the document synced. A crash
   * during the call restarts the server once and retries; while the server reports
   * loading, the call waits up to readyTimeoutMs and an empty answer becomes "indexing".
   */
  private async query<T>(
    absPath: string,
    signal: AbortSignal | undefined,
    op: (c: LanguageServerClient, uri: string, doc: ReturnType<LanguageServerClient["sync"]>) => Promise<T>,
    opts: { emptyMayMeanIndexing?: boolean } = {},
  ): Promise<T> {
    const { spec, root } = this.locate(absPath);
    for (let attempt = 0; ; attempt++) {
      const client = await this.clientFor(spec, root, signal);
      try {
        const doc = client.sync(absPath);
        if (client.isLoading()) await client.waitUntilReady(this.readyWaitMs(), signal);
        let result = await op(client, doc.uri, doc);
        if (opts.emptyMayMeanIndexing && isEmpty(result) && client.isLoading()) {
          const ready = await client.waitUntilReady(this.readyWaitMs(), signal);
          if (!ready) throw new LspError("indexing", `timed out waiting for ${spec.id} to load: it is still indexing ${root} (${client.loadingTitles().join(", ")}); retry shortly`);
          result = await op(client, doc.uri, client.sync(absPath));
        }
        this.failures.delete(keyOf(spec.id, root));
        return result;
      } catch (e) {
        const crashed = e instanceof LspError && e.data?.crashed === true && !this.disposed;
        if (crashed && attempt === 0 && !signal?.aborted) continue;
        throw e;
      }
    }
  }

  /** The server spec and server root for a file, or why there is none. */
  private locate(absPath: string): { spec: ServerSpec; root: string } {
    if (this.disposed) throw new LspError("unavailable", "the language server pool has been shut down");
    const spec = this.registry.specFor(absPath);
    if (!spec) throw this.registry.noServerError(absPath);
    const projectRoot = this.projectRootOf(absPath);
    if (!projectRoot) throw new LspError("invalid_input", `${absPath} is outside every project root`);
    // No server is started for a file that is not there.
    if (!existsSync(absPath)) throw new LspError("not_found", `file ${absPath} does not exist`);
    return { spec, root: findServerRoot(absPath, projectRoot, spec.rootMarkers) };
  }

  /** Waits (bounded by readyTimeoutMs from the start of loading) until the client reports no loading, reporting each change. */
  private async waitLoaded(client: LanguageServerClient, signal?: AbortSignal, onProgress?: QueryProgress): Promise<boolean> {
    if (!client.isLoading()) return true;
    const report = () => {
      if (client.isLoading()) onProgress?.(`waiting for ${client.id} to load (${client.loadingDetails().join(", ")})`);
    };
    report();
    const stop = onProgress ? client.onProgressChange(report) : undefined;
    try {
      return await client.waitUntilReady(this.setting("readyTimeoutMs"), signal);
    } finally {
      stop?.();
    }
  }

  /** The files of a project root: the given list, else a bounded walk honouring .gitignore. */
  private candidateFiles(projectRoot: string, signal?: AbortSignal): readonly string[] {
    const listed = this.options.filesOf?.(projectRoot);
    if (listed) return listed;
    const enough = new AbortController();
    let count = 0;
    const onAbort = () => enough.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const walked = walkTree(projectRoot, {
        signal: enough.signal,
        extraRules: SAMPLE_WALK_SKIP,
        onBatch: (batch) => {
          count += batch.length;
          if (count >= SAMPLE_WALK_MAX) enough.abort();
        },
      });
      return walked.entries.filter((e) => !e.dir).map((e) => e.path);
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The running client for (spec, root), starting it (once, shared by concurrent callers) if needed. */
  private async clientFor(spec: ServerSpec, root: string, signal?: AbortSignal): Promise<LanguageServerClient> {
    startCallClock(this.setting("callBudgetMs"));
    const key = keyOf(spec.id, root);
    const existing = this.clients.get(key);
    if (existing && existing.state === "running" && existing.isAlive()) return existing;
    const pending = this.starting.get(key);
    if (pending) return this.awaitStart(spec, root, pending);

    const failure = this.failures.get(key);
    // Broken is not forever: once the cool-down is over, this call tries again.
    if (failure?.broken && Date.now() < failure.nextAttemptAt) throw this.brokenError(spec, root, failure);
    const start = (async () => {
      if (failure && !failure.broken) {
        const wait = failure.nextAttemptAt - Date.now();
        if (wait > Math.min(DEFAULTS.maxInlineWaitMs, timeLeftInCall())) {
          throw new LspError("unavailable", `language server '${spec.id}' failed (${failure.lastReason}); it will be restarted in ${Math.ceil(wait / 1000)} s; retry then`);
        }
        if (wait > 0) await sleep(wait, signal);
      }
      return this.spawnClient(spec, root);
    })();
    this.starting.set(key, start);
    // The start outlives callers that stop waiting for it; it is forgotten when it settles.
    start.then(
      () => this.starting.delete(key),
      () => this.starting.delete(key),
    );
    return this.awaitStart(spec, root, start);
  }

  /** Waits for a start, but no longer than the current call's budget allows. */
  private async awaitStart(spec: ServerSpec, root: string, start: Promise<LanguageServerClient>): Promise<LanguageServerClient> {
    const left = timeLeftInCall();
    if (left === Infinity) return start;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new LspError(
              "timeout",
              `timed out starting the server: language server '${spec.id}' for ${root} was not up within ${Math.round(left / 1000)} s; it goes on starting in the background; retry shortly`,
              { serverId: spec.id },
            ),
          ),
        left,
      );
    });
    try {
      return await Promise.race([start, gaveUp]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async spawnClient(spec: ServerSpec, root: string): Promise<LanguageServerClient> {
    if (this.disposed) throw new LspError("unavailable", "the language server pool has been shut down");
    const key = keyOf(spec.id, root);
    const launch = this.registry.resolveLaunch(spec);
    const client = new LanguageServerClient({
      spec,
      launch,
      root,
      languageIdFor: (p) => this.registry.languageIdFor(spec, p),
      maxOpenDocuments: this.setting("maxOpenDocuments"),
      timeoutFor: (m) => this.timeoutFor(m),
      onExit: (c, expected, reason, wasRunning) => this.onClientExit(c, expected, reason, wasRunning),
    });
    this.clients.set(key, client);
    const startPromise = client.start();
    if (client.pid !== undefined) {
      this.livePids.add(client.pid);
      guardGroup(client.pid);
    }
    this.options.onEvent?.({ type: "spawn", serverId: spec.id, root, pid: client.pid });
    try {
      await startPromise;
    } catch (e) {
      await client.stop().catch(() => undefined);
      const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0];
      const failure = this.recordFailure(spec, root, `failed to start: ${reason}`);
      if (failure.broken) throw this.brokenError(spec, root, failure);
      const tail = client.logTail();
      throw new LspError("unavailable", `language server '${spec.id}' failed to start (${reason})${tail ? `; its last output:\n${tail}` : ""}`, { serverId: spec.id });
    }
    if (this.disposed) {
      await client.stop();
      throw new LspError("unavailable", "the language server pool has been shut down");
    }
    this.options.onEvent?.({ type: "ready", serverId: spec.id, root });
    return client;
  }

  private onClientExit(client: LanguageServerClient, expected: boolean, reason: string, wasRunning: boolean): void {
    const key = keyOf(client.id, client.root);
    if (this.clients.get(key) === client) this.clients.delete(key);
    if (client.pid !== undefined) {
      this.livePids.delete(client.pid);
      releaseGroup(client.pid);
    }
    this.options.onEvent?.({ type: "exit", serverId: client.id, root: client.root, expected, reason });
    // A crash during start is recorded by spawnClient, with the start error.
    const spec = this.registry.get(client.id);
    if (!expected && wasRunning && !this.disposed && spec) this.recordFailure(spec, client.root, reason);
  }

  private recordFailure(spec: ServerSpec, root: string, reason: string): FailureRecord {
    const key = keyOf(spec.id, root);
    const prev = this.failures.get(key);
    const count = (prev?.count ?? 0) + 1;
    const maxRestarts = this.setting("maxRestarts");
    const broken = count >= maxRestarts;
    const wait = broken
      ? Math.min(this.setting("brokenCooldownMs") * 2 ** (count - maxRestarts), this.setting("brokenCooldownCapMs"))
      : Math.min(this.setting("restartBackoffMs") * 2 ** (count - 1), this.setting("restartBackoffCapMs"));
    const record: FailureRecord = { count, lastReason: reason, nextAttemptAt: Date.now() + wait, broken };
    this.failures.set(key, record);
    if (record.broken) this.options.onEvent?.({ type: "broken", serverId: spec.id, root, reason });
    return record;
  }

  private brokenError(spec: ServerSpec, root: string, failure: FailureRecord): LspError {
    const retryIn = Math.max(1, Math.ceil((failure.nextAttemptAt - Date.now()) / 1000));
    const retryAt = new Date(failure.nextAttemptAt).toISOString();
    return new LspError(
      "unavailable",
      `language server '${spec.id}' is marked broken for ${root}: it failed ${failure.count} times in a row (last: ${failure.lastReason}). ` +
        `codeintel tries it again in ${retryIn} s (at ${retryAt}), on the first call after that. ` +
        `To fix: check that it runs (${spec.command.join(" ")}); ${spec.install}. Then retry at once with the restart tool ` +
        `(\`codeintel restart ${spec.id} --url ws://HOST:PORT\`), or edit codeintel.json (reloaded when saved).`,
      { serverId: spec.id, broken: true, retryAt },
    );
  }

  private scheduleIdleCheck(): void {
    const idle = this.setting("idleTimeoutMs");
    if (idle <= 0) return;
    const every = Math.max(50, Math.min(idle / 2, 30_000));
    this.idleTimer = setTimeout(() => {
      const now = Date.now();
      for (const c of this.clients.values()) {
        if (c.state === "running" && c.pendingCount === 0 && now - c.lastUsed >= idle) {
          this.options.onEvent?.({ type: "idle-stop", serverId: c.id, root: c.root });
          void c.stop();
        }
      }
      if (!this.disposed) this.scheduleIdleCheck();
    }, every);
    this.idleTimer.unref();
  }

  /** Synchronous kill of every server, for process exit without dispose(). */
  killAllSync(): void {
    for (const pid of this.livePids) killTreeSync(pid);
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const pool of poolsAlive) pool.killAllSync();
  });
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new LspError("cancelled", "cancelled while waiting for the server to restart"));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function normaliseLocations(result: Definition | DefinitionLink[] | null | undefined): Location[] {
  if (!result) return [];
  const list = Array.isArray(result) ? result : [result];
  return list.map((l) =>
    "targetUri" in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range },
  );
}

export function normaliseDocumentSymbols(result: DocumentSymbol[] | SymbolInformation[]): DocumentSymbol[] {
  return result.map((s) =>
    "location" in s
      ? { name: s.name, kind: s.kind, detail: s.containerName, range: s.location.range, selectionRange: s.location.range, children: [] }
      : s,
  );
}

function toHit(serverId: string, s: SymbolInformation | WorkspaceSymbol): WorkspaceSymbolHit[] {
  const uri = s.location.uri;
  if (!uri.startsWith("file:")) return [];
  return [{ serverId, name: s.name, kind: s.kind, containerName: s.containerName, absPath: fileURLToPath(uri), range: "range" in s.location ? s.location.range : undefined }];
}
