// The contract every agent tool follows. One catalog of these is served by
// every transport (MCP, app-server JSON-RPC, CLI, in-process API); a tool never
// knows which transport called it. The core owns it because the core consumes it:
// the catalog checks input against `inputSchema`, the dispatch runs `run`.
//
//   defineTool<I, O>({ name, ..., run })   a typed tool as a catalog entry (Tool)

import type { ToolDescription, ToolErrorCode, ToolProgress, ToolsCallResult } from "../protocol/index.js";
export type { JsonSchema, ToolAnnotations, ToolErrorCode, ToolProgress } from "../protocol/index.js";

export interface ToolContext {
  /** Aborted when the caller cancels (MCP notifications/cancelled, $/cancelRequest, Ctrl-C). */
  signal: AbortSignal;
  /** Reports progress on long work; transports forward it only when the caller asked. */
  progress?: (p: ToolProgress) => void;
}

/** What a tool answers: tools/call's result (src/protocol/methods.ts). */
export type ToolResult<O = unknown> = ToolsCallResult<O>;

/** A catalog entry: what tools/list describes, and how it runs. */
export interface Tool<I = Record<string, unknown>, O = unknown> extends ToolDescription {
  /**
   * Set by a tool that, once its signal aborts, winds down promptly and answers with what it
   * got done, saying so (index: "interrupted"): the runner waits for that answer instead of
   * answering "cancelled" at once. MCP drops it (a cancelled request gets no answer there).
   */
  answersWhenCancelled?: boolean;
  run(input: I, ctx: ToolContext): Promise<ToolResult<O>>;
}

/** An error a tool reports to its caller: its message is written for the user or model. */
export class ToolError extends Error {
  constructor(
    readonly code: ToolErrorCode,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ToolError";
  }
}

/**
 * A typed tool as the catalog holds it. The catalog checks every input against the tool's
 * `inputSchema` before `run` sees it, which is what makes an input an `I`; this is the one
 * place that says so to the type checker.
 */
export function defineTool<I extends object, O>(tool: Tool<I, O>): Tool {
  return tool as unknown as Tool;
}
