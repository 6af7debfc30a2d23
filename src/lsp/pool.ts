// The LSP client pool: one language server per (server id, project root), started
// lazily, restarted when it crashes, stopped when idle, and never leaked.
//
// Public API (used by the tools, the symbol cache and the service):
//
//   new LspPool({ roots, config?, onEvent? })        roots: canonical project roots (see workspace/paths.ts)
//   pool.serverFor(absPath)      → { serverId, root } | null     which server would answer for a file (no spawn)
//   pool.fingerprint(absPath)    → { serverId, version, configHash } | null   for cache keys
//   pool.loadingFor(absPath)     → progress titles while that server is still loading (answers may be partial)
//   pool.hover(absPath, pos, signal?)                → Hover | null
//   pool.definition / typeDefinition / implementation(absPath, pos, signal?) → Location[] (links normalised)
//   pool.references(absPath, pos, { includeDeclaration }?, signal?)         → Location[]
//   pool.documentSymbols(absPath, signal?)           → DocumentSymbol[] (hierarchical; SymbolInformation[]
//                                                      answers are normalised to flat DocumentSymbols)
//   pool.workspaceSymbols(query, root, signal?)      → WorkspaceSymbolHit[] (every server that has files in root)
//   pool.prepareCallHierarchy(absPath, pos, signal?) → CallHierarchyItem[]
//   pool.incomingCalls / outgoingCalls(item, absPath, signal?)
//   pool.diagnostics(absPath, signal?)               → Diagnostic[] for the file as it is on disk now
//   pool.documentText(absPath)                       → the text the server has (after a sync)
//   pool.fileChanged(absPath) / pool.fileDeleted(absPath)   watcher hooks: resync open documents,
//                                                      forward workspace/didChangeWatchedFiles
//   pool.restart(serverId?)      clears "broken" and stops matching servers (restarted lazily)
//   pool.updateConfig(config)    new registry; changed servers are stopped, broken marks cleared
//   pool.status()                → ClientStatus[] (pid, state, open documents, loading)
//   pool.serverPids()            → pids of live server process groups (for checks and logs)
//   pool.dispose()               stops everything; afterwards no server process is left
//                                (a process "exit" hook also SIGKILLs the groups if dispose never ran)
//
// Tuning lives in codeintel.json "lsp" (see workspace/config.ts): idleTimeoutMs (0 = never),
// maxOpenDocuments, readyTimeoutMs, timeouts per method, maxRestarts, restartBackoffMs(/CapMs).
//
// Positions are LSP positions (0-based line, UTF-16 character); tools convert from
// user columns with positions.ts. Errors are LspError with a code the tools forward:
// "unavailable" (no server for the language, not installed, broken), "indexing"
// (still loading: retry), "timeout", "cancelled", "not_found".

import { existsSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
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
import { readSourceTextSync } from "../workspace/source-text.js";
import { LanguageServerClient } from "./client.js";
import { uriOf } from "./documents.js";
import { LspError } from "./errors.js";
import { killTreeSync } from "./process-tree.js";
import { buildRegistry, findServerRoot, type ServerFingerprint, type ServerRegistry, type ServerSpec } from "./registry.js";

export type { ServerFingerprint } from "./registry.js";

export interface LspPoolOptions {
  /** Canonical project roots; a server root is always inside one of them. */
  roots: readonly string[];
  config?: CodeintelConfig;
  /** Lifecycle events, for logs and tests. */
  onEvent?: (e: PoolEvent) => void;
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
  /** Backoff longer than this is not waited out inside a call: the caller gets "retry later". */
  maxInlineWaitMs: 5_000,
};

const METHOD_TIMEOUTS: Record<string, number> = {
  initialize: 90_000,
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
   * Servers that need an open file for project context (tsserver) get one.
   */
  async workspaceSymbols(query: string, root: string, signal?: AbortSignal): Promise<WorkspaceSymbolHit[]> {
    const projectRoot = this.options.roots.find((r) => isInside(r, root));
    if (!projectRoot) throw new LspError("invalid_input", `${root} is not inside a project root`);
    const samples = sampleFilesBySpec(root, this.registry);
    if (samples.size === 0) throw new LspError("unavailable", `no file in ${root} has a language server configured`);
    const hits: WorkspaceSymbolHit[] = [];
    const errors: LspError[] = [];
    await Promise.all(
      [...samples.values()].map(async (sample) => {
        try {
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
        } catch (e) {
          if (e instanceof LspError) errors.push(e);
          else throw e;
        }
      }),
    );
    if (hits.length === 0 && errors.length > 0) throw errors[0];
    return hits;
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

  async restart(serverId?: string): Promise<void> {
    for (const key of [...this.failures.keys()]) if (!serverId || key.startsWith(serverId + "\0")) this.failures.delete(key);
    await Promise.all([...this.clients.values()].filter((c) => !serverId || c.id === serverId).map((c) => c.stop()));
  }

  async updateConfig(config: CodeintelConfig): Promise<void> {
    const before = this.registry;
    this.config = config;
    this.registry = buildRegistry(config);
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
    const startingClients = await Promise.allSettled([...this.starting.values()]);
    const all = new Set(this.clients.values());
    for (const s of startingClients) if (s.status === "fulfilled") all.add(s.value);
    await Promise.all([...all].map((c) => c.stop()));
    for (const pid of this.livePids) killTreeSync(pid);
    this.livePids.clear();
    poolsAlive.delete(this);
  }

  // ---- internals -------------------------------------------------------------------

  private projectRootOf(absPath: string): string | undefined {
    let best: string | undefined;
    for (const r of this.options.roots) if (isInside(r, absPath) && (!best || r.length > best.length)) best = r;
    return best;
  }

  private timeoutFor(method: string): number {
    return this.config.lsp.timeouts?.[method] ?? METHOD_TIMEOUTS[method] ?? DEFAULT_TIMEOUT;
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
    if (this.disposed) throw new LspError("unavailable", "the language server pool has been shut down");
    const spec = this.registry.specFor(absPath);
    if (!spec) throw this.registry.noServerError(absPath);
    const projectRoot = this.projectRootOf(absPath);
    if (!projectRoot) throw new LspError("invalid_input", `${absPath} is outside every project root`);
    // No server is started for a file that is not there.
    if (!existsSync(absPath)) throw new LspError("not_found", `file ${absPath} does not exist`);
    const root = findServerRoot(absPath, projectRoot, spec.rootMarkers);

    for (let attempt = 0; ; attempt++) {
      const client = await this.clientFor(spec, root, signal);
      try {
        const doc = client.sync(absPath);
        if (client.isLoading()) await client.waitUntilReady(this.setting("readyTimeoutMs"), signal);
        let result = await op(client, doc.uri, doc);
        if (opts.emptyMayMeanIndexing && isEmpty(result) && client.isLoading()) {
          const ready = await client.waitUntilReady(this.setting("readyTimeoutMs"), signal);
          if (!ready) throw new LspError("indexing", `${spec.id} is still indexing ${root} (${client.loadingTitles().join(", ")}); retry shortly`);
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

  /** The running client for (spec, root), starting it (once, shared by concurrent callers) if needed. */
  private async clientFor(spec: ServerSpec, root: string, signal?: AbortSignal): Promise<LanguageServerClient> {
    const key = keyOf(spec.id, root);
    const existing = this.clients.get(key);
    if (existing && existing.state === "running" && existing.isAlive()) return existing;
    const pending = this.starting.get(key);
    if (pending) return pending;

    const failure = this.failures.get(key);
    if (failure?.broken) throw this.brokenError(spec, root, failure);
    const start = (async () => {
      if (failure) {
        const wait = failure.nextAttemptAt - Date.now();
        if (wait > DEFAULTS.maxInlineWaitMs) {
          throw new LspError("unavailable", `language server '${spec.id}' failed (${failure.lastReason}); it will be restarted in ${Math.ceil(wait / 1000)} s; retry then`);
        }
        if (wait > 0) await sleep(wait, signal);
      }
      return this.spawnClient(spec, root);
    })();
    this.starting.set(key, start);
    try {
      return await start;
    } finally {
      this.starting.delete(key);
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
    if (client.pid !== undefined) this.livePids.add(client.pid);
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
    if (client.pid !== undefined) this.livePids.delete(client.pid);
    this.options.onEvent?.({ type: "exit", serverId: client.id, root: client.root, expected, reason });
    // A crash during start is recorded by spawnClient, with the start error.
    const spec = this.registry.get(client.id);
    if (!expected && wasRunning && !this.disposed && spec) this.recordFailure(spec, client.root, reason);
  }

  private recordFailure(spec: ServerSpec, root: string, reason: string): FailureRecord {
    const key = keyOf(spec.id, root);
    const prev = this.failures.get(key);
    const count = (prev?.count ?? 0) + 1;
    const backoff = Math.min(this.setting("restartBackoffMs") * 2 ** (count - 1), this.setting("restartBackoffCapMs"));
    const record: FailureRecord = { count, lastReason: reason, nextAttemptAt: Date.now() + backoff, broken: count >= this.setting("maxRestarts") };
    this.failures.set(key, record);
    if (record.broken) this.options.onEvent?.({ type: "broken", serverId: spec.id, root, reason });
    return record;
  }

  private brokenError(spec: ServerSpec, root: string, failure: FailureRecord): LspError {
    return new LspError(
      "unavailable",
      `language server '${spec.id}' is marked broken for ${root}: it failed ${failure.count} times in a row (last: ${failure.lastReason}). ` +
        `To fix: check that it runs (${spec.command.join(" ")}); ${spec.install}. Then restart it (pool.restart / the restart command) or edit codeintel.json.`,
      { serverId: spec.id, broken: true },
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

const SKIP_DIRS = new Set(["node_modules", ".git", "dist", "build", "out", ".venv", "venv", "__pycache__", "target", ".cache"]);

/** One sample file per server with files in `root` (bounded breadth-first scan). */
function sampleFilesBySpec(root: string, registry: ServerRegistry, maxEntries = 5000): Map<string, string> {
  const found = new Map<string, string>();
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen < maxEntries) {
    const dir = queue.shift()!;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen > maxEntries) break;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) queue.push(join(dir, e.name));
      } else if (e.isFile()) {
        const spec = registry.specFor(e.name);
        // A sample the server would refuse (binary, huge) cannot give it project context.
        if (spec && !found.has(spec.id) && extname(e.name) !== ".json" && readSourceTextSync(join(dir, e.name)).ok) found.set(spec.id, join(dir, e.name));
      }
    }
  }
  return found;
}
