// The tool catalog as an MCP server (the SDK's low-level Server, so the schemas we publish
// are exactly the catalog's). One of these per MCP connection; they share the one dispatch
// (core/dispatch.ts): admission, hooks and the run are the same as for every transport.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { Admission, ToolDispatch } from "../core/dispatch.js";
import { ErrorCodes } from "../protocol/index.js";
import { ToolError } from "../core/tool.js";

export interface McpServerDeps {
  dispatch: ToolDispatch;
  serverInfo: { name: string; version: string };
  instructions?: string;
}

/** An MCP server for one connection. Its intake slots are held until each answer is written, so a drain on shutdown never cuts one off. */
export interface McpEndpoint {
  readonly server: Server;
  connect(transport: Transport): Promise<void>;
  close(): Promise<void>;
}

export function createMcpServer(deps: McpServerDeps): McpEndpoint {
  const held = new Map<string, () => void>();
  const releaseAll = () => {
    for (const release of held.values()) release();
    held.clear();
  };
  const server = new Server(deps.serverInfo, {
    capabilities: { tools: { listChanged: false } },
    instructions: deps.instructions,
  });

  const { dispatch } = deps;
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: dispatch.catalog.list().map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
      annotations: {
        title: t.title,
        readOnlyHint: t.annotations.readOnlyHint,
        idempotentHint: t.annotations.idempotentHint,
        destructiveHint: !t.annotations.readOnlyHint,
        openWorldHint: t.annotations.openWorldHint ?? false,
      },
    })),
  }));

  server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
    const { name, arguments: args } = request.params;
    try {
      dispatch.tool(name);
    } catch (err) {
      throw new McpError(ErrorCode.InvalidParams, (err as Error).message);
    }
    let admission: Admission;
    try {
      admission = dispatch.admit();
    } catch (err) {
      throw new McpError(ErrorCodes.overloaded, (err as Error).message);
    }
    const release = admission.release;
    held.set(String(extra.requestId), release);
    const progressToken = request.params._meta?.progressToken;
    const progress =
      progressToken === undefined
        ? undefined
        : (p: { progress: number; total?: number; message?: string }) => {
            extra.sendNotification({ method: "notifications/progress", params: { progressToken, ...p } }).catch(() => undefined);
          };
    try {
      const result = await dispatch.run(name, args, { signal: extra.signal, progress });
      return { content: [{ type: "text", text: result.text }], structuredContent: result.structured as Record<string, unknown> };
    } catch (err) {
      // Tool failures are results, so the model sees them; protocol errors are for bad requests.
      const e = err instanceof ToolError ? err : new ToolError("internal", String(err));
      return { isError: true, content: [{ type: "text", text: `${e.code}: ${e.message}` }] };
    } finally {
      // A cancelled request gets no answer from the SDK: nothing to wait for.
      if (extra.signal.aborted) {
        held.delete(String(extra.requestId));
        release();
      }
    }
  });

  return {
    server,
    async connect(transport) {
      const send = transport.send.bind(transport);
      transport.send = async (message, options) => {
        try {
          await send(message, options);
        } finally {
          if ("id" in message && ("result" in message || "error" in message)) {
            const key = String(message.id);
            held.get(key)?.();
            held.delete(key);
          }
        }
      };
      const onclose = transport.onclose;
      transport.onclose = () => {
        onclose?.();
        releaseAll();
      };
      await server.connect(transport);
    },
    async close() {
      await server.close();
      releaseAll();
    },
  };
}
