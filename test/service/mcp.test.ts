// MCP through the SDK's own client, against `codeintel serve` as a child process:
// over stdio and over Streamable HTTP.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, eventually, latch, processesWithMarker, repoRoot, spawnCodeintel, stderrLine, testCacheDir } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-mcp-"));
writeFileSync(join(root, "hello.txt"), "hello\n");

function stdioClient(extraArgs: string[] = []): { client: Client; transport: StdioClientTransport; marker: string } {
  const marker = randomUUID();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, "serve", ...extraArgs, root],
    cwd: repoRoot,
    env: { ...(process.env as Record<string, string>), CODEINTEL_DEBUG_TOOLS: "1", CODEINTEL_TEST_MARKER: marker, CODEINTEL_CACHE_DIR: testCacheDir() },
    stderr: "pipe",
  });
  return { client: new Client({ name: "mcp-test", version: "0" }), transport, marker };
}

describe("MCP over stdio", () => {
  it("lists the catalog with schemas and annotations, and calls a tool with structured content", async () => {
    const { client, transport } = stdioClient();
    await client.connect(transport);
    const { tools } = await client.listTools();
    const sleep = tools.find((t) => t.name === "debug_sleep");
    expect(sleep?.inputSchema).toMatchObject({ type: "object", required: ["ms"] });
    expect(sleep?.outputSchema).toMatchObject({ type: "object" });
    expect(sleep?.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    for (const t of tools) expect(t.name).toMatch(/^[A-Za-z0-9_.-]+$/);
    const result = await client.callTool({ name: "debug_sleep", arguments: { ms: 5, steps: 1 } });
    expect(result.structuredContent).toMatchObject({ steps: 1 });
    expect((result.content as Array<{ text: string }>)[0].text).toMatch(/slept/);
    const bad = await client.callTool({ name: "debug_sleep", arguments: { ms: -1 } });
    expect(bad.isError).toBe(true);
    expect((bad.content as Array<{ text: string }>)[0].text).toMatch(/invalid_input: .*ms must be >= 0/);
    await expect(client.callTool({ name: "no_such_tool", arguments: {} })).rejects.toThrow(/unknown tool/);
    await client.close();
  });

  it("sends progress notifications when the caller asks", async () => {
    const { client, transport } = stdioClient();
    await client.connect(transport);
    const seen: Array<{ progress: number; total?: number }> = [];
    await client.callTool({ name: "debug_sleep", arguments: { ms: 100, steps: 4 } }, undefined, { onprogress: (p) => seen.push(p) });
    // The SDK drops a progress notification that arrives after the answer: the last may be missing.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toMatchObject({ progress: 1, total: 4 });
    await client.close();
  });

  it("notifications/cancelled aborts the work (the intake slot is freed)", async () => {
    const { client, transport } = stdioClient(["--max-in-flight", "1"]);
    await client.connect(transport);
    const controller = new AbortController();
    const running = latch("the call's first progress");
    const long = client.callTool({ name: "debug_sleep", arguments: { ms: 120_000, steps: 600 } }, undefined, { signal: controller.signal, onprogress: running.open });
    await running.opened; // its first progress: the call is running on the server
    controller.abort("user pressed escape");
    await expect(long).rejects.toThrow();
    // With one slot, this only succeeds once the cancelled call really stopped.
    const next = await eventually(async () => {
      const r = await client.callTool({ name: "debug_sleep", arguments: { ms: 1 } });
      return r.isError ? undefined : r;
    }, "the cancelled call releases its slot", 10_000);
    expect(next.structuredContent).toMatchObject({ steps: 1 });
    await client.close();
  });

  it("exits on stdin EOF, mid-request, leaving no process behind", async () => {
    const { child, marker } = spawnCodeintel(["serve", root], { CODEINTEL_DEBUG_TOOLS: "1" });
    const lines: string[] = [];
    child.stdout.on("data", (c: Buffer) => lines.push(c.toString()));
    const send = (m: unknown) => child.stdin.write(JSON.stringify(m) + "\n");
    send({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } });
    await eventually(() => lines.join("").includes('"id":1'), "initialize answered");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "debug_sleep", arguments: { ms: 100_000, steps: 1000 }, _meta: { progressToken: "eof" } } });
    await eventually(() => lines.join("").includes('"progressToken":"eof"'), "the call is running (its first progress)");
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    await eventually(() => processesWithMarker(marker).length === 0, "no process with our marker survives");
  });
});

describe("MCP over Streamable HTTP", () => {
  const TOKEN = "http-test-token";
  let url: string;
  let child: ReturnType<typeof spawnCodeintel>["child"];

  beforeAll(async () => {
    ({ child } = spawnCodeintel(["serve", "--http", "0", "--token", TOKEN, "--allow-origin", "http://ide.example", root], { CODEINTEL_DEBUG_TOOLS: "1" }));
    url = (await stderrLine(child, /Streamable HTTP at (http:\/\/\S+)/))[1];
  });

  afterAll(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.on("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
  });

  const connect = async (): Promise<Client> => {
    const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    const client = new Client({ name: "mcp-http-test", version: "0" });
    await client.connect(transport);
    return client;
  };

  it("lists tools, calls them, reports progress and honours cancellation", async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["debug_sleep", "find_files", "hover", "workspace_symbols"]));
    const found = await client.callTool({ name: "find_files", arguments: { query: "hello" } });
    expect(found.structuredContent).toMatchObject({ results: [{ path: "hello.txt", matchType: "file" }] });
    const seen: number[] = [];
    const r = await client.callTool({ name: "debug_sleep", arguments: { ms: 60, steps: 3 } }, undefined, { onprogress: (p) => seen.push(p.progress) });
    expect(r.structuredContent).toMatchObject({ steps: 3 });
    expect(seen[0]).toBe(1);
    const controller = new AbortController();
    const running = latch("the call's first progress");
    const long = client.callTool({ name: "debug_sleep", arguments: { ms: 100_000, steps: 1000 } }, undefined, { signal: controller.signal, onprogress: running.open });
    await running.opened;
    controller.abort();
    await expect(long).rejects.toThrow();
    await client.close();
  });

  it("refuses a missing or wrong token, a foreign Origin and a foreign Host", async () => {
    const init = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "0" } },
    });
    const headers = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };
    expect((await fetch(url, { method: "POST", headers, body: init })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { ...headers, Authorization: "Bearer nope" }, body: init })).status).toBe(401);
    const auth = { ...headers, Authorization: `Bearer ${TOKEN}` };
    expect((await fetch(url, { method: "POST", headers: { ...auth, Origin: "http://evil.example" }, body: init })).status).toBe(403);
    const preflight = await fetch(url, { method: "OPTIONS", headers: { Origin: "http://ide.example", "Access-Control-Request-Method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://ide.example");
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: "POST", headers: { ...auth, Host: "attacker.example" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end(init);
    });
    expect(status).toBe(421);
  });

  it("on SIGTERM finishes the request in flight, then exits 0", async () => {
    const client = await connect();
    const running = latch("the call's first progress");
    const call = client.callTool({ name: "debug_sleep", arguments: { ms: 1500, steps: 15 } }, undefined, { onprogress: running.open });
    await running.opened;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const result = await call;
    expect(result.structuredContent).toMatchObject({ steps: 15 });
    expect(await exited).toBe(0);
  });
});
