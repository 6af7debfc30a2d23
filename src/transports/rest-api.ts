// REST + Server-Sent Events beside the app-server's WebSocket, for clients that cannot hold a
// socket (scripts, curl, dashboards). The WebSocket server's HTTP handler hands over /v1/* once
// Host, Origin and the token have passed; every call goes through the one dispatch and its
// admission, like a JSON-RPC request.
//
//   GET  /v1/tools                  the catalog with schemas
//   POST /v1/tools/{name}           the tool's JSON input → {structured, text}
//   POST /v1/search                 {query, roots?, limit?} → {query, total, truncated, files}
//   GET  /v1/search/stream?query=   SSE: `snapshot` events, then `completed`; closing it stops the search
//   GET  /v1/events                 SSE: service events with ids, Last-Event-ID resume, `reset`, heartbeats
//
// An error is {error: {code, message, ...}} with a status that fits its code (http-errors.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ToolDispatch } from "../core/dispatch.js";
import type { FileSearchDispatch } from "../core/search-dispatch.js";
import type { ServiceEvents, StampedEvent } from "../core/service-events.js";
import { ToolError } from "../core/tool.js";
import { HttpRequestError as HttpError, httpError, sendHttpError } from "./http-errors.js";
import { decodePathSegment, requestTarget } from "./http-request.js";
import { sendJson } from "./http-security.js";

export interface RestApiOptions {
  dispatch: ToolDispatch;
  /** The one door of file search (core/search-dispatch.ts): /v1/search and its stream go through it. */
  fileSearch?: FileSearchDispatch;
  events?: ServiceEvents;
  /** A comment line on every open event stream this often, so proxies and clients see it alive (default 10 s). */
  heartbeatMs?: number;
  /** Largest accepted request body (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Open streams allowed, one budget per kind, so that idle `/v1/events` watchers can never lock
   * out searches (nor a burst of searches the watchers). Beyond a budget the answer is 503
   * `overloaded` with Retry-After. Defaults: DEFAULT_STREAM_BUDGETS.
   */
  maxEventStreams?: number;
  maxSearchStreams?: number;
}

export const DEFAULT_STREAM_BUDGETS = { events: 64, search: 64 } as const;
type StreamKind = keyof typeof DEFAULT_STREAM_BUDGETS;
/** The CLI option that sets each budget, named in the 503 so an operator knows what to raise. */
const BUDGET_OPTION: Record<StreamKind, string> = { events: "--max-event-streams", search: "--max-search-streams" };

export interface RestApi {
  /** Answers the request if its path is under /v1; false leaves it to the caller. */
  handle(req: IncomingMessage, res: ServerResponse, path: string): boolean;
  /** Ends every open event stream (shutdown). */
  closeStreams(): void;
}

/** An event stream whose unread output passes this is closed: the client is not reading. */
const MAX_STREAM_BUFFER = 1024 * 1024;


export function createRestApi(options: RestApiOptions): RestApi {
  const { dispatch } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const streams: Record<StreamKind, Set<ServerResponse>> = { events: new Set(), search: new Set() };
  const budgets: Record<StreamKind, number> = {
    events: options.maxEventStreams ?? DEFAULT_STREAM_BUDGETS.events,
    search: options.maxSearchStreams ?? DEFAULT_STREAM_BUDGETS.search,
  };

  const routes: Array<{ method: string; match: (path: string) => string[] | undefined; run: (req: IncomingMessage, res: ServerResponse, params: string[]) => Promise<void> }> = [
    { method: "GET", match: exact("/v1/tools"), run: async (_req, res) => admitted(() => sendJson(res, 200, { tools: dispatch.catalog.describe() })) },
    { method: "POST", match: (p) => /^\/v1\/tools\/([^/]+)$/.exec(p)?.slice(1), run: (req, res, [name]) => callTool(req, res, decodePathSegment(name!)) },
    { method: "POST", match: exact("/v1/search"), run: (req, res) => search(req, res) },
    { method: "GET", match: exact("/v1/search/stream"), run: async (req, res) => searchStream(req, res) },
    { method: "GET", match: exact("/v1/events"), run: async (req, res) => eventStream(req, res) },
  ];

  function admitted<T>(fn: () => T): T {
    const admission = dispatch.admit();
    try {
      return fn();
    } finally {
      admission.release();
    }
  }

  async function callTool(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    try {
      dispatch.tool(name);
    } catch (err) {
      // The dispatch's own refusal, so the code is the one every other door answers (invalid_input); the status says "not here".
      if (err instanceof ToolError) throw new HttpError(404, err.code, err.message);
      throw err;
    }
    const input = await readJsonBody(req, maxBodyBytes);
    const result = await runAdmitted(res, name, input);
    sendJson(res, 200, { structured: result.structured, text: result.text });
  }

  async function search(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // The find_files tool's input and checks: {query, roots?, limit?}.
    const search = requireSearch();
    const input = await readJsonBody(req, maxBodyBytes);
    const found = await admittedRun(res, (ctx) => search.find(input, ctx));
    sendJson(res, 200, { query: found.query, total: found.total, truncated: found.truncated, files: found.results });
  }

  function requireSearch(): FileSearchDispatch {
    const search = options.fileSearch;
    if (!search?.available) throw new ToolError("unavailable", "fuzzy file search is not available in this server");
    return search;
  }

  /** Runs a tool under an intake slot; the client leaving cancels it. */
  function runAdmitted(res: ServerResponse, name: string, input: unknown) {
    return admittedRun(res, (ctx) => dispatch.run(name, input, ctx));
  }

  async function admittedRun<T>(res: ServerResponse, run: (ctx: { signal: AbortSignal }) => Promise<T>): Promise<T> {
    const admission = dispatch.admit();
    const controller = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) controller.abort();
    };
    res.on("close", onClose);
    try {
      return await run({ signal: controller.signal });
    } finally {
      res.off("close", onClose);
      admission.release();
    }
  }

  function openStream(kind: StreamKind, res: ServerResponse): SseStream {
    admitted(() => undefined);
    const open = streams[kind];
    if (open.size >= budgets[kind]) {
      const what = kind === "events" ? "/v1/events" : "/v1/search/stream";
      throw new ToolError("overloaded", `overloaded: all ${budgets[kind]} ${what} streams are open (${BUDGET_OPTION[kind]}); retry later`);
    }
    const stream = new SseStream(res, options.heartbeatMs ?? 10_000);
    open.add(res);
    res.on("close", () => open.delete(res));
    return stream;
  }

  function searchStream(req: IncomingMessage, res: ServerResponse): void {
    const search = requireSearch();
    // EventSource reconnects when a stream ends; a search that completed is not run again (204 stops it).
    if (req.headers["last-event-id"] === "completed") {
      res.statusCode = 204;
      res.end();
      return;
    }
    const { query: params } = requestTarget(req);
    const query = params.get("query");
    if (query === null) throw new ToolError("invalid_input", "query is required: /v1/search/stream?query=...");
    const roots = params.getAll("roots");
    // find_files' checks, answered with a status while the response can still carry one.
    search.check(roots.length > 0 ? { query, roots } : { query });
    let stream: SseStream | undefined;
    let next = 1;
    const session = search.openSession(roots, "codeintel", {
      updated: (q, files) => stream?.send("snapshot", { query: q, files }, String(next++), "snapshot"),
      completed: (q) => {
        stream?.send("completed", { query: q }, "completed");
        stream?.end();
      },
    });
    try {
      stream = openStream("search", res);
    } catch (err) {
      session.stop();
      throw err;
    }
    res.on("close", () => session.stop());
    // A beforeTool hook may still refuse the query: said as an `error` event, the stream ends.
    session.update(query).catch((err: unknown) => {
      stream?.send("error", httpError(err).body, "error");
      stream?.end();
    });
  }

  function eventStream(req: IncomingMessage, res: ServerResponse): void {
    const events = options.events;
    if (!events) throw new ToolError("unavailable", "service events are not available in this server");
    const stream = openStream("events", res);
    const header = req.headers["last-event-id"];
    const lastId = typeof header === "string" && header !== "" ? header : requestTarget(req).query.get("lastEventId");
    if (lastId) {
      const missed = events.since(lastId);
      if (missed) for (const e of missed) stream.send(e.event.type, e.event, e.id);
      else {
        // Under the newest id, so the client's next reconnect resumes from here.
        stream.send("reset", { lastEventId: lastId, reason: "the events after this id are no longer kept (or come from an earlier run); state may have been missed" }, events.lastId);
      }
    }
    const unsubscribe = events.subscribe((e: StampedEvent) => stream.send(e.event.type, e.event, e.id));
    res.on("close", unsubscribe);
  }

  return {
    handle(req, res, path) {
      if (path !== "/v1" && !path.startsWith("/v1/")) return false;
      const method = req.method ?? "GET";
      const matching = routes.filter((r) => r.match(path) !== undefined);
      const route = matching.find((r) => r.method === method);
      if (!route) {
        if (matching.length > 0) {
          res.setHeader("Allow", matching.map((r) => r.method).join(", "));
          sendError(res, new HttpError(405, "invalid_input", `${method} is not allowed on ${path}`));
        } else sendError(res, new HttpError(404, "not_found", `nothing at ${method} ${path}; see GET /v1/tools, POST /v1/tools/{name}, POST /v1/search, GET /v1/search/stream, GET /v1/events`));
        return true;
      }
      // A route may throw before its first await (a name that does not decode): same answer path.
      void (async () => route.run(req, res, route.match(path)!))().catch((err: unknown) => sendError(res, err));
      return true;
    },
    closeStreams() {
      for (const open of Object.values(streams)) {
        for (const res of open) res.end();
        open.clear();
      }
    },
  };
}

function exact(p: string): (path: string) => string[] | undefined {
  return (path) => (path === p ? [] : undefined);
}

/** The request body as JSON: {} when empty; 415 unless it says it is JSON, 413 past the limit, 400 when it does not parse. */
async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  const hasBody = req.headers["transfer-encoding"] !== undefined || (Number.isFinite(declared) && declared > 0);
  if (!hasBody) return {};
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json") throw new HttpError(415, "invalid_input", `the body must be JSON (Content-Type: application/json), not '${type || "none"}'`);
  if (declared > limit) throw new HttpError(413, "invalid_input", `the body is ${declared} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, "invalid_input", `the body is over the limit of ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (err) {
    throw new HttpError(400, "invalid_input", `the body is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function sendError(res: ServerResponse, err: unknown): void {
  // Past the body's limit: the rest of it is not read, so this connection cannot carry another request.
  if (err instanceof HttpError && err.status === 413 && !res.headersSent) res.setHeader("Connection", "close");
  sendHttpError(res, err);
}

/**
 * One Server-Sent Events response: `id:` on every event, a comment heartbeat, and bounded output.
 * While the client is not reading, a newer event with the same `coalesce` key replaces the one
 * waiting (search snapshots); a client that falls a megabyte behind is closed.
 */
class SseStream {
  private readonly heartbeat: NodeJS.Timeout;
  private waiting: Array<{ text: string; coalesce?: string }> = [];
  private congested = false;

  constructor(
    private readonly res: ServerResponse,
    heartbeatMs: number,
  ) {
    res.statusCode = 200;
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Connection", "keep-alive");
    // Proxies that buffer (nginx) would hold events back.
    res.setHeader("X-Accel-Buffering", "no");
    // EventSource waits this long before reconnecting after a drop (its default is about 3 s).
    res.write("retry: 1000\n\n");
    this.heartbeat = setInterval(() => this.write(": heartbeat\n\n"), heartbeatMs);
    this.heartbeat.unref();
    res.on("drain", () => this.drain());
    res.on("close", () => clearInterval(this.heartbeat));
  }

  send(event: string, data: unknown, id: string, coalesce?: string): void {
    this.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`, coalesce);
  }

  /** Ends the response once what is waiting has been handed to it. */
  end(): void {
    clearInterval(this.heartbeat);
    if (this.res.writableEnded || this.res.destroyed) return;
    for (const w of this.waiting) this.res.write(w.text);
    this.waiting = [];
    this.res.end();
  }

  private write(text: string, coalesce?: string): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    if (this.congested) {
      const i = coalesce === undefined ? -1 : this.waiting.findIndex((w) => w.coalesce === coalesce);
      if (i >= 0) this.waiting[i] = { text, coalesce };
      else this.waiting.push({ text, coalesce });
      if (this.res.writableLength + this.waiting.reduce((n, w) => n + w.text.length, 0) > MAX_STREAM_BUFFER) this.res.destroy();
      return;
    }
    if (!this.res.write(text)) this.congested = true;
  }

  private drain(): void {
    this.congested = false;
    const waiting = this.waiting;
    this.waiting = [];
    for (const w of waiting) this.write(w.text, w.coalesce);
  }
}
