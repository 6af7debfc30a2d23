// The app-server over WebSocket (one JSON-RPC message per text frame), with /healthz,
// /readyz, the REST + SSE API (/v1, rest-api.ts) and the picker page on the same port. Every HTTP request and upgrade passes the
// security checks first; peers that miss pings or stop reading are dropped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { MessageProcessor } from "../core/processor.js";
import { ToolError } from "../core/tool.js";
import { HttpRequestError, refusal, sendHttpError, upgradeRefusal } from "./http-errors.js";
import { guardHttpHandler, guardUpgradeHandler } from "./http-request.js";
import { HttpSecurity, answerCommonHttp, listenHttp, reject, type HttpSecurityOptions, type SecurityVerdict } from "./http-security.js";
import { servePickerAsset } from "./picker-assets.js";
import { createRestApi, type RestApiOptions } from "./rest-api.js";

export interface WebSocketServeOptions extends Omit<HttpSecurityOptions, "port"> {
  port: number;
  /** Heartbeat period; a peer that has not answered the previous ping is dropped. */
  pingIntervalMs?: number;
  /** Largest accepted frame; bigger ones close the connection with 1009. */
  maxMessageBytes?: number;
  /** Per-connection outbound queue capacity (messages). */
  queueCapacity?: number;
  /** A client that reads nothing for this long while messages wait is disconnected. */
  stallMs?: number;
  /** /readyz answers 200 only while this holds. */
  isReady?: () => boolean;
  /** Serve the picker page at `/`. */
  picker?: boolean;
  /** Serve the REST + SSE API under /v1 through this dispatch. */
  rest?: RestApiOptions;
  /** Told when a server-side decision ends a connection (stalled, missed ping, oversized message). */
  onDrop?: (label: string, reason: string) => void;
  /** Where an internal error answering an HTTP request is logged (default stderr). */
  log?: (line: string) => void;
}

export interface WebSocketAppServer {
  readonly url: string;
  readonly port: number;
  readonly clientCount: number;
  /** Refuses new connections and HTTP requests; open connections stay until closeAll(). */
  stopAccepting(): Promise<void>;
  /** Closes every connection with a reason (close code 1001). */
  closeAll(reason: string): void;
}

const DEFAULT_WS_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export async function startAppServerWebSocket(processor: MessageProcessor, options: WebSocketServeOptions): Promise<WebSocketAppServer> {
  const security = new HttpSecurity({ ...options });
  const pingIntervalMs = options.pingIntervalMs ?? 20_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? DEFAULT_WS_MAX_MESSAGE_BYTES });
  const sockets = new Set<WebSocket>();
  const rest = options.rest ? createRestApi(options.rest) : undefined;
  let accepting = true;

  const http: Server = createServer(guardHttpHandler(handleHttp, options.log));

  function handleHttp(req: IncomingMessage, res: ServerResponse): void {
    const path = answerCommonHttp(req, res, security, () => accepting && (options.isReady?.() ?? true));
    if (path === undefined) return;
    if (!accepting) return sendHttpError(res, new ToolError("unavailable", "shutting down"));
    // The page's script and style hold no data and cannot carry the token (the browser fetches
    // them by plain relative URL); the page itself and the WebSocket do need it.
    const staticAsset = path === "/picker.js" || path === "/picker.css";
    if (!staticAsset) {
      const auth = security.checkToken(req);
      if (!auth.ok) return reject(res, auth);
    }
    if (rest?.handle(req, res, path)) return;
    if (options.picker !== false && req.method === "GET" && servePickerAsset(path, res)) return;
    sendHttpError(res, new HttpRequestError(404, "not_found", `nothing at ${path}`));
  }

  http.on("upgrade", guardUpgradeHandler(upgrade, options.log));

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const verdict: SecurityVerdict = accepting ? security.check(req) : { ok: false, status: 403, reason: "shutting down" };
    if (!verdict.ok) {
      socket.end(upgradeRefusal(refusal(verdict.status, verdict.reason)));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
  }

  function accept(ws: WebSocket, req: IncomingMessage): void {
    sockets.add(ws);
    const label = `ws ${req.socket.remoteAddress}:${req.socket.remotePort}`;
    let closeReason: string | undefined;
    const connection = processor.connect(
      {
        write: (data) =>
          new Promise<void>((resolve, reject) => {
            if (ws.readyState !== ws.OPEN) return reject(new Error("socket closed"));
            ws.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (reason) => {
          closeReason = reason;
          options.onDrop?.(label, reason);
          // Policy violation: the peer is not reading. terminate() because a close frame cannot get through a full socket.
          ws.close(1008, truncateReason(reason));
          setTimeout(() => ws.terminate(), 1000).unref();
        },
      },
      { label, capacity: options.queueCapacity, stallMs: options.stallMs ?? 30_000 },
    );
    let alive = true;
    ws.on("pong", () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) {
        closeReason = "missed ping";
        options.onDrop?.(label, closeReason);
        ws.terminate();
        return;
      }
      alive = false;
      ws.ping();
    }, pingIntervalMs);
    heartbeat.unref();
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        ws.close(1003, "binary frames are not supported; send JSON text frames");
        return;
      }
      connection.receive(Array.isArray(data) ? Buffer.concat(data).toString("utf8") : data.toString("utf8"));
    });
    ws.on("error", () => undefined);
    ws.on("close", () => {
      clearInterval(heartbeat);
      sockets.delete(ws);
      connection.close(closeReason);
    });
  }

  const { port, hostForUrl } = await listenHttp(http, options.port, options.host, security);

  return {
    url: `ws://${hostForUrl}:${port}`,
    port,
    get clientCount() {
      return sockets.size;
    },
    stopAccepting() {
      accepting = false;
      // Open event streams would hold the listener's close open.
      rest?.closeStreams();
      return new Promise<void>((resolve) => {
        http.close(() => resolve());
        // Keep-alive HTTP connections would hold close() open; upgraded sockets are not affected.
        http.closeIdleConnections();
      });
    },
    closeAll(reason) {
      for (const ws of sockets) ws.close(1001, truncateReason(reason));
      setTimeout(() => {
        for (const ws of sockets) ws.terminate();
      }, 1000).unref();
    },
  };
}

// A close reason must fit in a control frame (123 bytes).
function truncateReason(reason: string): string {
  return Buffer.byteLength(reason) <= 123 ? reason : Buffer.from(reason).subarray(0, 120).toString("utf8") + "...";
}
