// The tool catalog as an MCP server (the SDK's low-level Server, so the schemas we publish
// are exactly the catalog's). One of these per MCP connection; they share the catalog and
// the intake gate.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { runTool, type ToolCatalog } from "../core/catalog.js";
import type { IntakeGate } from "../core/intake.js";
import { ErrorCodes } from "../core/jsonrpc.js";
import { ToolError } from "../tools/tool.js";

export interface McpServerDeps {
  catalog: ToolCatalog;
  gate: IntakeGate;
  serverInfo: { name: string; version: string };
  instructions?: string;
}

export function createMcpServer(deps: McpServerDeps): Server {
  const server = new Server(deps.serverInfo, {
    capabilities: { tools: { listChanged: false } },
    instructions: deps.instructions,
  });

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: deps.catalog.list().map((t) => ({
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
    const tool = deps.catalog.get(name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `unknown tool '${name}' (known: ${deps.catalog.names.join(", ")})`);
    const admitted = deps.gate.tryEnter();
    if (admitted !== "ok") {
      throw new McpError(ErrorCodes.overloaded, admitted === "full" ? "overloaded; retry later" : "shutting down; not accepting requests");
    }
    const progressToken = request.params._meta?.progressToken;
    const progress =
      progressToken === undefined
        ? undefined
        : (p: { progress: number; total?: number; message?: string }) => {
            extra.sendNotification({ method: "notifications/progress", params: { progressToken, ...p } }).catch(() => undefined);
          };
    try {
      const result = await runTool(tool, args, { signal: extra.signal, progress });
      return { content: [{ type: "text", text: result.text }], structuredContent: result.structured as Record<string, unknown> };
    } catch (err) {
      // Tool failures are results, so the model sees them; protocol errors are for bad requests.
      const e = err instanceof ToolError ? err : new ToolError("internal", String(err));
      return { isError: true, content: [{ type: "text", text: `${e.code}: ${e.message}` }] };
    } finally {
      deps.gate.leave();
    }
  });

  return server;
}
