// The app-server's message processor. It knows connections only by id and a writer:
// a transport connects, hands over each decoded text message, and closes. Answers and
// notifications go out through the connection's own bounded queue, so one slow client
// never holds up the processor or anyone else.
import type { Admission, ToolDispatch } from "./dispatch.js";
import type { FileSearchProvider, SearchSessionHandle } from "./file-search.js";
import {
  ErrorCodes,
  RpcError,
  errorMessage,
  isRequestId,
  notification,
  resultMessage,
  toRpcError,
  type RequestId,
  type RpcOutgoing,
} from "./jsonrpc.js";
import { DEFAULT_QUEUE_CAPACITY, OutboundQueue, type OutboundWriter } from "./outbound-queue.js";
import { isPlainObject } from "./schema-check.js";

export interface ProcessorOptions {
  /** Admission and tool calls (core/dispatch.ts); it admits every request, not only tool calls. */
  dispatch: ToolDispatch;
  fileSearch?: FileSearchProvider;
  serverInfo: { name: string; version: string };
  /** Requests one connection may have in flight, so a flooding client cannot take the whole intake (default 32). */
  maxInFlightPerConnection?: number;
}

export interface ConnectionOptions {
  /** Shown in logs and close reasons: "stdio", "ws 127.0.0.1:5123". */
  label: string;
  /** Outbound queue capacity (messages). */
  capacity?: number;
  /** Disconnect a client whose queue is stuck this long; undefined for transports that cannot. */
  stallMs?: number;
}

export interface Connection {
  readonly id: number;
  readonly label: string;
  readonly queue: OutboundQueue;
  /** One decoded text message (a JSON-RPC request, notification or response). */
  receive(text: string): void;
  /** The transport lost the peer, or wants it gone: cancels its work and sessions. */
  close(reason?: string): void;
}

export const FUZZY_METHODS = {
  search: "fuzzyFileSearch",
  sessionStart: "fuzzyFileSearch/sessionStart",
  sessionUpdate: "fuzzyFileSearch/sessionUpdate",
  sessionStop: "fuzzyFileSearch/sessionStop",
  sessionUpdated: "fuzzyFileSearch/sessionUpdated",
  sessionCompleted: "fuzzyFileSearch/sessionCompleted",
} as const;

/** The application-level heartbeat for transports without WebSocket ping frames (Unix socket, stdio): answered `{}`. */
export const PING_METHOD = "$/ping";

interface SessionState {
  handle: SearchSessionHandle;
  stopped: boolean;
}

interface ConnectionState {
  id: number;
  label: string;
  queue: OutboundQueue;
  writer: OutboundWriter;
  initializeAnswered: boolean;
  closed: boolean;
  inflight: Map<string, AbortController>;
  sessions: Map<string, SessionState>;
  searchTokens: Map<string, AbortController>;
}

interface RequestContext {
  conn: ConnectionState;
  signal: AbortSignal;
  progressToken: string | number | undefined;
}

type Handler = (params: Record<string, unknown>, ctx: RequestContext) => Promise<unknown> | unknown;

export class MessageProcessor {
  private nextId = 1;
  private readonly connections = new Map<number, ConnectionState>();
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly options: ProcessorOptions) {
    const { catalog } = options.dispatch;
    this.handlers.set("tools/list", () => ({ tools: catalog.describe() }));
    this.handlers.set("tools/call", (p, ctx) => this.callTool(p, ctx, true));
    this.handlers.set(FUZZY_METHODS.search, (p, ctx) => this.fuzzySearch(p, ctx));
    this.handlers.set(FUZZY_METHODS.sessionStart, (p, ctx) => this.sessionStart(p, ctx));
    this.handlers.set(FUZZY_METHODS.sessionUpdate, (p, ctx) => this.sessionUpdate(p, ctx));
    this.handlers.set(FUZZY_METHODS.sessionStop, (p, ctx) => this.sessionStop(p, ctx));
    for (const name of catalog.names) {
      if (!this.handlers.has(name)) this.handlers.set(name, (p, ctx) => this.callTool({ name, arguments: p }, ctx, false));
    }
  }

  /** The methods a client may call after initialize (for docs and tests). */
  get methods(): string[] {
    return ["initialize", ...this.handlers.keys()];
  }

  connect(writer: OutboundWriter, options: ConnectionOptions): Connection {
    const id = this.nextId++;
    const queue = new OutboundQueue(writer, { capacity: options.capacity ?? DEFAULT_QUEUE_CAPACITY, stallMs: options.stallMs });
    const state: ConnectionState = {
      id,
      label: options.label,
      queue,
      writer,
      initializeAnswered: false,
      closed: false,
      inflight: new Map(),
      sessions: new Map(),
      searchTokens: new Map(),
    };
    this.connections.set(id, state);
    return {
      id,
      label: options.label,
      queue,
      receive: (text) => this.receive(state, text),
      close: () => this.disconnect(state),
    };
  }

  /** Resolves when every connection's queue has been written out. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.queue.flushed()));
  }

  private send(conn: ConnectionState, message: RpcOutgoing, coalesceKey?: string): void {
    if (!conn.closed) conn.queue.push(message, coalesceKey);
  }

  private disconnect(conn: ConnectionState): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn.id);
    for (const c of conn.inflight.values()) c.abort();
    for (const c of conn.searchTokens.values()) c.abort();
    for (const s of conn.sessions.values()) {
      s.stopped = true;
      s.handle.stop();
    }
    conn.sessions.clear();
    conn.queue.close();
  }

  private receive(conn: ConnectionState, text: string): void {
    if (conn.closed) return;
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.send(conn, errorMessage(null, new RpcError(ErrorCodes.parseError, `parse error: ${detail}`)));
      return;
    }
    if (Array.isArray(message)) {
      this.send(conn, errorMessage(null, new RpcError(ErrorCodes.invalidRequest, "batch requests are not supported; send one message at a time")));
      return;
    }
    if (!isPlainObject(message)) {
      this.send(conn, errorMessage(null, new RpcError(ErrorCodes.invalidRequest, "invalid request: a message must be a JSON object")));
      return;
    }
    const { id, method } = message;
    const hasId = id !== undefined && id !== null;
    if (typeof method !== "string") {
      // A response to something we never ask, or junk: answer junk that has an id, ignore the rest.
      if (hasId && !("result" in message) && !("error" in message)) {
        this.send(conn, errorMessage(isRequestId(id) ? id : null, new RpcError(ErrorCodes.invalidRequest, "invalid request: 'method' must be a string")));
      }
      return;
    }
    if (!hasId) {
      this.handleNotification(conn, method, message.params);
      return;
    }
    if (!isRequestId(id)) {
      this.send(conn, errorMessage(null, new RpcError(ErrorCodes.invalidRequest, "invalid request: 'id' must be a string or a number")));
      return;
    }
    this.handleRequest(conn, id, method, message.params);
  }

  private handleNotification(conn: ConnectionState, method: string, params: unknown): void {
    if (method === "$/cancelRequest" && isPlainObject(params) && isRequestId(params.id)) {
      conn.inflight.get(requestKey(params.id))?.abort();
    }
    // "initialized", "$/setTrace" and unknown notifications need no answer.
  }

  private handleRequest(conn: ConnectionState, id: RequestId, method: string, rawParams: unknown): void {
    if (rawParams !== undefined && !isPlainObject(rawParams)) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidParams, `${method}: params must be an object`)));
      return;
    }
    const params = rawParams ?? {};
    if (method === PING_METHOD) {
      // Liveness only: answered before initialize and never admitted, so a busy server still proves it is alive.
      this.send(conn, resultMessage(id, {}));
      return;
    }
    if (method === "initialize") {
      if (conn.initializeAnswered) {
        this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, "already initialized")));
        return;
      }
      conn.initializeAnswered = true;
      const { serverInfo } = this.options;
      this.send(
        conn,
        resultMessage(id, {
          serverInfo,
          userAgent: `${serverInfo.name}/${serverInfo.version}`,
          capabilities: { tools: this.options.dispatch.catalog.names, fuzzyFileSearch: this.options.fileSearch !== undefined },
        }),
      );
      return;
    }
    if (!conn.initializeAnswered) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.notInitialized, "not initialized: send 'initialize' first")));
      return;
    }
    const handler = this.handlers.get(method);
    if (!handler) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.methodNotFound, `unknown method '${method}'`)));
      return;
    }
    const key = requestKey(id);
    if (conn.inflight.has(key)) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, `request id ${JSON.stringify(id)} is already in flight`)));
      return;
    }
    if (conn.inflight.size >= (this.options.maxInFlightPerConnection ?? 32)) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.overloaded, "overloaded; retry later", { inFlight: conn.inflight.size })));
      return;
    }
    let admission: Admission;
    try {
      admission = this.options.dispatch.admit();
    } catch (err) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.overloaded, (err as Error).message)));
      return;
    }
    const controller = new AbortController();
    conn.inflight.set(key, controller);
    const meta = isPlainObject(params._meta) ? params._meta : undefined;
    const progressToken = meta && isRequestId(meta.progressToken) ? meta.progressToken : undefined;
    const ctx: RequestContext = { conn, signal: controller.signal, progressToken };
    const { _meta: _ignored, ...args } = params;
    void (async () => {
      try {
        const result = await handler(args, ctx);
        this.send(conn, resultMessage(id, result ?? {}));
      } catch (err) {
        this.send(conn, errorMessage(id, toRpcError(err)));
      } finally {
        conn.inflight.delete(key);
        admission.release();
      }
    })();
  }

  private async callTool(params: Record<string, unknown>, ctx: RequestContext, envelope: boolean): Promise<unknown> {
    const name = params.name;
    if (typeof name !== "string") throw new RpcError(ErrorCodes.invalidParams, "tools/call: params.name must be a tool name");
    const { dispatch } = this.options;
    try {
      dispatch.tool(name);
    } catch (err) {
      throw new RpcError(ErrorCodes.invalidParams, (err as Error).message);
    }
    const { progressToken, conn } = ctx;
    const progress =
      progressToken === undefined
        ? undefined
        : (p: { progress: number; total?: number; message?: string }) =>
            this.send(conn, notification("$/progress", { progressToken, ...p }), `progress:${String(progressToken)}`);
    const result = await dispatch.run(name, params.arguments, { signal: ctx.signal, progress });
    return envelope ? { structured: result.structured, text: result.text } : result.structured;
  }

  private requireSearch(): FileSearchProvider {
    const provider = this.options.fileSearch;
    if (!provider) throw new RpcError(ErrorCodes.methodNotFound, "fuzzy file search is not available in this server");
    return provider;
  }

  private async fuzzySearch(params: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    const provider = this.requireSearch();
    const query = requireString(params, "query", FUZZY_METHODS.search);
    const roots = optionalRoots(params, FUZZY_METHODS.search);
    const token = params.cancellationToken;
    if (token !== undefined && typeof token !== "string") {
      throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.search}: params.cancellationToken must be a string`);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    if (token !== undefined) {
      // A newer request with the same token supersedes this one (codex semantics: it answers empty).
      ctx.conn.searchTokens.get(token)?.abort();
      ctx.conn.searchTokens.set(token, controller);
    }
    try {
      const { files } = await provider.search(query, roots ?? provider.defaultRoots, { signal: controller.signal });
      return { files: controller.signal.aborted ? [] : files };
    } catch (err) {
      if (controller.signal.aborted && !ctx.signal.aborted) return { files: [] };
      throw err;
    } finally {
      ctx.signal.removeEventListener("abort", onAbort);
      if (token !== undefined && ctx.conn.searchTokens.get(token) === controller) ctx.conn.searchTokens.delete(token);
    }
  }

  private sessionStart(params: Record<string, unknown>, ctx: RequestContext): unknown {
    const provider = this.requireSearch();
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionStart);
    const roots = optionalRoots(params, FUZZY_METHODS.sessionStart);
    const { conn } = ctx;
    if (conn.sessions.has(sessionId)) {
      throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.sessionStart}: session '${sessionId}' already exists; stop it first`);
    }
    const coalesceKey = `session:${sessionId}`;
    const state: SessionState = { handle: undefined as unknown as SearchSessionHandle, stopped: false };
    state.handle = provider.startSession(roots ?? provider.defaultRoots, {
      updated: (query, files) => {
        if (!state.stopped) this.send(conn, notification(FUZZY_METHODS.sessionUpdated, { sessionId, query, files }), coalesceKey);
      },
      completed: () => {
        if (!state.stopped) this.send(conn, notification(FUZZY_METHODS.sessionCompleted, { sessionId }));
      },
    });
    conn.sessions.set(sessionId, state);
    return {};
  }

  private sessionUpdate(params: Record<string, unknown>, ctx: RequestContext): unknown {
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionUpdate);
    const query = requireString(params, "query", FUZZY_METHODS.sessionUpdate);
    const session = ctx.conn.sessions.get(sessionId);
    if (!session) throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.sessionUpdate}: no session '${sessionId}'; start it first`);
    session.handle.update(query);
    return {};
  }

  private sessionStop(params: Record<string, unknown>, ctx: RequestContext): unknown {
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionStop);
    const session = ctx.conn.sessions.get(sessionId);
    if (!session) throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.sessionStop}: no session '${sessionId}'`);
    // Marked before the answer is queued: nothing for this session can follow the answer.
    session.stopped = true;
    session.handle.stop();
    ctx.conn.sessions.delete(sessionId);
    return {};
  }
}

function requestKey(id: RequestId): string {
  return `${typeof id}:${String(id)}`;
}

function requireString(params: Record<string, unknown>, key: string, method: string): string {
  const v = params[key];
  if (typeof v !== "string") throw new RpcError(ErrorCodes.invalidParams, `${method}: params.${key} must be a string`);
  return v;
}

function optionalRoots(params: Record<string, unknown>, method: string): string[] | undefined {
  const roots = params.roots;
  if (roots === undefined) return undefined;
  if (!Array.isArray(roots) || !roots.every((r) => typeof r === "string")) {
    throw new RpcError(ErrorCodes.invalidParams, `${method}: params.roots must be an array of paths`);
  }
  return roots.length === 0 ? undefined : roots;
}
