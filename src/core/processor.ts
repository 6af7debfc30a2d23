// The app-server's message processor. It knows connections only by id and a writer:
// a transport connects, hands over each decoded text message, and closes. Answers and
// notifications go out through the connection's own bounded queue, so one slow client
// never holds up the processor or anyone else.
//
// The handshake and the fuzzy file search methods follow codex's app-server as its source has
// them (codex-rs/app-server/src/message_processor.rs, request_processors/initialize_processor.rs
// and request_processors/search.rs, codex-rs/app-server/tests/suite/fuzzy_file_search.rs):
// "Not initialized" and "Already initialized" are -32600, a missing session is -32600, stopping
// an unknown session is {}, a second sessionStart replaces the session, an empty query finds
// nothing. The searches themselves go through the one file-search door (core/search-dispatch.ts). codex's JSONRPCError needs a request id, so input without a usable id is answered
// with a `codeintel/error` notification instead of an error response with a null id.
import { METHODS, NOTIFICATIONS, type SearchDialect } from "../protocol/index.js";
import { codexInitializeFields } from "./codex-wire.js";
import type { Admission, ToolDispatch } from "./dispatch.js";
import type { FileSearchDispatch, SearchSession } from "./search-dispatch.js";
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
  /** The one door of file search (core/search-dispatch.ts): fuzzyFileSearch and its sessions go through it. */
  fileSearch?: FileSearchDispatch;
  serverInfo: { name: string; version: string };
  /** Requests one connection may have in flight, so a flooding client cannot take the whole intake (default 32). */
  maxInFlightPerConnection?: number;
  /** The folder the service keeps its state in: initialize's `codexHome` (default: the user's home folder). */
  home?: string;
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
  /** Input the transport could not even hand over (a line over the size limit): told to the peer. */
  reportInvalid(message: string): void;
  /** The transport lost the peer, or wants it gone: cancels its work and sessions. */
  close(reason?: string): void;
}

/** The notification that carries an error about input that had no usable request id. */
export const INVALID_MESSAGE_NOTIFICATION = NOTIFICATIONS.invalidMessage;

/** The fuzzy file search methods and notifications (names from src/protocol/methods.ts). */
export const FUZZY_METHODS = {
  search: METHODS.fuzzyFileSearch,
  sessionStart: METHODS.sessionStart,
  sessionUpdate: METHODS.sessionUpdate,
  sessionStop: METHODS.sessionStop,
  sessionUpdated: NOTIFICATIONS.sessionUpdated,
  sessionCompleted: NOTIFICATIONS.sessionCompleted,
} as const;

export const PING_METHOD = METHODS.ping;

interface ConnectionState {
  id: number;
  label: string;
  queue: OutboundQueue;
  writer: OutboundWriter;
  initializeAnswered: boolean;
  /** Notification methods the client opted out of at initialize (codex's optOutNotificationMethods). */
  optedOut: ReadonlySet<string>;
  closed: boolean;
  inflight: Map<string, AbortController>;
  sessions: Map<string, SearchSession>;
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
      optedOut: new Set(),
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
      reportInvalid: (message) => this.invalid(state, ErrorCodes.invalidRequest, message),
      close: () => this.disconnect(state),
    };
  }

  /** Resolves when every connection's queue has been written out. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.connections.values()].map((c) => c.queue.flushed()));
  }

  private send(conn: ConnectionState, message: RpcOutgoing, coalesceKey?: string): void {
    if (conn.closed) return;
    if (!("id" in message) && conn.optedOut.has(message.method)) return;
    conn.queue.push(message, coalesceKey);
  }

  /** An error about input with no request id to answer: a notification, never a response with a null id. */
  private invalid(conn: ConnectionState, code: number, message: string): void {
    this.send(conn, notification(INVALID_MESSAGE_NOTIFICATION, { code, message }));
  }

  private disconnect(conn: ConnectionState): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn.id);
    for (const c of conn.inflight.values()) c.abort();
    for (const c of conn.searchTokens.values()) c.abort();
    for (const s of conn.sessions.values()) s.stop();
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
      this.invalid(conn, ErrorCodes.parseError, `parse error: ${detail}`);
      return;
    }
    if (Array.isArray(message)) {
      this.invalid(conn, ErrorCodes.invalidRequest, "batch requests are not supported; send one message at a time");
      return;
    }
    if (!isPlainObject(message)) {
      this.invalid(conn, ErrorCodes.invalidRequest, "invalid request: a message must be a JSON object");
      return;
    }
    const { id, method } = message;
    const hasId = id !== undefined && id !== null;
    if (typeof method !== "string") {
      // A response to something we never ask, or junk: answer junk that has an id, ignore the rest.
      if (hasId && !("result" in message) && !("error" in message)) {
        const problem = "invalid request: 'method' must be a string";
        if (isRequestId(id)) this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, problem)));
        else this.invalid(conn, ErrorCodes.invalidRequest, problem);
      }
      return;
    }
    if (!hasId) {
      this.handleNotification(conn, method, message.params);
      return;
    }
    if (!isRequestId(id)) {
      this.invalid(conn, ErrorCodes.invalidRequest, "invalid request: 'id' must be a string or a number");
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
      this.initialize(conn, id, params);
      return;
    }
    if (!conn.initializeAnswered) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, "Not initialized")));
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

  private initialize(conn: ConnectionState, id: RequestId, params: Record<string, unknown>): void {
    if (conn.initializeAnswered) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, "Already initialized")));
      return;
    }
    // codex's InitializeCapabilities: `optOutNotificationMethods` (array or null), exact method names.
    const capabilities = isPlainObject(params.capabilities) ? params.capabilities : {};
    const optOut = capabilities.optOutNotificationMethods;
    if (optOut !== undefined && optOut !== null && !(Array.isArray(optOut) && optOut.every((m) => typeof m === "string"))) {
      this.send(conn, errorMessage(id, new RpcError(ErrorCodes.invalidRequest, "Invalid request: capabilities.optOutNotificationMethods must be an array of method names")));
      return;
    }
    conn.initializeAnswered = true;
    conn.optedOut = new Set(optOut ?? []);
    const { serverInfo, home } = this.options;
    this.send(
      conn,
      resultMessage(id, {
        ...codexInitializeFields(serverInfo, home),
        serverInfo,
        capabilities: { tools: this.options.dispatch.catalog.names, fuzzyFileSearch: this.options.fileSearch?.available === true },
      }),
    );
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

  private requireSearch(): FileSearchDispatch {
    const search = this.options.fileSearch;
    if (!search?.available) throw new RpcError(ErrorCodes.methodNotFound, "fuzzy file search is not available in this server");
    return search;
  }

  private async fuzzySearch(params: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    const search = this.requireSearch();
    const query = requireString(params, "query", FUZZY_METHODS.search);
    const roots = optionalRoots(params, FUZZY_METHODS.search);
    // codex's Rust and TypeScript clients send `cancellationToken: null` for "none".
    const token = params.cancellationToken ?? undefined;
    if (token !== undefined && typeof token !== "string") {
      throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.search}: params.cancellationToken must be a string or null`);
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
      const files = await search.findCodex(query, roots, { signal: controller.signal });
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
    const search = this.requireSearch();
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionStart);
    if (sessionId === "") throw new RpcError(ErrorCodes.invalidRequest, "sessionId must not be empty");
    const roots = optionalRoots(params, FUZZY_METHODS.sessionStart);
    const dialect = params.dialect ?? "codex";
    if (dialect !== "codex" && dialect !== "codeintel") throw new RpcError(ErrorCodes.invalidParams, `${FUZZY_METHODS.sessionStart}: params.dialect must be "codex" or "codeintel"`);
    const { conn } = ctx;
    const coalesceKey = `session:${sessionId}`;
    // Only the latest query's snapshots come, under the query as the client wrote it (codex drops the rest).
    const session = search.openSession(roots, dialect as SearchDialect, {
      updated: (query, files) => this.send(conn, notification(FUZZY_METHODS.sessionUpdated, { sessionId, query, files }), coalesceKey),
      completed: () => this.send(conn, notification(FUZZY_METHODS.sessionCompleted, { sessionId })),
    });
    // The same id again replaces the session (codex inserts over it): the old one stops first.
    conn.sessions.get(sessionId)?.stop();
    conn.sessions.set(sessionId, session);
    return {};
  }

  private async sessionUpdate(params: Record<string, unknown>, ctx: RequestContext): Promise<unknown> {
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionUpdate);
    const query = requireString(params, "query", FUZZY_METHODS.sessionUpdate);
    const session = ctx.conn.sessions.get(sessionId);
    if (!session) throw new RpcError(ErrorCodes.invalidRequest, `fuzzy file search session not found: ${sessionId}`);
    await session.update(query);
    return {};
  }

  private sessionStop(params: Record<string, unknown>, ctx: RequestContext): unknown {
    const sessionId = requireString(params, "sessionId", FUZZY_METHODS.sessionStop);
    const session = ctx.conn.sessions.get(sessionId);
    // Stopping a session that is not there (never started, already stopped) is done: {}.
    if (!session) return {};
    // Stopped before the answer is queued: nothing for this session can follow the answer.
    session.stop();
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
  // How many may be given is find_files' rule, checked before any is resolved (core/search-dispatch.ts).
  return roots.length === 0 ? undefined : roots;
}
