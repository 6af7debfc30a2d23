// MCP Streamable HTTP sessions are bounded without locking anyone out: abandoned sessions up
// to the cap give way to a new real SDK client (the longest-idle one goes, never one with a
// request in flight), and an idle session expires and then answers 404 (initialize again).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { DEFAULT_MAX_SESSIONS, startMcpHttp, type McpHttpOptions, type McpHttpServer } from "../../src/transports/mcp-http.js";
import { createMcpServer } from "../../src/transports/mcp-server.js";
import { eventually } from "./helpers.js";

let ci: CodeIntel;
const servers: McpHttpServer[] = [];

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "ci-mcp-sessions-"));
  writeFileSync(join(root, "hello.txt"), "hello\n");
  ci = await createCodeIntel({ roots: [root], debugTools: true, symbolIndex: "off" });
});

afterAll(async () => {
  for (const s of servers) {
    await s.closeAll();
    await s.stopAccepting();
  }
  await ci.close();
});

async function start(options: Partial<McpHttpOptions> = {}): Promise<{ server: McpHttpServer; drops: Array<{ id: string; reason: string }> }> {
  const drops: Array<{ id: string; reason: string }> = [];
  const deps = { dispatch: ci.dispatch, serverInfo: ci.serverInfo };
  const server = await startMcpHttp({
    host: "127.0.0.1",
    port: 0,
    createServer: () => createMcpServer(deps),
    onDrop: (id, reason) => drops.push({ id, reason }),
    ...options,
  });
  servers.push(server);
  return { server, drops };
}

const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

function post(url: string, body: object, sessionId?: string, signal?: AbortSignal): Promise<Response> {
  const h = sessionId ? { ...headers, "Mcp-Session-Id": sessionId, "Mcp-Protocol-Version": "2025-06-18" } : headers;
  return fetch(url, { method: "POST", headers: h, body: JSON.stringify(body), signal });
}

/** A client that initializes, says initialized, and is never heard from again. */
async function abandonedSession(url: string): Promise<string> {
  const init = await post(url, {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "abandoned", version: "0" } },
  });
  expect(init.status).toBe(200);
  await init.text();
  const id = init.headers.get("mcp-session-id")!;
  const ack = await post(url, { jsonrpc: "2.0", method: "notifications/initialized" }, id);
  expect(ack.status).toBe(202);
  return id;
}

/** The HTTP status of a ping in `sessionId`. */
async function pingStatus(url: string, sessionId: string): Promise<number> {
  const res = await post(url, { jsonrpc: "2.0", id: "ping", method: "ping" }, sessionId);
  await res.text();
  return res.status;
}

/** A real SDK client; resolves once its notification stream (GET) is open. */
async function sdkClient(url: string): Promise<Client> {
  let streamOpen!: () => void;
  const opened = new Promise<void>((r) => (streamOpen = r));
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === "GET" && res.ok) streamOpen();
      return res;
    },
  });
  const client = new Client({ name: "sessions-test", version: "0" });
  await client.connect(transport);
  await opened;
  return client;
}

describe("MCP HTTP sessions", () => {
  it("at the cap, a new SDK client takes the longest-idle session's place, never a busy one's", async () => {
    const { server, drops } = await start();
    const busy = await abandonedSession(server.url);
    // The oldest session by activity, but with a request in flight.
    const controller = new AbortController();
    const longCall = await post(
      server.url,
      { jsonrpc: "2.0", id: "long", method: "tools/call", params: { name: "debug_sleep", arguments: { ms: 120_000 } } },
      busy,
      controller.signal,
    );
    expect(longCall.status).toBe(200);
    const abandoned: string[] = [];
    while (server.sessionCount < DEFAULT_MAX_SESSIONS) abandoned.push(await abandonedSession(server.url));

    const client = await sdkClient(server.url);
    const found = await client.callTool({ name: "find_files", arguments: { query: "hello" } });
    expect(found.structuredContent).toMatchObject({ results: [{ path: "hello.txt" }] });
    expect(server.sessionCount).toBe(DEFAULT_MAX_SESSIONS);
    expect(drops.map((d) => d.id)).toEqual([abandoned[0]]);
    expect(drops[0].reason).toMatch(/evicted/);
    expect(await pingStatus(server.url, abandoned[0])).toBe(404);
    expect(await pingStatus(server.url, busy)).toBe(200);
    controller.abort();
    await client.close();
  });

  it("expires an idle session, which then answers 404; a client with an open stream stays", async () => {
    const { server, drops } = await start({ sessionIdleMs: 300 });
    const live = await sdkClient(server.url);
    const idle = await abandonedSession(server.url);
    await eventually(() => drops.some((d) => d.id === idle), "the idle session expires");
    expect(drops.find((d) => d.id === idle)?.reason).toMatch(/idle for 300 ms/);
    const res = await post(server.url, { jsonrpc: "2.0", id: 2, method: "tools/list" }, idle);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/initialize a new one/);
    // Older than the expired one, but listening on its stream: still served.
    expect(drops.map((d) => d.id)).toEqual([idle]);
    expect((await live.listTools()).tools.length).toBeGreaterThan(0);
    // The spec's answer to 404: initialize again.
    const again = await sdkClient(server.url);
    expect((await again.callTool({ name: "debug_sleep", arguments: { ms: 1 } })).structuredContent).toMatchObject({ steps: 1 });
    await live.close();
    await again.close();
  });
});
