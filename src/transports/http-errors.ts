// The one error answer of every HTTP door (REST, MCP over HTTP, the WebSocket port's pages and
// upgrades, the Host/Origin/token checks, the request guard): `{error: {code, message, ...}}`
// with a status that fits the code. The codes are the protocol's tool error codes (so an unknown
// tool is `invalid_input` here as over MCP, the app-server and the SDK; only the status, 404,
// says "not here"), plus the three refusals only HTTP has (HTTP_REFUSAL_CODES).
//
//   new HttpRequestError(status, code, message)   a request the client got wrong
//   httpError(err)                                any thrown value -> {status, body, retryAfter?}
//   sendHttpError(res, err)                       answered on a response (a stream already begun just ends)
//   upgradeRefusal(err)                           the raw answer written to a refused upgrade's socket
import type { ServerResponse } from "node:http";
import { HTTP_REFUSAL_CODES, type HttpRefusalCode, type ToolErrorCode } from "../protocol/index.js";
import { ToolError } from "../core/tool.js";

export class HttpRequestError extends Error {
  override name = "HttpRequestError";
  constructor(
    readonly status: number,
    readonly code: ToolErrorCode | HttpRefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/** The status of each tool error code over HTTP. */
const STATUS: Record<ToolErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  indexing: 409,
  overloaded: 503,
  unavailable: 503,
  // Cancelled by the service (shutdown); a client that cancels by leaving reads no answer.
  cancelled: 503,
  timeout: 504,
  internal: 500,
};
/** Seconds a client should wait before retrying, for the codes that say "retry". */
const RETRY_AFTER: Partial<Record<ToolErrorCode, number>> = { indexing: 2, overloaded: 1 };

export interface HttpErrorAnswer {
  status: number;
  body: { error: Record<string, unknown> & { code: string; message: string } };
  retryAfter?: number;
}

export function httpError(err: unknown): HttpErrorAnswer {
  if (err instanceof HttpRequestError) return { status: err.status, body: { error: { code: err.code, message: err.message } } };
  if (err instanceof ToolError) return { status: STATUS[err.code], body: { error: { ...(err.data ?? {}), code: err.code, message: err.message } }, retryAfter: RETRY_AFTER[err.code] };
  return { status: 500, body: { error: { code: "internal", message: `internal error: ${err instanceof Error ? err.message : String(err)}` } } };
}

/** The refusal of a Host, Origin or token check (401, 403, 421) as an error. */
export function refusal(status: 401 | 403 | 421, reason: string): HttpRequestError {
  const code = status === 401 ? HTTP_REFUSAL_CODES.unauthorized : status === 403 ? HTTP_REFUSAL_CODES.forbidden : HTTP_REFUSAL_CODES.misdirected;
  return new HttpRequestError(status, code, reason);
}

export function sendHttpError(res: ServerResponse, err: unknown): void {
  if (res.headersSent || res.destroyed) {
    // Mid-response: nothing else can be said on it.
    res.end();
    return;
  }
  const { status, body, retryAfter } = httpError(err);
  if (retryAfter !== undefined) res.setHeader("Retry-After", String(retryAfter));
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="codeintel"');
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.setHeader("Cache-Control", "no-store");
  res.end(JSON.stringify(body));
}

export function upgradeRefusal(err: unknown): string {
  const { status, body } = httpError(err);
  const auth = status === 401 ? 'WWW-Authenticate: Bearer realm="codeintel"\r\n' : "";
  return `HTTP/1.1 ${status} ${statusText(status)}\r\nContent-Type: application/json\r\n${auth}Connection: close\r\n\r\n${JSON.stringify(body)}\n`;
}

function statusText(status: number): string {
  return ({ 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 421: "Misdirected Request", 500: "Internal Server Error", 503: "Service Unavailable" } as Record<number, string>)[status] ?? "Error";
}
