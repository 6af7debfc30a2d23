// Keeps the pool's language servers: one client per (server id, server root), started once
// however many callers ask at the same time, restarted after a crash as restart-policy.ts
// allows, stopped when idle, and never leaked — dispose() stops them all, a process "exit"
// hook SIGKILLs their groups if dispose never ran, and orphan-guard.ts's watchdog does it
// if codeintel itself is SIGKILLed. Every wait for a start is capped by the current tool
// call's budget (call-budget.ts); the start itself goes on for later callers.
//
//   new ServerSupervisor({ registry, settings, roots, onEvent })
//   clientFor(spec, root, signal?) → a running client (starting or restarting it)
//   running(serverId, root)        → the live client, if any (no start)
//   current(serverId, root)        → the client starting or running, if any (no start)
//   onClientAdded(listener)        → unsubscribe; told whenever a client is created
//   clients()                      every client, running or starting
//   stop(filter) → the clients stopped
//   failures                       the FailureLog (restart() and config reloads clear it)
//   serverPids() / dispose() / killAllSync()

import type { Diagnostic } from "vscode-languageserver-protocol";
import { startCallClock, timeLeftInCall } from "./call-budget.js";
import { LanguageServerClient } from "./client.js";
import { firstLineOf, LspError, withServerOutput } from "./errors.js";
import { guardGroup, guardIdle, releaseGroup } from "./orphan-guard.js";
import type { PoolSettings } from "./pool-settings.js";
import { killTreeSync } from "./process-tree.js";
import type { ServerRegistry, ServerSpec } from "./registry.js";
import { brokenError, FailureLog, MAX_INLINE_WAIT_MS } from "./restart-policy.js";
import { sleep, wake, type Waiters } from "./wait.js";

export type PoolEvent =
  | { type: "spawn"; serverId: string; root: string; pid: number | undefined }
  | { type: "ready"; serverId: string; root: string }
  | { type: "exit"; serverId: string; root: string; expected: boolean; reason: string }
  | { type: "broken"; serverId: string; root: string; reason: string }
  | { type: "idle-stop"; serverId: string; root: string }
  | { type: "diagnostics"; serverId: string; root: string; uri: string; version?: number; diagnostics: Diagnostic[] };

export interface SupervisorOptions {
  /** The current registry (it changes when codeintel.json is reloaded). */
  registry: () => ServerRegistry;
  settings: PoolSettings;
  /** The canonical project roots, to which every client's documents are confined. */
  roots: readonly string[];
  onEvent?: (e: PoolEvent) => void;
}

const keyOf = (serverId: string, root: string): string => `${serverId}\0${root}`;

const supervisorsAlive = new Set<ServerSupervisor>();
let exitHookInstalled = false;

export class ServerSupervisor {
  readonly failures: FailureLog;
  private readonly clientsByKey = new Map<string, LanguageServerClient>();
  private readonly starting = new Map<string, Promise<LanguageServerClient>>();
  private readonly livePids = new Set<number>();
  private readonly added: Waiters = new Set();
  private idleTimer?: NodeJS.Timeout;
  private disposed = false;

  constructor(private readonly options: SupervisorOptions) {
    this.failures = new FailureLog(options.settings);
    supervisorsAlive.add(this);
    installExitHook();
    this.scheduleIdleCheck();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  running(serverId: string, root: string): LanguageServerClient | undefined {
    const client = this.clientsByKey.get(keyOf(serverId, root));
    return client?.isAlive() ? client : undefined;
  }

  current(serverId: string, root: string): LanguageServerClient | undefined {
    const client = this.clientsByKey.get(keyOf(serverId, root));
    return client && (client.state === "starting" || client.state === "running") ? client : undefined;
  }

  onClientAdded(listener: () => void): () => void {
    this.added.add(listener);
    return () => this.added.delete(listener);
  }

  clients(): LanguageServerClient[] {
    return [...this.clientsByKey.values()];
  }

  /** The running client for (spec, root), starting it (once, shared by concurrent callers) if needed. */
  async clientFor(spec: ServerSpec, root: string, signal?: AbortSignal): Promise<LanguageServerClient> {
    startCallClock(this.options.settings.get("callBudgetMs"));
    const key = keyOf(spec.id, root);
    const existing = this.clientsByKey.get(key);
    if (existing && existing.state === "running" && existing.isAlive()) return existing;
    const pending = this.starting.get(key);
    if (pending) return this.awaitStart(spec, root, pending);

    const failure = this.failures.get(spec.id, root);
    // Broken is not forever: once the cool-down is over, this call tries again.
    if (failure?.broken && Date.now() < failure.nextAttemptAt) throw brokenError(spec, root, failure);
    const start = (async () => {
      if (failure && !failure.broken) {
        const wait = failure.nextAttemptAt - Date.now();
        if (wait > Math.min(MAX_INLINE_WAIT_MS, timeLeftInCall())) {
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

  /** Stops the clients `filter` picks (they start again on their next use). */
  async stop(filter: (c: LanguageServerClient) => boolean): Promise<LanguageServerClient[]> {
    const stopping = this.clients().filter(filter);
    await Promise.all(stopping.map((c) => c.stop()));
    return stopping;
  }

  /** Pids of every server process this supervisor started that may still be running. */
  serverPids(): number[] {
    return [...this.livePids];
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.idleTimer);
    // Starting clients are in `clientsByKey` too: stopping them ends their initialize at once.
    const starting = [...this.starting.values()];
    await Promise.all(this.clients().map((c) => c.stop()));
    const started = await Promise.allSettled(starting);
    await Promise.all(started.map((s) => (s.status === "fulfilled" ? s.value.stop() : undefined)));
    for (const pid of this.livePids) {
      killTreeSync(pid);
      releaseGroup(pid);
    }
    this.livePids.clear();
    supervisorsAlive.delete(this);
    await guardIdle();
  }

  /** Synchronous kill of every server, for process exit without dispose(). */
  killAllSync(): void {
    for (const pid of this.livePids) killTreeSync(pid);
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
    const { settings, onEvent } = this.options;
    const registry = this.options.registry();
    const client = new LanguageServerClient({
      spec,
      launch: registry.resolveLaunch(spec, root),
      root,
      roots: this.options.roots,
      languageIdFor: (p) => registry.languageIdFor(spec, p),
      maxOpenDocuments: settings.get("maxOpenDocuments"),
      timeoutFor: (m) => settings.timeoutFor(m),
      onExit: (c, expected, reason, wasRunning) => this.onClientExit(c, expected, reason, wasRunning),
      onDiagnostics: (c, p) => this.options.onEvent?.({ type: "diagnostics", serverId: c.id, root: c.root, uri: p.uri, version: p.version, diagnostics: p.diagnostics }),
    });
    this.clientsByKey.set(keyOf(spec.id, root), client);
    const startPromise = client.start();
    wake(this.added);
    if (client.pid !== undefined) {
      this.livePids.add(client.pid);
      guardGroup(client.pid);
    }
    onEvent?.({ type: "spawn", serverId: spec.id, root, pid: client.pid });
    try {
      await startPromise;
    } catch (e) {
      await client.stop().catch(() => undefined);
      // The first line only: the output is added below, once.
      const reason = firstLineOf(e instanceof Error ? e.message : String(e));
      const failure = this.recordFailure(spec.id, root, `failed to start: ${reason}`);
      if (failure.broken) throw brokenError(spec, root, failure);
      const tail = client.logTail();
      throw new LspError("unavailable", withServerOutput(`language server '${spec.id}' failed to start (${reason})`, tail), { serverId: spec.id });
    }
    if (this.disposed) {
      await client.stop();
      throw new LspError("unavailable", "the language server pool has been shut down");
    }
    onEvent?.({ type: "ready", serverId: spec.id, root });
    return client;
  }

  private onClientExit(client: LanguageServerClient, expected: boolean, reason: string, wasRunning: boolean): void {
    const key = keyOf(client.id, client.root);
    if (this.clientsByKey.get(key) === client) this.clientsByKey.delete(key);
    if (client.pid !== undefined) {
      this.livePids.delete(client.pid);
      releaseGroup(client.pid);
    }
    this.options.onEvent?.({ type: "exit", serverId: client.id, root: client.root, expected, reason });
    // A crash during start is recorded by spawnClient, with the start error.
    const known = this.options.registry().get(client.id) !== undefined;
    if (!expected && wasRunning && !this.disposed && known) this.recordFailure(client.id, client.root, reason);
  }

  private recordFailure(serverId: string, root: string, reason: string) {
    const record = this.failures.record(serverId, root, reason);
    if (record.broken) this.options.onEvent?.({ type: "broken", serverId, root, reason });
    return record;
  }

  private scheduleIdleCheck(): void {
    const idle = this.options.settings.get("idleTimeoutMs");
    if (idle <= 0) return;
    const every = Math.max(50, Math.min(idle / 2, 30_000));
    this.idleTimer = setTimeout(() => {
      const now = Date.now();
      for (const c of this.clientsByKey.values()) {
        if (c.state === "running" && c.pendingCount === 0 && now - c.lastUsed >= idle) {
          this.options.onEvent?.({ type: "idle-stop", serverId: c.id, root: c.root });
          void c.stop();
        }
      }
      if (!this.disposed) this.scheduleIdleCheck();
    }, every);
    this.idleTimer.unref();
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const s of supervisorsAlive) s.killAllSync();
  });
}
