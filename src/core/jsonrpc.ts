// JSON-RPC 2.0 shapes and error codes shared by the app-server and the in-process API.
// Tool errors map onto stable codes so a client can tell "retry" from "your input is wrong".
import { ToolError, type ToolErrorCode } from "./tool.js";

export type RequestId = string | number;

export interface RpcRequest {
  jsonrpc: "2.0";
  id: RequestId;
  method: string;
  params?: unknown;
}

export interface RpcNotification {
  jsonrpc: "2.0";
  method: string;
  params?: unknown;
}

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

// A null id is JSON-RPC 2.0's answer to input without one (MCP over stdio sends it). The
// app-server never does: codex's decoder (JSONRPCError in app-server-protocol's jsonrpc_lite.rs)
// cannot take a null id, so the processor tells such input with a notification instead.
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RequestId | null; result: unknown }
  | { jsonrpc: "2.0"; id: RequestId | null; error: RpcErrorObject };

export type RpcOutgoing = RpcResponse | RpcNotification;

export const ErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** Intake is full; the client should back off and retry. */
  overloaded: -32001,
  indexing: -32003,
  notFound: -32004,
  unavailable: -32005,
  timeout: -32006,
  /** The LSP convention for a request cancelled by its caller. */
  cancelled: -32800,
} as const;

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

const toolCodeToRpc: Record<ToolErrorCode, number> = {
  invalid_input: ErrorCodes.invalidParams,
  not_found: ErrorCodes.notFound,
  unavailable: ErrorCodes.unavailable,
  indexing: ErrorCodes.indexing,
  cancelled: ErrorCodes.cancelled,
  timeout: ErrorCodes.timeout,
  internal: ErrorCodes.internal,
  overloaded: ErrorCodes.overloaded,
};

/** Any thrown value as a JSON-RPC error; unknown failures keep their message but never a stack. */
export function toRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof ToolError) return new RpcError(toolCodeToRpc[err.code], err.message, { kind: err.code, ...(err.data ?? {}) });
  if (err instanceof Error && err.name === "AbortError") return new RpcError(ErrorCodes.cancelled, "request cancelled", { kind: "cancelled" });
  const message = err instanceof Error ? err.message : String(err);
  return new RpcError(ErrorCodes.internal, `internal error: ${message}`, { kind: "internal" });
}

export function isRequestId(v: unknown): v is RequestId {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
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
