// The one error a client call fails with: a stable `code` (the protocol's code names,
// src/protocol/errors.ts, plus the client's own "disconnected" and "closed"), and whether trying
// again may succeed. The server's tool error code travels in `data.kind` and is surfaced as is.
import { errorCodeName, RETRYABLE_CODES, type ErrorCodeName, type RpcErrorObject, type ToolErrorCode } from "../protocol/index.js";

export type ClientErrorCode =
  | ErrorCodeName
  | ToolErrorCode
  /** The connection dropped before the answer came: the request may or may not have run. */
  | "disconnected"
  /** close() was called. */
  | "closed";

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
    this.retryable = RETRYABLE_CODES.includes(code);
  }

  /** A server's error answer: its `data.kind`, else the protocol's name for its code. */
  static fromRpc(error: RpcErrorObject): ClientError {
    return new ClientError(errorCodeName(error) as ClientErrorCode, error.message, error.code, error.data);
  }
}
