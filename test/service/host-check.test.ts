// The DNS-rebinding check on real sockets, for both HTTP transports without a token: only
// the loopback literals with our port (and --allow-host names) pass the Host check; a name
// that only looks like loopback (127.0.0.1.evil.example) is refused, at startup too.
import { request } from "node:http";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { startMcpHttp, type McpHttpServer } from "../../src/transports/mcp-http.js";
import { createMcpServer } from "../../src/transports/mcp-server.js";
import { spawnCodeintel, WsRpcClient } from "./helpers.js";

let ci: CodeIntel;
let ws: WebSocketAppServer;
let mcp: McpHttpServer;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "ci-host-"));
  writeFileSync(join(root, "secret.txt"), "s\n");
  ci = await createCodeIntel({ roots: [root], symbolIndex: "off" });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  ws = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0, allowedHosts: ["picker.example"] });
  const deps = { dispatch: ci.dispatch, serverInfo: ci.serverInfo };
  mcp = await startMcpHttp({ host: "127.0.0.1", port: 0, createServer: () => createMcpServer(deps) });
});

afterAll(async () => {
  ws.closeAll("done");
  await ws.stopAccepting();
  await mcp.closeAll();
  await mcp.stopAccepting();
  await ci.close();
});

/** The status of one request to 127.0.0.1:port with a Host header of our choosing. */
function statusWithHost(port: number, host: string, method = "GET", path = "/healthz", body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Host: host };
    if (body) Object.assign(headers, { "Content-Type": "application/json", Accept: "application/json, text/event-stream" });
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(body);
  });
}

const initialize = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "0" } },
});

describe("Host check", () => {
  it("accepts the loopback literals with our port and --allow-host names", async () => {
    const p = ws.port;
    for (const host of [`127.0.0.1:${p}`, `127.8.9.10:${p}`, `localhost:${p}`, `LOCALHOST:${p}`, `[::1]:${p}`, `picker.example:${p}`, "picker.example"]) {
      expect([host, await statusWithHost(p, host)]).toEqual([host, 200]);
    }
  });

  it("refuses names that only look like loopback, other ports and a missing port", async () => {
    const p = ws.port;
    const refused = [`127.0.0.1.evil.example:${p}`, `127.evil.example:${p}`, `localhost.evil.example:${p}`, `evil.example:${p}`, `127.0.0.1:${p + 1}`, "127.0.0.1", `picker.example:${p + 1}`];
    for (const host of refused) expect([host, await statusWithHost(p, host)]).toEqual([host, 421]);
  });

  it("keeps a rebinding page away from the file list (picker page, WebSocket, MCP)", async () => {
    const evil = (port: number) => `127.0.0.1.evil.example:${port}`;
    expect(await statusWithHost(ws.port, evil(ws.port), "GET", "/")).toBe(421);
    await expect(WsRpcClient.connect(ws.url, { headers: { Host: evil(ws.port) } })).rejects.toMatchObject({ status: 421 });
    expect(await statusWithHost(mcp.port, evil(mcp.port), "POST", "/mcp", initialize)).toBe(421);
    // The same requests under the real name go through.
    expect(await statusWithHost(mcp.port, `127.0.0.1:${mcp.port}`, "POST", "/mcp", initialize)).toBe(200);
    const ok = await WsRpcClient.connect(ws.url);
    await ok.close();
  });
});

describe("binding without a token", () => {
  it("refuses a non-loopback --host / --listen, including 127.0.0.1.evil.example", async () => {
    const deps = { dispatch: ci.dispatch, serverInfo: ci.serverInfo };
    await expect(startAppServerWebSocket(new MessageProcessor({ ...deps, fileSearch: ci.fileSearch }), { host: "127.0.0.1.evil.example", port: 0 })).rejects.toThrow(
      /requires a token/,
    );
    await expect(startMcpHttp({ host: "127.0.0.1.evil.example", port: 0, createServer: () => createMcpServer(deps) })).rejects.toThrow(/requires a token/);
    for (const args of [
      ["app-server", "--listen", "ws://127.0.0.1.evil.example:0"],
      ["serve", "--http", "0", "--host", "127.0.0.1.evil.example"],
    ]) {
      const { child } = spawnCodeintel([...args, "--symbol-index", "off"]);
      let stderr = "";
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code).not.toBe(0);
      expect(stderr).toMatch(/127\.0\.0\.1\.evil\.example \(not loopback\) requires a token/);
    }
  });
});
