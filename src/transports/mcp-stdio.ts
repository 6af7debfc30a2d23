// MCP over stdio. The SDK's transport keeps running after stdin closes; an agent that
// goes away must not leave us (and our language servers) behind, so EOF ends the service.
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Readable, Writable } from "node:stream";
import type { McpEndpoint } from "./mcp-server.js";

export interface McpStdioServer {
  /** Resolves when stdin ends or the transport closes. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

export async function serveMcpStdio(endpoint: McpEndpoint, input: Readable = process.stdin, output: Writable = process.stdout): Promise<McpStdioServer> {
  const transport = new StdioServerTransport(input, output);
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  input.once("end", () => resolveEnded());
  input.once("close", () => resolveEnded());
  // The agent went away while we were writing (EPIPE): the same as stdin closing.
  output.on("error", () => resolveEnded());
  transport.onclose = () => resolveEnded();
  await endpoint.connect(transport);
  return {
    ended,
    close: () => endpoint.close(),
  };
}
