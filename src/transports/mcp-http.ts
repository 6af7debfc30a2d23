// MCP over Streamable HTTP at /mcp. Stateful: each initialize opens a session with its own
// Server + transport, so notifications/cancelled and progress reach the right request.
// The same Host/Origin/token/CORS rules as the WebSocket app-server apply to every request.
// Sessions are bounded: one idle too long expires, and when the table is full a new client
// takes the place of the longest-idle one, so abandoned sessions cannot lock clients out. A
// closed session's id answers 404, the spec's signal to initialize again.
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { isInitializeRequest } from "@modelcontextprotocol/sdk/types.js";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { ErrorCodes } from "../protocol/index.js";
import { keepProtoKey } from "../core/schema-check.js";
import type { McpEndpoint } from "./mcp-server.js";
import { guardHttpHandler } from "./http-request.js";
import { HttpRequestError, sendHttpError } from "./http-errors.js";
import { HttpSecurity, answerCommonHttp, listenHttp, reject, sendJson as json, type HttpSecurityOptions } from "./http-security.js";

/** The MCP SDK's own code for an unknown session over HTTP (its streamable transport's), the number of `overloaded`. */
const SESSION_NOT_FOUND = ErrorCodes.overloaded;

export interface McpHttpOptions extends Omit<HttpSecurityOptions, "port"> {
  port: number;
  /** Builds a fresh MCP server for each session. */
  createServer: () => McpEndpoint;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** Open sessions; when full, a new one evicts the longest-idle session (503 only if all have requests in flight). */
  maxSessions?: number;
  /** A session with no request and no open stream for this long is closed. */
  sessionIdleMs?: number;
  isReady?: () => boolean;
  /** Told when a server-side decision ends a session (idle expiry, eviction). */
  onDrop?: (sessionId: string, reason: string) => void;
  /** Where an internal error answering an HTTP request is logged (default stderr). */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_SESSIONS = 256;
const DEFAULT_SESSION_IDLE_MS = 30 * 60_000;

export interface McpHttpServer {
  readonly url: string;
  readonly port: number;
  readonly sessionCount: number;
  stopAccepting(): Promise<void>;
  closeAll(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpEndpoint;
  /** POSTs being answered: such a session is never evicted or expired. */
  requests: number;
  /** Open GET streams: a client listening for notifications is alive, so it does not expire. */
  streams: number;
  /** When a request last started or ended (Date.now()). */
  lastActive: number;
}

export async function startMcpHttp(options: McpHttpOptions): Promise<McpHttpServer> {
  const security = new HttpSecurity({ ...options });
  const sessions = new Map<string, Session>();
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const idleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  let accepting = true;

  const drop = (id: string, session: Session, reason: string) => {
    sessions.delete(id);
    options.onDrop?.(id, reason);
    void session.server.close();
  };
  // Initializes being answered count too, so a burst of them cannot overshoot the bound.
  let opening = 0;
  /** Makes room for one more session: false when every session has a request in flight. */
  const makeRoom = (): boolean => {
    if (sessions.size + opening < maxSessions) return true;
    let oldest: [string, Session] | undefined;
    for (const entry of sessions) {
      if (entry[1].requests === 0 && (!oldest || entry[1].lastActive < oldest[1].lastActive)) oldest = entry;
    }
    if (!oldest) return false;
    drop(oldest[0], oldest[1], `evicted, the longest idle of ${maxSessions} sessions, for a new client`);
    return true;
  };

  const http = createServer(guardHttpHandler(handle, options.log));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = answerCommonHttp(req, res, security, () => accepting && (options.isReady?.() ?? true));
    if (path === undefined) return;
    const auth = security.checkToken(req);
    if (!auth.ok) return reject(res, auth);
    if (path !== "/mcp") return sendHttpError(res, new HttpRequestError(404, "not_found", `nothing at ${path}; MCP is served at /mcp`));

    const sessionHeader = req.headers["mcp-session-id"];
    const sessionId = typeof sessionHeader === "string" ? sessionHeader : undefined;
    if (sessionId !== undefined) {
      const session = sessions.get(sessionId);
      if (!session) return jsonRpcError(res, 404, SESSION_NOT_FOUND, "session not found (expired or closed); initialize a new one");
      if (req.method !== "POST") {
        if (req.method === "GET") track(session, res, "streams");
        await session.transport.handleRequest(req, res);
        return;
      }
      track(session, res, "requests");
      const parsed = await readJson(req, res, maxBodyBytes);
      if (parsed === undefined) return;
      if (!accepting && requestIds(parsed).length > 0) return jsonRpcError(res, 503, ErrorCodes.overloaded, "shutting down; not accepting requests");
      abandonOnDisconnect(session.transport, parsed, res);
      await session.transport.handleRequest(req, res, parsed);
      return;
    }
    if (req.method !== "POST") return jsonRpcError(res, 400, ErrorCodes.noSession, "missing Mcp-Session-Id header; POST an initialize request first");
    if (!accepting) return jsonRpcError(res, 503, ErrorCodes.overloaded, "shutting down; not accepting requests");
    const parsed = await readJson(req, res, maxBodyBytes);
    if (parsed === undefined) return;
    if (!isInitializeRequest(parsed)) return jsonRpcError(res, 400, ErrorCodes.noSession, "no session: the first request must be initialize");
    if (!makeRoom()) return jsonRpcError(res, 503, ErrorCodes.overloaded, `overloaded: all ${maxSessions} MCP sessions have requests in flight; retry later`);
    const server = options.createServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        const session: Session = { transport, server, requests: 0, streams: 0, lastActive: Date.now() };
        sessions.set(id, session);
        track(session, res, "requests");
      },
      onsessionclosed: (id) => {
        sessions.delete(id);
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    opening++;
    try {
      await server.connect(transport);
      await transport.handleRequest(req, res, parsed);
    } finally {
      opening--;
    }
  }

  const { port, hostForUrl } = await listenHttp(http, options.port, options.host, security);
  const sweep = setInterval(
    () => {
      const now = Date.now();
      for (const [id, s] of sessions) {
        if (s.requests === 0 && s.streams === 0 && now - s.lastActive > idleMs) drop(id, s, `idle for ${idleMs} ms`);
      }
    },
    Math.max(10, Math.min(idleMs / 2, 60_000)),
  );
  sweep.unref();

  return {
    url: `http://${hostForUrl}:${port}/mcp`,
    port,
    get sessionCount() {
      return sessions.size;
    },
    stopAccepting() {
      accepting = false;
      clearInterval(sweep);
      return new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeIdleConnections();
      });
    },
    async closeAll() {
      clearInterval(sweep);
      const all = [...sessions.values()];
      sessions.clear();
      await Promise.allSettled(all.map((s) => s.server.close()));
      http.closeAllConnections();
    },
  };
}

/** Counts a request (or stream) against its session until its response closes. */
function track(session: Session, res: ServerResponse, kind: "requests" | "streams"): void {
  session[kind]++;
  session.lastActive = Date.now();
  res.once("close", () => {
    session[kind]--;
    session.lastActive = Date.now();
  });
}

/** The parsed JSON body, or undefined after answering 413/400 itself. */
async function readJson(req: IncomingMessage, res: ServerResponse, limit: number): Promise<unknown> {
  const body = await new Promise<string | null>((resolve, rejectBody) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", rejectBody);
  });
  if (body === null) {
    jsonRpcError(res, 413, ErrorCodes.invalidRequest, `request body larger than ${limit} bytes`);
    return undefined;
  }
  try {
    const value = JSON.parse(body) as unknown;
    for (const message of Array.isArray(value) ? value : [value]) keepProtoKey(message);
    return value;
  } catch {
    jsonRpcError(res, 400, ErrorCodes.parseError, "parse error: invalid JSON");
    return undefined;
  }
}

function requestIds(body: unknown): Array<string | number> {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((m: unknown) => {
    const msg = m as { id?: unknown; method?: unknown };
    return typeof msg?.method === "string" && (typeof msg.id === "string" || typeof msg.id === "number") ? [msg.id] : [];
  });
}

// A client that drops the HTTP stream of a request can no longer get its answer (we keep no
// event store): cancel the work as if it had sent notifications/cancelled.
function abandonOnDisconnect(transport: StreamableHTTPServerTransport, body: unknown, res: ServerResponse): void {
  const ids = requestIds(body);
  if (ids.length === 0) return;
  res.once("close", () => {
    if (res.writableFinished) return;
    for (const requestId of ids) {
      transport.onmessage?.({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId, reason: "client disconnected" } });
    }
  });
}

function jsonRpcError(res: ServerResponse, status: number, code: number, message: string): void {
  json(res, status, { jsonrpc: "2.0", id: null, error: { code, message } });
}
