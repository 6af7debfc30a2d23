// The one list of error codes: the JSON-RPC codes the servers send, the tool error codes that
// travel in an error's `data.kind`, and the name a client gives each JSON-RPC code when the
// answer carries no kind. The server (core/jsonrpc.ts, the transports), the client SDK, the
// Python SDK (checked against this list by python/tests/test_protocol_drift.py) and the tests
// read it from here.
//
//   ErrorCodes                JSON-RPC code numbers by name
//   TOOL_ERROR_CODES          the tool error code names; ToolErrorCode
//   TOOL_CODE_TO_RPC          tool error code -> JSON-RPC code
//   HTTP_REFUSAL_CODES        the codes of HTTP's 401, 403 and 421 refusals
//   RPC_CODE_NAMES            JSON-RPC code -> the code name a client reports (ErrorCodeName)
//   RETRYABLE_CODES           code names after which the same call may succeed if made again
//   errorCodeName(error)      the code name of an error answer (its data.kind, else by number)

export const ErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** MCP over HTTP only: a request without a session (JSON-RPC's "server error" range). */
  noSession: -32000,
  /** Intake is full, or the server is shutting down; the client should back off and retry. (MCP over HTTP: also an unknown session, as the MCP SDK answers it.) */
  overloaded: -32001,
  indexing: -32003,
  notFound: -32004,
  unavailable: -32005,
  timeout: -32006,
  /** The LSP convention for a request cancelled by its caller. */
  cancelled: -32800,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export const TOOL_ERROR_CODES = [
  "invalid_input", // bad arguments: a path outside the roots, a line past the end, an unknown tool, ...
  "not_found", // a file or symbol that does not exist
  "unavailable", // no server for this language, server not installed or broken
  "indexing", // the server is still loading; retry shortly
  "cancelled",
  "timeout",
  "internal",
  "overloaded", // too much work in flight, or shutting down; back off and retry
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];

export const TOOL_CODE_TO_RPC: Readonly<Record<ToolErrorCode, ErrorCode>> = {
  invalid_input: ErrorCodes.invalidParams,
  not_found: ErrorCodes.notFound,
  unavailable: ErrorCodes.unavailable,
  indexing: ErrorCodes.indexing,
  cancelled: ErrorCodes.cancelled,
  timeout: ErrorCodes.timeout,
  internal: ErrorCodes.internal,
  overloaded: ErrorCodes.overloaded,
};

/**
 * The codes of the refusals only the HTTP doors have, before any request is read: a missing or
 * wrong token (401), an Origin not allowed (403), a Host not served (421). Every other HTTP error
 * carries a tool error code, as the JSON-RPC doors do.
 */
export const HTTP_REFUSAL_CODES = { unauthorized: "unauthorized", forbidden: "forbidden", misdirected: "misdirected" } as const;

export type HttpRefusalCode = (typeof HTTP_REFUSAL_CODES)[keyof typeof HTTP_REFUSAL_CODES];

/** The code name of each JSON-RPC code: the tool code it carries, or the protocol error it is. */
export const RPC_CODE_NAMES = {
  [ErrorCodes.parseError]: "parse_error",
  [ErrorCodes.invalidRequest]: "invalid_request",
  [ErrorCodes.methodNotFound]: "method_not_found",
  [ErrorCodes.invalidParams]: "invalid_input",
  [ErrorCodes.internal]: "internal",
  [ErrorCodes.noSession]: "invalid_request",
  [ErrorCodes.overloaded]: "overloaded",
  [ErrorCodes.indexing]: "indexing",
  [ErrorCodes.notFound]: "not_found",
  [ErrorCodes.unavailable]: "unavailable",
  [ErrorCodes.timeout]: "timeout",
  [ErrorCodes.cancelled]: "cancelled",
} as const satisfies Record<ErrorCode, string>;

export type ErrorCodeName = (typeof RPC_CODE_NAMES)[ErrorCode];

/** Code names after which the same call may succeed if made again (after a backoff). */
export const RETRYABLE_CODES: readonly string[] = ["disconnected", "overloaded", "indexing"];

/** An error answer's code name: the tool code in `data.kind`, else the name of its number ("internal" for an unknown one). */
export function errorCodeName(error: { code: number; data?: unknown }): string {
  const kind = (error.data as { kind?: unknown } | undefined)?.kind;
  if (typeof kind === "string") return kind;
  return (RPC_CODE_NAMES as Record<number, string>)[error.code] ?? "internal";
}
