// JSON-RPC 2.0 message shapes as the app-server (and MCP over stdio) put them on the wire.
//
//   RequestId, RpcRequest, RpcNotification, RpcErrorObject, RpcResponse, RpcOutgoing
//   isRequestId(v)   a usable request id (a string, or a finite number)

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
  /** Tool errors carry their code name in `data.kind` ("invalid_input", "indexing", ...). */
  data?: unknown;
}

// A null id is JSON-RPC 2.0's answer to input without one (MCP over stdio sends it). The
// app-server never does: codex's decoder (JSONRPCError in app-server-protocol's jsonrpc_lite.rs)
// cannot take a null id, so the processor tells such input with a notification instead.
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RequestId | null; result: unknown }
  | { jsonrpc: "2.0"; id: RequestId | null; error: RpcErrorObject };

export type RpcOutgoing = RpcResponse | RpcNotification;

export function isRequestId(v: unknown): v is RequestId {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}
