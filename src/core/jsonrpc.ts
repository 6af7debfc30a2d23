// The server's side of JSON-RPC 2.0: the error it answers with and the messages it builds. The
// shapes and the codes are the protocol's (src/protocol): tool errors map onto stable codes
// there, so a client can tell "retry" from "your input is wrong".
import { ErrorCodes, TOOL_CODE_TO_RPC, type RequestId, type RpcErrorObject, type RpcNotification, type RpcResponse } from "../protocol/index.js";
import { ToolError } from "./tool.js";

export { ErrorCodes, isRequestId } from "../protocol/index.js";
export type { RequestId, RpcErrorObject, RpcNotification, RpcOutgoing, RpcRequest, RpcResponse } from "../protocol/index.js";

/** An error answered to a JSON-RPC request, with a code a client can act on. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
  toObject(): RpcErrorObject {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

/** Any thrown value as a JSON-RPC error; unknown failures keep their message but never a stack. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof ToolError) return new RpcError(TOOL_CODE_TO_RPC[err.code], err.message, { kind: err.code, ...(err.data ?? {}) });
  if (err instanceof Error && err.name === "AbortError") return new RpcError(ErrorCodes.cancelled, "request cancelled", { kind: "cancelled" });
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(ErrorCodes.internal, `internal error: ${message}`, { kind: "internal" });
}

export function resultMessage(id: RequestId, result: unknown): RpcResponse {
  return { jsonrpc: "2.0", id, result };
}

export function errorMessage(id: RequestId | null, error: RpcError): RpcResponse {
  return { jsonrpc: "2.0", id, error: error.toObject() };
}

export function notification(method: string, params: unknown): RpcNotification {
  return { jsonrpc: "2.0", method, params };
}
