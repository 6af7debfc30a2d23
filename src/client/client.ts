// A client of the app-server protocol that survives the server: a heartbeat ($/ping) finds a
// server that stopped answering, a dropped connection fails the requests in flight at once
// (code "disconnected", retryable) and is made again with capped exponential backoff and
// jitter, re-initializing and re-opening the live search sessions. close() leaves no timer or
// handle behind. It imports only the protocol (src/protocol), never the server: loading it
// stays cheap, and the names, shapes and codes it speaks are the server's own.
import {
  METHODS,
  NOTIFICATIONS,
  TOOL_NAMES,
  type FileMatch,
  type FindFilesOutput,
  type RpcErrorObject,
  type ToolDescription,
  type ToolProgress,
  type ToolsCallResult,
  type TypedTools,
} from "../protocol/index.js";
import { ClientError } from "./errors.js";
import type { Link, LinkFactory } from "./links.js";
import { ClientSearchSession, type SessionWire } from "./search-session.js";

export type ClientState = "connected" | "reconnecting" | "closed";

export interface ReconnectOptions {
  /** First delay (default 100 ms); each failed attempt doubles it, up to capMs. */
  baseMs?: number;
  /** Longest delay between attempts (default 5000 ms). */
  capMs?: number;
  /** Give up (state "closed") after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

export interface ClientOptions {
  /** Ping period; a ping unanswered at the next one drops the connection (default 20000; 0: no heartbeat). */
  heartbeatMs?: number;
  /**
   * How long a connection attempt waits for the server's initialize answer (default 30000; 0: no limit).
   * Separate from the heartbeat: a server that is starting on a busy machine answers slowly but is
   * not dead, and a short heartbeat (tests, eager dead-peer detection) must not shorten it.
   */
  initializeTimeoutMs?: number;
  /** Reconnect after a drop (default true). */
  reconnect?: boolean | ReconnectOptions;
  clientInfo?: { name: string; version: string };
  /** Told when the connection drops, comes back, or the client ends. */
  onStateChange?: (state: ClientState, detail: string) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Progress of a tool call ($/progress), when the tool reports any. */
  onProgress?: (p: ToolProgress) => void;
}

export interface ServerInfo {
  name: string;
  version: string;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: ClientError): void;
  onProgress?: (p: ToolProgress) => void;
}

interface IncomingMessage {
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: RpcErrorObject;
}

export class CodeIntelClient implements TypedTools, SessionWire {
  private link: Link | undefined;
  private stateValue: ClientState = "reconnecting";
  private nextId = 1;
  private readonly pending = new Map<string | number, Pending>();
  private readonly sessions = new Map<string, ClientSearchSession>();
  private heartbeat: NodeJS.Timeout | undefined;
  private pingOutstanding = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private info: ServerInfo | undefined;
  private readonly heartbeatMs: number;
  private readonly initializeTimeoutMs: number;
  /** Ends a connection attempt in progress (its link and its initialize timer): close() calls it. */
  private abortAttach: (() => void) | undefined;
  private readonly reconnect: Required<Omit<ReconnectOptions, "maxAttempts">> & { maxAttempts?: number } | undefined;

  /** Use connect() (client/index.ts). */
  constructor(
    private readonly makeLink: LinkFactory,
    private readonly options: ClientOptions = {},
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 20_000;
    this.initializeTimeoutMs = options.initializeTimeoutMs ?? 30_000;
    const r = options.reconnect ?? true;
    this.reconnect = r === false ? undefined : { baseMs: 100, capMs: 5000, ...(r === true ? {} : r) };
  }

  get state(): ClientState {
    return this.stateValue;
  }

  /** The server's name and version, from the last initialize. */
  get serverInfo(): ServerInfo | undefined {
    return this.info;
  }

  /** The first connection: rejects when it cannot be made (no retry). */
  async open(): Promise<this> {
    await this.attach();
    return this;
  }

  /** One JSON-RPC request; rejects with ClientError (never hangs on a dropped connection). */
  request<T = unknown>(method: string, params: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<T> {
    const { signal, onProgress } = options;
    if (this.stateValue === "closed") return Promise.reject(new ClientError("closed", `${method}: the client is closed`));
    if (!this.link || this.stateValue !== "connected") return Promise.reject(this.disconnectedError(method, "not connected (reconnecting)"));
    if (signal?.aborted) return Promise.reject(new ClientError("cancelled", `${method}: cancelled`));
    const id = this.nextId++;
    const message: Record<string, unknown> = { jsonrpc: "2.0", id, method, params };
    if (onProgress) message.params = { ...params, _meta: { progressToken: `p${id}` } };
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(id)) return;
        this.notify(NOTIFICATIONS.cancelRequest, { id });
        reject(new ClientError("cancelled", `${method}: cancelled`));
      };
      const done = () => signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        method,
        onProgress,
        resolve: (v) => {
          done();
          resolve(v as T);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      this.link!.send(JSON.stringify(message));
    });
  }

  notify(method: string, params?: Record<string, unknown>): void {
    if (this.stateValue === "connected") this.link?.send(JSON.stringify({ jsonrpc: "2.0", method, params }));
  }

  /** Any tool by name (plugin tools too): its structured output and the compact text an agent sees. */
  call<O = unknown>(name: string, input: object = {}, options?: RequestOptions): Promise<ToolsCallResult<O>> {
    return this.request(METHODS.toolsCall, { name, arguments: input }, options);
  }

  /** The catalog as the server publishes it. */
  async tools(): Promise<ToolDescription[]> {
    return (await this.request<{ tools: ToolDescription[] }>(METHODS.toolsList)).tools;
  }

  /**
   * One-shot fuzzy file search: the final top matches, as the in-process findFiles gives them
   * (find_files' rules: smart-case, an empty query lists the shortest paths; camelCase FileMatch).
   */
  async findFiles(query: string, options: { roots?: string[]; limit?: number; signal?: AbortSignal } = {}): Promise<FileMatch[]> {
    const input: Record<string, unknown> = { query };
    if (options.roots?.length) input.roots = options.roots;
    if (options.limit !== undefined) input.limit = options.limit;
    return (await this.request<FindFilesOutput>(TOOL_NAMES.findFiles, input, options)).results;
  }

  /** A streaming search session with the in-process session's rules and shape: update(query) per keystroke, iterate for snapshots; it survives reconnects. */
  searchSession(options: { roots?: string[] } = {}): ClientSearchSession {
    const session = new ClientSearchSession(this, options.roots ?? []);
    this.sessions.set(session.id, session);
    if (this.stateValue === "connected") session.reopen();
    return session;
  }

  forgetSession(id: string): void {
    this.sessions.delete(id);
  }

  get connected(): boolean {
    return this.stateValue === "connected";
  }

  /** Ends the connection for good: requests in flight fail ("closed"), sessions end, no timer stays. */
  async close(): Promise<void> {
    if (this.stateValue === "closed") return;
    this.setState("closed", "closed by the client");
    this.stopTimers();
    this.failPending((m) => new ClientError("closed", `${m}: the client was closed`));
    for (const s of this.sessions.values()) s.end();
    this.sessions.clear();
    this.abortAttach?.();
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  hover = this.typed("hover");
  definition = this.typed("definition");
  typeDefinition = this.typed("typeDefinition");
  implementation = this.typed("implementation");
  references = this.typed("references");
  callHierarchy = this.typed("callHierarchy");
  diagnostics = this.typed("diagnostics");
  documentSymbols = this.typed("documentSymbols");
  workspaceSymbols = this.typed("workspaceSymbols");
  restart = this.typed("restart");
  servers = this.typed("servers");
  index = this.typed("index");

  /** A typed method as a request for its tool (TOOL_NAMES: `typeDefinition` is `type_definition`). */
  private typed<K extends keyof TypedTools>(method: K): TypedTools[K] {
    const name = TOOL_NAMES[method];
    return ((input: object = {}, options?: RequestOptions) => this.request(name, input as Record<string, unknown>, options)) as TypedTools[K];
  }

  /** Makes a link and initializes it; on success the client is connected and its sessions re-opened. */
  private async attach(): Promise<void> {
    let link: Link | undefined;
    const closedEarly = new Promise<never>((_, reject) => {
      void this.makeLink({
        message: (text) => {
          if (link && link === this.link) this.onMessage(text);
          else if (link) handshake.onMessage(text);
        },
        closed: (reason) => {
          if (link && link === this.link) this.drop(reason);
          else reject(new Error(reason));
        },
      }).then(
        (l) => {
          link = l;
          gotLink(l);
        },
        (err: Error) => reject(err),
      );
    });
    let gotLink!: (l: Link) => void;
    const linked = new Promise<Link>((resolve) => (gotLink = resolve));
    const handshake = new Handshake(this.options.clientInfo ?? { name: "codeintel-client", version: "1" });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // A server that accepts but never answers (stopped, wedged) must not hold the handshake forever.
      const limit = this.initializeTimeoutMs;
      if (limit > 0) timer = setTimeout(() => reject(new Error(`no answer to initialize within ${limit} ms`)), limit);
      this.abortAttach = () => reject(new Error("the client was closed while connecting"));
    });
    try {
      const l = await Promise.race([linked, closedEarly, timeout]);
      const result = await Promise.race([handshake.run(l), closedEarly, timeout]);
      this.info = (result as { serverInfo?: ServerInfo }).serverInfo;
      if (this.stateValue === "closed") {
        await l.close();
        return;
      }
      this.link = l;
      this.attempts = 0;
      this.setState("connected", `connected to ${l.label}`);
      this.startHeartbeat();
      for (const s of this.sessions.values()) s.reopen();
    } catch (err) {
      void link?.close();
      throw err;
    } finally {
      clearTimeout(timer);
      this.abortAttach = undefined;
    }
  }

  private onMessage(text: string): void {
    let message: IncomingMessage;
    try {
      message = JSON.parse(text) as IncomingMessage;
    } catch {
      return; // not ours to answer: a server never sends junk on purpose
    }
    if (message.method === undefined && message.id !== undefined && message.id !== null) {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      if (message.error) p.reject(ClientError.fromRpc(message.error));
      else p.resolve(message.result);
      return;
    }
    const params = message.params ?? {};
    if (message.method === NOTIFICATIONS.progress) {
      const token = params.progressToken;
      const id = typeof token === "string" && token.startsWith("p") ? Number(token.slice(1)) : NaN;
      const { progressToken: _t, ...progress } = params;
      this.pending.get(id)?.onProgress?.(progress as unknown as ToolProgress);
      return;
    }
    if (typeof params.sessionId === "string") this.sessions.get(params.sessionId)?.onNotification(message.method ?? "", params);
  }

  private startHeartbeat(): void {
    if (this.heartbeatMs <= 0) return;
    this.pingOutstanding = false;
    this.heartbeat = setInterval(() => {
      if (this.pingOutstanding) {
        this.drop(`no answer to $/ping within ${this.heartbeatMs} ms`);
        return;
      }
      this.pingOutstanding = true;
      this.request(METHODS.ping).then(
        () => (this.pingOutstanding = false),
        () => undefined,
      );
    }, this.heartbeatMs);
    // The heartbeat watches a connection; it is not a reason for the process to stay up.
    this.heartbeat.unref();
  }

  /** The connection is gone: fail what is in flight at once, then reconnect (or end). */
  private drop(reason: string): void {
    if (this.stateValue !== "connected") return;
    const link = this.link;
    this.link = undefined;
    void link?.close();
    this.stopTimers();
    this.failPending((m) => this.disconnectedError(m, reason, link?.label));
    for (const s of this.sessions.values()) s.connectionLost();
    if (!this.reconnect) {
      this.setState("closed", `disconnected: ${reason}`);
      for (const s of this.sessions.values()) s.end(this.disconnectedError("search session", reason, link?.label));
      this.sessions.clear();
      return;
    }
    this.setState("reconnecting", `disconnected: ${reason}`);
    this.scheduleAttempt();
  }

  private scheduleAttempt(): void {
    const r = this.reconnect!;
    if (r.maxAttempts !== undefined && this.attempts >= r.maxAttempts) {
      this.setState("closed", `gave up reconnecting after ${this.attempts} attempts`);
      for (const s of this.sessions.values()) s.end(this.disconnectedError("search session", "gave up reconnecting"));
      this.sessions.clear();
      return;
    }
    // Full jitter over [half, all] of the capped exponential delay: clients of a restarted server spread out.
    const ceiling = Math.min(r.capMs, r.baseMs * 2 ** this.attempts);
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.attempts++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.stateValue !== "reconnecting") return;
      this.attach().catch(() => {
        if (this.stateValue === "reconnecting") this.scheduleAttempt();
      });
    }, delay);
  }

  private failPending(error: (method: string) => ClientError): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error(p.method));
  }

  private disconnectedError(method: string, reason: string, label?: string): ClientError {
    return new ClientError("disconnected", `${method}: connection${label ? ` to ${label}` : ""} lost (${reason}); retry`);
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(state: ClientState, detail: string): void {
    this.stateValue = state;
    this.options.onStateChange?.(state, detail);
  }
}

/** initialize + initialized on a fresh link, before it becomes the client's link. */
class Handshake {
  private resolve: ((v: unknown) => void) | undefined;
  private reject: ((e: Error) => void) | undefined;

  constructor(private readonly clientInfo: { name: string; version: string }) {}

  run(link: Link): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      link.send(JSON.stringify({ jsonrpc: "2.0", id: 0, method: METHODS.initialize, params: { clientInfo: this.clientInfo } }));
    }).then((result) => {
      link.send(JSON.stringify({ jsonrpc: "2.0", method: NOTIFICATIONS.initialized }));
      return result;
    });
  }

  onMessage(text: string): void {
    let m: IncomingMessage;
    try {
      m = JSON.parse(text) as IncomingMessage;
    } catch {
      return;
    }
    if (m.id !== 0) return;
    if (m.error) this.reject?.(ClientError.fromRpc(m.error));
    else this.resolve?.(m.result);
  }
}
