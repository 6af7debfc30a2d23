// One running language server, assembled from one part per concern: its process
// (server-process.ts), its JSON-RPC connection and the initialize handshake (here), its
// requests with timeouts (requests.ts), the documents it has open (documents.ts), whether it
// is still loading (readiness.ts), the diagnostics it reports (diagnostics-store.ts), what it
// can do (capabilities.ts) and the answers to its own requests (server-requests.ts). The pool
// owns the policy (which client, restarts, idle eviction); the client owns the mechanics.

import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import type { Diagnostic, InitializeResult, PublishDiagnosticsParams, ServerCapabilities } from "vscode-languageserver-protocol";
import { clientCapabilities, ServerCapabilitySet } from "./capabilities.js";
import { DiagnosticsStore } from "./diagnostics-store.js";
import { DocumentSet, type OpenDocument } from "./documents.js";
import { LspError, withServerOutput } from "./errors.js";
import { Readiness } from "./readiness.js";
import type { Launch, ServerSpec } from "./registry.js";
import { Requests } from "./requests.js";
import { answerServerRequests } from "./server-requests.js";
import { ServerProcess } from "./server-process.js";

export interface ClientOptions {
  spec: ServerSpec;
  launch: Launch;
  root: string;
  /** The canonical project roots (the server root is inside one): documents are confined to them. */
  roots: readonly string[];
  languageIdFor(absPath: string): string;
  maxOpenDocuments: number;
  timeoutFor(method: string): number;
  /** Called once when the process exits; `expected` is false for crashes. */
  onExit(client: LanguageServerClient, expected: boolean, reason: string, wasRunning: boolean): void;
  /** Every publishDiagnostics the server sends (for listeners such as plugins). */
  onDiagnostics?(client: LanguageServerClient, params: PublishDiagnosticsParams): void;
}

export type ClientState = "starting" | "running" | "stopping" | "stopped";

/** How long a server that answered shutdown gets to exit before its tree is killed. */
const EXIT_GRACE_MS = 1000;
const SHUTDOWN_TIMEOUT_MS = 2000;

export class LanguageServerClient {
  state: ClientState = "starting";
  lastUsed = Date.now();
  readonly startedAt = Date.now();
  readonly documents: DocumentSet;
  readonly serverCapabilities = new ServerCapabilitySet();
  private readonly readiness: Readiness;
  private readonly diagnostics: DiagnosticsStore;
  private readonly requests: Requests;
  private process?: ServerProcess;
  private connection?: MessageConnection;
  private exitReported = false;

  constructor(readonly options: ClientOptions) {
    this.documents = new DocumentSet(
      {
        didOpen: (d) => this.notify("textDocument/didOpen", { textDocument: { uri: d.uri, languageId: d.languageId, version: d.version, text: d.text } }),
        didChange: (d) => this.notify("textDocument/didChange", { textDocument: { uri: d.uri, version: d.version }, contentChanges: [{ text: d.text }] }),
        didClose: (d) => {
          this.diagnostics.forget(d.uri);
          this.notify("textDocument/didClose", { textDocument: { uri: d.uri } });
        },
      },
      options.languageIdFor,
      options.maxOpenDocuments,
      options.roots,
    );
    this.readiness = new Readiness(options.spec.logReadiness);
    this.diagnostics = new DiagnosticsStore({
      id: this.id,
      supportsPullDiagnostics: () => this.serverCapabilities.supportsPullDiagnostics(),
      request: (method, params, signal) => this.request(method, params, signal),
      isLoading: () => this.isLoading(),
      timeoutFor: options.timeoutFor,
    });
    this.requests = new Requests({
      id: this.id,
      root: this.root,
      isLoading: () => this.isLoading(),
      isRunning: () => this.state !== "stopped" && this.processRunning(),
      crashError: (what) => this.crashError(what),
      onHung: (reason) => this.kill(reason),
      onActivity: () => {
        this.lastUsed = Date.now();
      },
    });
  }

  get id(): string {
    return this.options.spec.id;
  }

  get root(): string {
    return this.options.root;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** The capabilities the server announced in its initialize answer. */
  get capabilities(): ServerCapabilities {
    return this.serverCapabilities.announced;
  }

  /** Running and usable; false as soon as the process or its pipe is gone, even before the exit event is handled. */
  isAlive(): boolean {
    return this.state === "running" && this.processRunning();
  }

  get pendingCount(): number {
    return this.requests.pendingCount;
  }

  /** Spawns the server and runs the initialize handshake. */
  async start(): Promise<void> {
    const { launch, root, spec } = this.options;
    const proc = new ServerProcess(launch, root, (reason) => this.handleExit(reason));
    this.process = proc;
    const connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
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
    this.serverCapabilities.announced = result?.capabilities ?? {};
    this.notify("initialized", {});
    this.notify("workspace/didChangeConfiguration", { settings: spec.settings ?? {} });
    if (this.state === "starting") this.state = "running";
  }

  /** A request with the method's timeout (see requests.ts). */
  request<R>(method: string, params: unknown, signal?: AbortSignal, timeoutMs = this.options.timeoutFor(method)): Promise<R> {
    const connection = this.connection;
    if (!connection || this.state === "stopped" || !this.processRunning()) return Promise.reject(this.crashError("is not running"));
    return this.requests.send<R>(connection, method, params, signal, timeoutMs);
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
    return this.readiness.isLoading();
  }

  loadingTitles(): string[] {
    return this.readiness.titles();
  }

  /** The loading work with its latest message and percentage, for progress reports ("Initializing… 40%"). */
  loadingDetails(): string[] {
    return this.readiness.details();
  }

  /** Calls `listener` on every progress change (begin, report, end) until the returned function is called. */
  onProgressChange(listener: () => void): () => void {
    return this.readiness.onChange(listener);
  }

  /** True once nothing is loading; false when `boundMs` after the start of the current loading period passes first. */
  waitUntilReady(boundMs: number, signal?: AbortSignal): Promise<boolean> {
    return this.readiness.waitUntilReady(boundMs, signal);
  }

  /** Diagnostics for the document's current version: pulled where supported, else the next matching push. */
  diagnosticsFor(doc: OpenDocument, signal?: AbortSignal): Promise<Diagnostic[]> {
    return this.diagnostics.forDocument(doc, signal);
  }

  /** Graceful stop: shutdown/exit, then SIGTERM, then SIGKILL of the process tree. */
  async stop(): Promise<void> {
    if (this.state === "stopped") return;
    this.state = "stopping";
    if (this.process?.canShutDown()) {
      try {
        await this.request("shutdown", null, undefined, SHUTDOWN_TIMEOUT_MS);
        this.notify("exit", null);
      } catch {
        // a server that cannot shut down is killed below
      }
    }
    await this.process?.end(EXIT_GRACE_MS);
    this.handleExit("stopped");
  }

  /**
   * Immediate kill of the whole tree (a hung or hollow server), reported as a crash. From
   * this moment the client is dead to callers: requests in flight fail as crashed (the pool
   * retries them on a new server), even if an answer is already on its way.
   */
  kill(reason: string): void {
    if (!this.process?.kill(reason)) return;
    this.requests.rejectAll(() => this.crashError(`crashed (${reason})`));
  }

  /** Last lines of stderr and window/logMessage, for error messages. */
  logTail(): string {
    return this.process?.logTail() ?? "";
  }

  private processRunning(): boolean {
    return this.process?.running() ?? false;
  }

  private installHandlers(connection: MessageConnection): void {
    answerServerRequests(connection, { root: this.root, settings: this.options.spec.settings, capabilities: this.serverCapabilities });
    connection.onUnhandledProgress(({ token, value }: { token: string | number; value: unknown }) => this.readiness.progress(token, value));
    connection.onNotification("textDocument/publishDiagnostics", (p: PublishDiagnosticsParams) => {
      // Ordered after every sync sent so far, before the next one.
      this.diagnostics.published(p, this.documents.currentSeq() + 0.5);
      this.options.onDiagnostics?.(this, p);
    });
    connection.onNotification("window/logMessage", (p: { type: number; message: string }) => {
      if (p.type <= 2) this.process?.remember(p.message + "\n");
      if (this.options.spec.fatalLog?.test(p.message) && (this.state === "starting" || this.state === "running")) {
        this.kill(`it reported: ${p.message.trim().slice(0, 200)}`);
      }
      this.readiness.logLine(p.message);
    });
    connection.onNotification(() => {
      // telemetry, showMessage and server-specific notifications are not needed
    });
  }

  private crashError(what: string): LspError {
    const tail = this.logTail();
    return new LspError("unavailable", withServerOutput(`language server '${this.id}' ${what}`, tail), { crashed: true, serverId: this.id });
  }

  private handleExit(exitReason: string): void {
    const killedBecause = this.process?.killedBecause;
    const reason = killedBecause ? `${killedBecause}; killed by codeintel` : exitReason;
    const expected = this.state === "stopping" || this.state === "stopped";
    const wasRunning = this.state === "running";
    this.state = "stopped";
    this.requests.rejectAll(() => this.crashError(expected ? "was stopped" : `crashed (${reason})`));
    this.connection?.dispose();
    this.connection = undefined;
    this.readiness.wakeAll();
    this.diagnostics.wakeAll();
    this.process?.killOrphans();
    if (!this.exitReported) {
      this.exitReported = true;
      this.options.onExit(this, expected, reason, wasRunning);
    }
  }
}
