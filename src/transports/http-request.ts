// The one place an HTTP request's target is parsed, and the one wrapper every HTTP listener
// (requests and WebSocket upgrades) goes through. Node hands a listener whatever request line a
// client sent (`GET http://[/ HTTP/1.1`), and an exception thrown from a listener ends the
// process, before any token check. So: the target is parsed once, guarded (a target that does not
// parse answers 400), and a handler can never throw out of the listener (a failure answers 500 and
// is logged).
//
//   createServer(guardHttpHandler(handle, log))         // handle may throw or reject
//   server.on("upgrade", guardUpgradeHandler(onUpgrade, log))
//   const { path, query } = requestTarget(req)           // parsed once per request, cached
//   decodePathSegment(segment)                           // percent-decoding that cannot throw past the guard
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { ToolError } from "../core/tool.js";
import { HttpRequestError, httpError, upgradeRefusal } from "./http-errors.js";

export interface RequestTarget {
  /** The decoded-as-URL path (percent escapes kept), e.g. `/v1/tools/hover`. */
  path: string;
  query: URLSearchParams;
}


const parsed = new WeakMap<IncomingMessage, RequestTarget>();

/**
 * The request's path and query. Throws HttpRequestError 400 for a target that is not a path or an
 * absolute URL (`http://[/`, a port past 65535); the guards below turn that into the answer.
 */
export function requestTarget(req: IncomingMessage): RequestTarget {
  const known = parsed.get(req);
  if (known) return known;
  let url: URL;
  try {
    // The base only completes origin-form targets ("/x"); an absolute-form target keeps its own.
    url = new URL(req.url ?? "/", "http://x");
  } catch {
    throw new HttpRequestError(400, "invalid_input", `the request target ${JSON.stringify(truncate(req.url ?? ""))} is not a valid path or URL`);
  }
  const target = { path: url.pathname, query: url.searchParams };
  parsed.set(req, target);
  return target;
}

/** `decodeURIComponent` for one path segment; a malformed escape (`%E0%A4%A`) is a 400, not an exception. */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpRequestError(400, "invalid_input", `${JSON.stringify(truncate(segment))} is not valid percent-encoding (UTF-8)`);
  }
}

/**
 * Wraps a request handler so nothing escapes the listener: the target is checked first (400),
 * a thrown HttpRequestError answers its status, anything else answers 500 and is logged.
 */
export function guardHttpHandler(
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
  log: (line: string) => void = defaultLog,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const fail = (err: unknown) => answerFailure(req, res, err, log);
    try {
      requestTarget(req);
      const done = handler(req, res);
      if (done) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

/** The same for an `upgrade` listener: the answer is written to the raw socket, which is then closed. */
export function guardUpgradeHandler(
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>,
  log: (line: string) => void = defaultLog,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    // A peer that resets mid-handshake must not raise an unhandled 'error'.
    socket.on("error", () => undefined);
    const fail = (err: unknown) => {
      logInternal(req, err, log);
      if (socket.writable) socket.end(upgradeRefusal(err));
      else socket.destroy();
    };
    try {
      requestTarget(req);
      const done = handler(req, socket, head);
      if (done) done.catch(fail);
    } catch (err) {
      fail(err);
    }
  };
}

function answerFailure(req: IncomingMessage, res: ServerResponse, err: unknown, log: (line: string) => void): void {
  logInternal(req, err, log);
  const { status, body } = httpError(err);
  if (res.headersSent || res.destroyed) {
    // Mid-response: nothing else can be said on it.
    res.destroy();
    return;
  }
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  // The request may not have been read to its end: this connection cannot carry another one.
  res.setHeader("Connection", "close");
  res.end(JSON.stringify(body));
}

/** A failure nobody said (not an HttpRequestError nor a ToolError) is logged with its stack. */
function logInternal(req: IncomingMessage, err: unknown, log: (line: string) => void): void {
  if (err instanceof HttpRequestError || err instanceof ToolError) return;
  log(`codeintel: internal error answering ${req.method ?? "?"} ${truncate(req.url ?? "")}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
}

function truncate(s: string): string {
  return s.length <= 200 ? s : s.slice(0, 200) + "...";
}

function defaultLog(line: string): void {
  process.stderr.write(line + "\n");
}
