// The one error a client call fails with: a stable `code` (the service's tool error codes, plus
// the client's own "disconnected" and "closed"), and whether trying again may succeed.
import type { RpcErrorObject } from "../core/jsonrpc.js";

export type ClientErrorCode =
  | "invalid_input"
  | "not_found"
  | "unavailable"
  | "indexing"
  | "cancelled"
  | "timeout"
  | "internal"
  | "overloaded"
  | "invalid_request"
  | "method_not_found"
  | "not_initialized"
  | "parse_error"
  /** The connection dropped before the answer came: the request may or may not have run. */
  | "disconnected"
  /** close() was called. */
  | "closed";

/** Codes after which the same call may succeed if made again (after a backoff). */
const RETRYABLE = new Set<ClientErrorCode>(["disconnected", "overloaded", "indexing"]);

const BY_RPC_CODE: Record<number, ClientErrorCode> = {
  [-32700]: "parse_error",
  [-32600]: "invalid_request",
  [-32601]: "method_not_found",
  [-32602]: "invalid_input",
  [-32603]: "internal",
  [-32001]: "overloaded",
  [-32002]: "not_initialized",
  [-32003]: "indexing",
  [-32004]: "not_found",
  [-32005]: "unavailable",
  [-32006]: "timeout",
  [-32800]: "cancelled",
};

export class ClientError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** The JSON-RPC error code when the server answered with an error. */
    readonly rpcCode?: number,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "ClientError";
    this.retryable = RETRYABLE.has(code);
  }

  /** A server's error answer; the tool error code travels in `data.kind`. */
  static fromRpc(error: RpcErrorObject): ClientError {
    const kind = (error.data as { kind?: unknown } | undefined)?.kind;
    const code = typeof kind === "string" ? (kind as ClientErrorCode) : (BY_RPC_CODE[error.code] ?? "internal");
    return new ClientError(code, error.message, error.code, error.data);
  }
}
