// One running language server: its process (a process-group leader, so the whole
// tree can be killed), its JSON-RPC connection, the documents it has open, its
// progress (readiness) and the diagnostics it pushed. The pool owns the policy
// (which client, restarts, idle eviction); this class owns the mechanics.

import { spawn, type ChildProcess } from "node:child_process";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CancellationTokenSource,
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from "vscode-jsonrpc/node";
import type {
  ClientCapabilities,
  Diagnostic,
  DocumentDiagnosticReport,
  InitializeResult,
  PublishDiagnosticsParams,
  ServerCapabilities,
  SymbolKind,
} from "vscode-languageserver-protocol";
import { DocumentSet, type OpenDocument } from "./documents.js";
import { LspError } from "./errors.js";
import { killTree, processTree, signalTree } from "./process-tree.js";
import type { Launch, ServerSpec } from "./registry.js";

export interface ClientOptions {
  spec: ServerSpec;
  launch: Launch;
  root: string;
  languageIdFor(absPath: string): string;
  maxOpenDocuments: number;
  timeoutFor(method: string): number;
  /** Called once when the process exits; `expected` is false for crashes. */
  onExit(client: LanguageServerClient, expected: boolean, reason: string, wasRunning: boolean): void;
}

export type ClientState = "starting" | "running" | "stopping" | "stopped";

/** One piece of work the server reports through $/progress (or log lines): what, and how far. */
interface LoadingWork {
  title: string;
  message?: string;
  percentage?: number;
}

interface PendingRequest {
  reject(e: Error): void;
}

interface StoredDiagnostics {
  version?: number;
  seq: number;
  diagnostics: Diagnostic[];
}

const TAIL_LINES = 20;
const LOG_PROGRESS_TOKEN = "codeintel/log-readiness";

export class LanguageServerClient {
  state: ClientState = "starting";
  capabilities: ServerCapabilities = {};
  lastUsed = Date.now();
  readonly startedAt = Date.now();
  private child?: ChildProcess;
  private connection?: MessageConnection;
  readonly documents: DocumentSet;
  private readonly pending = new Set<PendingRequest>();
  private readonly activeProgress = new Map<string | number, LoadingWork>();
  /** When the current loading period began (progress went from none to some). */
  private loadingSince = Date.now();
  private readonly progressWaiters = new Set<() => void>();
  private readonly diagnostics = new Map<string, StoredDiagnostics>();
  private readonly diagnosticWaiters = new Set<() => void>();
  private readonly dynamicMethods = new Set<string>();
  private readonly stderrTail: string[] = [];
  private consecutiveTimeouts = 0;
  /** Why codeintel killed a server that still ran (hung, or it reported its inner process dead). */
  private killedBecause?: string;
  private exitReported = false;
  private exitPromise?: Promise<void>;

  constructor(readonly options: ClientOptions) {
    this.documents = new DocumentSet(
      {
        didOpen: (d) => this.notify("textDocument/didOpen", { textDocument: { uri: d.uri, languageId: d.languageId, version: d.version, text: d.text } }),
        didChange: (d) => this.notify("textDocument/didChange", { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ text: d.text }] }),
        didClose: (d) => {
          this.diagnostics.delete(d.uri);
          this.notify("textDocument/didClose", { textDocument: { uri: d.uri } });
        },
      },
      options.languageIdFor,
      options.maxOpenDocuments,
    );
    if (options.spec.logReadiness) this.beginProgress(LOG_PROGRESS_TOKEN, options.spec.logReadiness.title);
  }

  get id(): string {
    return this.options.spec.id;
  }

  get root(): string {
    return this.options.root;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Running and usable; false as soon as the process or its pipe is gone, even before the exit event is handled. */
  isAlive(): boolean {
    return this.state === "running" && this.processRunning();
  }

  private processRunning(): boolean {
    const child = this.child;
    return !!child && child.exitCode === null && child.signalCode === null && !child.stdin?.destroyed && this.killedBecause === undefined;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Spawns the server and runs the initialize handshake. */
  async start(): Promise<void> {
    const { launch, root, spec } = this.options;
    const child = spawn(launch.command, launch.args, {
      cwd: root,
      env: { ...process.env, ...launch.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    this.exitPromise = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.handleExit(code === null ? `killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
      child.once("error", (err) => {
        this.handleExit(`could not be started: ${err.message}`);
        resolve();
      });
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => this.remember(chunk));
    child.stdin!.on("error", () => {
      // EPIPE when the server died; the exit handler reports it
    });

    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    this.connection = connection;
    this.installHandlers(connection);
    connection.onError(() => {
      // transport errors surface as the process exit or request failures
    });
    connection.listen();

    const rootUri = pathToFileURL(root).href;
    const result = await this.request<InitializeResult>("initialize", {
      processId: process.pid,
      clientInfo: { name: "codeintel" },
      rootUri,
      rootPath: root,
      workspaceFolders: [{ uri: rootUri, name: basename(root) }],
      capabilities: clientCapabilities,
      initializationOptions: spec.initializationOptions ?? {},
    });
    this.capabilities = result?.capabilities ?? {};
    this.notify("initialized", {});
    this.notify("workspace/didChangeConfiguration", { settings: spec.settings ?? {} });
    if (this.state === "starting") this.state = "running";
  }

  /** A request with the method's timeout; timeout or abort sends $/cancelRequest and rejects at once. */
  request<R>(method: string, params: unknown, signal?: AbortSignal, timeoutMs = this.options.timeoutFor(method)): Promise<R> {
    const connection = this.connection;
    if (!connection || this.state === "stopped" || !this.processRunning()) {
      return Promise.reject(this.crashError("is not running"));
    }
    if (signal?.aborted) return Promise.reject(new LspError("cancelled", `${method} was cancelled`));
    this.lastUsed = Date.now();
    return new Promise<R>((resolve, reject) => {
      const cts = new CancellationTokenSource();
      const timer = setTimeout(() => onTimeout(), timeoutMs);
      const entry: PendingRequest = {
        reject: (e) => {
          finish();
          reject(e);
        },
      };
      const onAbort = () => {
        cts.cancel();
        entry.reject(new LspError("cancelled", `${method} was cancelled`));
      };
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.pending.delete(entry);
        cts.dispose();
        this.lastUsed = Date.now();
      };
      this.pending.add(entry);
      signal?.addEventListener("abort", onAbort, { once: true });
      const onTimeout = () => {
        cts.cancel();
        this.consecutiveTimeouts++;
        const loading = this.isLoading();
        // Name the step that was slow: the server's start, its loading, or the request itself.
        const step = method === "initialize" ? "timed out starting the server" : loading ? "timed out waiting for it to load" : "timed out on the request";
        entry.reject(
          loading && method !== "initialize"
            ? new LspError("indexing", `${step}: ${this.id} is still indexing ${this.root} and did not answer ${method} within ${timeoutMs} ms; retry shortly`)
            : new LspError("timeout", `${step}: ${this.id} did not answer ${method} within ${timeoutMs} ms`),
        );
        // Two timeouts in a row with nothing answered in between: treat the server as hung.
        if (this.consecutiveTimeouts >= 2 && !loading) this.kill(`stopped answering (${method} timed out twice)`);
      };
      connection.sendRequest<R>(method, params, cts.token).then(
        (value: R) => {
          if (!this.pending.has(entry)) return;
          this.consecutiveTimeouts = 0;
          finish();
          resolve(value);
        },
        (err: unknown) => {
          if (!this.pending.has(entry)) return;
          this.consecutiveTimeouts = 0;
          const message = err instanceof Error ? err.message : String(err);
          const gone = this.state === "stopped" || !this.processRunning();
          entry.reject(gone ? this.crashError("crashed") : new LspError("internal", `${this.id} failed ${method}: ${message}`));
        },
      );
    });
  }

  notify(method: string, params: unknown): void {
    if (!this.connection || this.state === "stopped") return;
    this.connection.sendNotification(method, params).catch(() => {
      // the exit handler reports a dead server
    });
  }

  /** Opens or refreshes `absPath` in the server. */
  sync(absPath: string): OpenDocument {
    this.lastUsed = Date.now();
    return this.documents.sync(absPath);
  }

  isLoading(): boolean {
    return this.activeProgress.size > 0;
  }

  loadingTitles(): string[] {
    return [...this.activeProgress.values()].map((w) => w.title);
  }

  /** The loading work with its latest message and percentage, for progress reports ("Initializing… 40%"). */
  loadingDetails(): string[] {
    return [...this.activeProgress.values()].map(
      (w) => `${w.title}${w.message ? `: ${w.message}` : ""}${w.percentage !== undefined ? ` (${Math.round(w.percentage)}%)` : ""}`,
    );
  }

  /** Calls `listener` on every progress change (begin, report, end) until the returned function is called. */
  onProgressChange(listener: () => void): () => void {
    this.progressWaiters.add(listener);
    return () => this.progressWaiters.delete(listener);
  }

  /**
   * Resolves true once no progress is active, false when `boundMs` after the start of
   * the current loading period passes first. Measured from the start of loading, so a
   * long background index (clangd on a big tree) delays queries once, not every query.
   */
  waitUntilReady(boundMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.isLoading()) return Promise.resolve(true);
    const remaining = this.loadingSince + boundMs - Date.now();
    if (remaining <= 0) return Promise.resolve(false);
    return waitFor(() => !this.isLoading(), this.progressWaiters, remaining, signal);
  }

  private beginProgress(token: string | number, title: string, message?: string, percentage?: number): void {
    if (this.activeProgress.size === 0) this.loadingSince = Date.now();
    this.activeProgress.set(token, { title, message, percentage });
  }

  supportsPullDiagnostics(): boolean {
    return this.capabilities.diagnosticProvider !== undefined || this.dynamicMethods.has("textDocument/diagnostic");
  }

  /** Diagnostics for the document's current version: pulled where supported, else the next matching push. */
  async diagnosticsFor(doc: OpenDocument, signal?: AbortSignal): Promise<Diagnostic[]> {
    if (this.supportsPullDiagnostics()) {
      const report = await this.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri: doc.uri } }, signal);
      if (report && report.kind === "full") return report.items;
    }
    const current = () => {
      const stored = this.diagnostics.get(doc.uri);
      if (!stored) return undefined;
      const fresh = stored.version !== undefined ? stored.version === doc.version : stored.seq > doc.syncSeq;
      return fresh ? stored : undefined;
    };
    const already = current();
    if (already) return already.diagnostics;
    const timeoutMs = this.options.timeoutFor("textDocument/diagnostic");
    const got = await waitFor(() => current() !== undefined, this.diagnosticWaiters, timeoutMs, signal);
    if (signal?.aborted) throw new LspError("cancelled", "diagnostics were cancelled");
    if (!got) {
      if (this.isLoading()) throw new LspError("indexing", `${this.id} is still indexing; no diagnostics yet for ${doc.absPath}; retry shortly`);
      throw new LspError("timeout", `${this.id} published no diagnostics for ${doc.absPath} within ${timeoutMs} ms`);
    }
    // Servers often publish twice (syntax, then semantics): let a follow-up land.
    const first = current()!;
    await waitFor(() => (current()?.seq ?? 0) > first.seq, this.diagnosticWaiters, 250, signal);
    return (current() ?? first).diagnostics;
  }

  /** Graceful stop: shutdown/exit, then SIGTERM, then SIGKILL of the process tree. */
  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    const child = this.child;
    this.state = "stopping";
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        await this.request("shutdown", null, undefined, 2000);
        this.notify("exit", null);
      } catch {
        // a server that cannot shut down is killed below
      }
      await Promise.race([this.exitPromise, delay(1000)]);
    }
    if (child?.pid !== undefined) await killTree(child.pid, 1000);
    this.handleExit("stopped");
  }

  /**
   * Immediate kill of the whole tree (a hung or hollow server), reported as a crash. From
   * this moment the client is dead to callers: requests in flight fail as crashed (the pool
   * retries them on a new server), even if an answer is already on its way.
   */
  kill(reason: string): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.killedBecause !== undefined) return;
    this.killedBecause = reason;
    this.remember(`[codeintel] ${reason}\n`);
    for (const p of [...this.pending]) p.reject(this.crashError(`crashed (${reason})`));
    signalTree(pid, processTree(pid), "SIGKILL");
  }

  /** Last lines of stderr and window/logMessage, for error messages. */
  logTail(): string {
    return this.stderrTail.join("").trim();
  }

  private installHandlers(connection: MessageConnection): void {
    connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
      params.items.map((item) => lookupSetting(this.options.spec.settings, item.section)),
    );
    connection.onRequest("workspace/workspaceFolders", () => [{ uri: pathToFileURL(this.root).href, name: basename(this.root) }]);
    connection.onRequest("client/registerCapability", (params: { registrations: { method: string }[] }) => {
      for (const r of params.registrations ?? []) this.dynamicMethods.add(r.method);
      return null;
    });
    connection.onRequest("client/unregisterCapability", (params: { unregisterations?: { method: string }[] }) => {
      for (const r of params.unregisterations ?? []) this.dynamicMethods.delete(r.method);
      return null;
    });
    connection.onRequest("window/workDoneProgress/create", () => null);
    connection.onRequest("workspace/applyEdit", () => ({ applied: false, failureReason: "codeintel is read-only" }));
    // Refresh requests, showMessageRequest, showDocument and anything newer: acknowledge so the server never waits on us.
    connection.onRequest(() => null);

    connection.onUnhandledProgress(({ token, value }: { token: string | number; value: unknown }) => {
      const v = value as { kind?: string; title?: string; message?: string; percentage?: number };
      const work = this.activeProgress.get(token);
      if (v?.kind === "begin") this.beginProgress(token, v.title ?? "working", v.message, v.percentage);
      else if (v?.kind === "report" && work) this.activeProgress.set(token, { title: work.title, message: v.message ?? work.message, percentage: v.percentage ?? work.percentage });
      else if (v?.kind === "end") this.activeProgress.delete(token);
      wake(this.progressWaiters);
    });
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, { version: p.version, seq: this.documents.currentSeq() + 0.5, diagnostics: p.diagnostics });
      wake(this.diagnosticWaiters);
    });
    connection.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      if (p.type <= 2) this.remember(p.message + "\n");
      if (this.options.spec.fatalLog?.test(p.message) && (this.state === "starting" || this.state === "running")) {
        this.kill(`it reported: ${p.message.trim().slice(0, 200)}`);
      }
      const readiness = this.options.spec.logReadiness;
      if (readiness?.end.test(p.message)) this.activeProgress.delete(LOG_PROGRESS_TOKEN);
      else if (readiness?.begin.test(p.message)) this.beginProgress(LOG_PROGRESS_TOKEN, readiness.title);
      wake(this.progressWaiters);
    });
    connection.onNotification(() => {
      // telemetry, showMessage and server-specific notifications are not needed
    });
  }

  private remember(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      this.stderrTail.push(line.slice(0, 300) + "\n");
      if (this.stderrTail.length > TAIL_LINES) this.stderrTail.shift();
    }
  }

  private crashError(what: string): LspError {
    const tail = this.logTail();
    return new LspError("unavailable", `language server '${this.id}' ${what}${tail ? `; its last output:\n${tail}` : ""}`, { crashed: true, serverId: this.id });
  }

  private handleExit(exitReason: string): void {
    const reason = this.killedBecause ? `${this.killedBecause}; killed by codeintel` : exitReason;
    const expected = this.state === "stopping" || this.state === "stopped";
    const wasRunning = this.state === "running";
    this.state = "stopped";
    for (const p of [...this.pending]) p.reject(this.crashError(expected ? "was stopped" : `crashed (${reason})`));
    this.connection?.dispose();
    this.connection = undefined;
    wake(this.progressWaiters);
    wake(this.diagnosticWaiters);
    // Children of a crashed server (tsserver under typescript-language-server) must not outlive it.
    const pid = this.child?.pid;
    if (pid !== undefined) signalTree(pid, processTree(pid), "SIGKILL");
    if (!this.exitReported) {
      this.exitReported = true;
      this.options.onExit(this, expected, reason, wasRunning);
    }
  }
}

const symbolKinds = Array.from({ length: 26 }, (_, i) => (i + 1) as SymbolKind);

const clientCapabilities: ClientCapabilities = {
  general: { positionEncodings: ["utf-16"] },
  window: { workDoneProgress: true },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: false },
    didChangeWatchedFiles: { dynamicRegistration: true },
    symbol: { symbolKind: { valueSet: symbolKinds } },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false, willSave: false },
    hover: { contentFormat: ["markdown", "plaintext"] },
    definition: { linkSupport: true },
    typeDefinition: { linkSupport: true },
    implementation: { linkSupport: true },
    references: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true, symbolKind: { valueSet: symbolKinds } },
    callHierarchy: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, relatedInformation: false },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
  },
};

function lookupSetting(settings: Record<string, unknown> | undefined, section: string | undefined): unknown {
  if (!settings) return null;
  if (!section) return settings;
  let node: unknown = settings;
  for (const part of section.split(".")) {
    if (typeof node !== "object" || node === null || !(part in node)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function wake(waiters: Set<() => void>): void {
  for (const w of [...waiters]) w();
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** Resolves true when `ready()` holds (checked whenever a waiter is woken), false after `boundMs` or abort. */
function waitFor(ready: () => boolean, waiters: Set<() => void>, boundMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (ready()) return resolve(true);
    const done = (value: boolean) => {
      clearTimeout(timer);
      waiters.delete(check);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const check = () => {
      if (ready()) done(true);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(ready()), boundMs);
    waiters.add(check);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
