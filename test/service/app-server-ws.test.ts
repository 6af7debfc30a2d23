// The app-server over real WebSocket connections: handshake, tools as methods, progress,
// cancellation, faults, intake bound, security rules, dropped peers.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { eventually, latch, WsRpcClient } from "./helpers.js";

let ci: CodeIntel;
let processor: MessageProcessor;
let server: WebSocketAppServer;
let secured: WebSocketAppServer;
const drops: string[] = [];
const TOKEN = "s3cret-token-for-tests";

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), "ci-ws-"));
  writeFileSync(join(root, "a.txt"), "a\n");
  ci = await createCodeIntel({ roots: [root], debugTools: true, maxInFlight: 8, symbolIndex: "off" });
  processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  server = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0, stallMs: 1500, queueCapacity: 32, onDrop: (_label, reason) => drops.push(reason) });
  secured = await startAppServerWebSocket(processor, {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    allowedOrigins: ["http://allowed.example"],
  });
});

afterAll(async () => {
  server.closeAll("test over");
  secured.closeAll("test over");
  await server.stopAccepting();
  await secured.stopAccepting();
  await ci.close();
});

async function client(): Promise<WsRpcClient> {
  const c = await WsRpcClient.connect(server.url);
  await c.initialize();
  return c;
}

describe("handshake", () => {
  it("refuses requests before initialize and a second initialize", async () => {
    const c = await WsRpcClient.connect(server.url);
    const early = await c.start("tools/list").response;
    expect(early.error).toEqual({ code: -32600, message: "Not initialized" });
    const init = (await c.request("initialize", {})) as { serverInfo: { name: string } };
    expect(init.serverInfo.name).toBe("codeintel");
    const again = await c.start("initialize", {}).response;
    expect(again.error).toEqual({ code: -32600, message: "Already initialized" });
    await c.close();
  });
});

describe("tools as methods", () => {
  it("lists the catalog and calls a tool by name and through tools/call", async () => {
    const c = await client();
    const { tools } = await c.request<{ tools: Array<{ name: string; inputSchema: unknown }> }>("tools/list");
    expect(tools.map((t) => t.name)).toContain("debug_sleep");
    const direct = await c.request<{ steps: number }>("debug_sleep", { ms: 10, steps: 2 });
    expect(direct.steps).toBe(2);
    const viaCall = await c.request<{ structured: { steps: number }; text: string }>("tools/call", { name: "debug_sleep", arguments: { ms: 1 } });
    expect(viaCall.structured.steps).toBe(1);
    expect(viaCall.text).toMatch(/slept/);
    await c.close();
  });

  it("reports progress when a progressToken is sent, and only then", async () => {
    const c = await client();
    await c.request("debug_sleep", { ms: 60, steps: 3, _meta: { progressToken: "tok-1" } });
    const progress = c.received.filter((m) => m.method === "$/progress");
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.at(-1)?.params).toMatchObject({ progressToken: "tok-1", progress: 3, total: 3 });
    const before = c.received.length;
    await c.request("debug_sleep", { ms: 30, steps: 3 });
    expect(c.received.slice(before).some((m) => m.method === "$/progress")).toBe(false);
    await c.close();
  });

  it("$/cancelRequest ends a long request with a cancelled error", async () => {
    const c = await client();
    const { id, response, running } = c.startRunning("debug_sleep", { ms: 60_000, steps: 600 });
    await running;
    c.notify("$/cancelRequest", { id });
    const res = await response;
    expect(res.error).toMatchObject({ code: -32800 });
    expect(ci.gate.active).toBe(0);
    await c.close();
  });
});

describe("faults", () => {
  it("answers malformed JSON, batches, unknown methods and wrong params clearly and keeps serving", async () => {
    const c = await client();
    // No id to answer: a notification, never a response with a null id (codex cannot decode one).
    c.sendRaw("{not json");
    const parse = await c.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32700);
    expect(parse.id).toBeUndefined();
    c.sendRaw("[1,2]");
    await c.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32600 && /batch/.test(String(m.params.message)));
    expect(c.received.filter((m) => "id" in m && m.id === null)).toEqual([]);
    const unknown = await c.start("no/such/method").response;
    expect(unknown.error).toMatchObject({ code: -32601, message: "unknown method 'no/such/method'" });
    const wrong = await c.start("debug_sleep", { ms: "soon" }).response;
    expect(wrong.error).toMatchObject({ code: -32602, message: expect.stringContaining("arguments.ms must be integer") });
    const extra = await c.start("debug_sleep", { ms: 1, bogus: true }).response;
    expect(extra.error?.message).toContain("bogus is not a known parameter");
    const notObject = await c.start("debug_sleep", [1, 2]).response;
    expect(notObject.error?.code).toBe(-32602);
    expect(await c.request("debug_sleep", { ms: 1 })).toMatchObject({ steps: 1 });
    await c.close();
  });

  it("closes a connection that sends a 20 MB message with 1009 and serves others", async () => {
    const c = await client();
    c.sendRaw(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { pad: "x".repeat(20 * 1024 * 1024) } }));
    const closed = await c.closed;
    expect(closed.code).toBe(1009);
    const other = await client();
    expect(await other.request("debug_sleep", { ms: 1 })).toMatchObject({ steps: 1 });
    await other.close();
  });

  it("answers a flood past the intake bound with -32001 and recovers", async () => {
    const c = await client();
    const responses = await Promise.all(Array.from({ length: 40 }, () => c.start("debug_sleep", { ms: 300 }).response));
    const overloaded = responses.filter((r) => r.error?.code === -32001);
    const ok = responses.filter((r) => r.result !== undefined);
    expect(overloaded.length).toBeGreaterThan(0);
    expect(overloaded[0].error?.message).toBe("overloaded; retry later");
    expect(ok.length).toBeGreaterThan(0);
    expect(ok.length + overloaded.length).toBe(40);
    expect(await c.request("debug_sleep", { ms: 1 })).toMatchObject({ steps: 1 });
    await c.close();
  });

  it("drops a client that stops reading, without slowing the others", async () => {
    const stalled = await client();
    const healthy = await client();
    stalled.ws.pause();
    // Each unknown-method error echoes the method name: about 10 MB of answers it never reads.
    const longName = "m".repeat(100_000);
    for (let i = 0; i < 100; i++) stalled.sendRaw(JSON.stringify({ jsonrpc: "2.0", id: i, method: longName }));
    for (let i = 0; i < 5; i++) expect(await healthy.request("debug_sleep", { ms: 5 })).toMatchObject({ steps: 1 });
    await eventually(() => server.clientCount === 1, "the stalled client is disconnected");
    expect(drops.some((r) => /client not reading/.test(r))).toBe(true);
    expect(await healthy.request("debug_sleep", { ms: 1 })).toMatchObject({ steps: 1 });
    stalled.ws.terminate();
    await healthy.close();
  });

  it("drops a peer that does not answer pings", async () => {
    const pinging = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0, pingIntervalMs: 200 });
    const silent = await WsRpcClient.connect(pinging.url, { autoPong: false });
    const polite = await WsRpcClient.connect(pinging.url);
    await silent.initialize();
    const closed = await silent.closed;
    expect(closed.code).toBe(1006);
    // Two more pings answered after the drop: the polite peer outlived several checks.
    const pinged = latch("two pings to the polite peer after the drop");
    let pings = 0;
    polite.ws.on("ping", () => ++pings === 2 && pinged.open());
    await pinged.opened;
    expect(pinging.clientCount).toBe(1);
    await polite.close();
    await pinging.stopAccepting();
  });
});

describe("security", () => {
  const base = () => secured.url.replace("ws://", "http://");

  it("refuses to listen off loopback without a token", async () => {
    await expect(startAppServerWebSocket(processor, { host: "0.0.0.0", port: 0 })).rejects.toThrow(/requires a token/);
    const open = await startAppServerWebSocket(processor, { host: "0.0.0.0", port: 0, token: TOKEN });
    await expect(WsRpcClient.connect(`ws://127.0.0.1:${open.port}`)).rejects.toMatchObject({ status: 401 });
    await open.stopAccepting();
  });

  it("refuses upgrades without a token or with a wrong one, accepts the right one", async () => {
    await expect(WsRpcClient.connect(secured.url)).rejects.toMatchObject({ status: 401 });
    await expect(WsRpcClient.connect(secured.url, { headers: { Authorization: "Bearer wrong" } })).rejects.toMatchObject({ status: 401 });
    await expect(WsRpcClient.connect(`${secured.url}/?token=nope`)).rejects.toMatchObject({ status: 401 });
    const byHeader = await WsRpcClient.connect(secured.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await byHeader.initialize();
    await byHeader.close();
    const byQuery = await WsRpcClient.connect(`${secured.url}/?token=${TOKEN}`);
    await byQuery.close();
  });

  it("refuses a foreign Origin with 403 and accepts an allow-listed one", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    await expect(WsRpcClient.connect(secured.url, { headers: auth, origin: "http://evil.example" })).rejects.toMatchObject({ status: 403 });
    const ok = await WsRpcClient.connect(secured.url, { headers: auth, origin: "http://allowed.example" });
    await ok.close();
    const self = await WsRpcClient.connect(secured.url, { headers: auth, origin: base() });
    await self.close();
  });

  it("refuses a foreign Host header (DNS rebinding)", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    await expect(WsRpcClient.connect(secured.url, { headers: { ...auth, Host: `evil.example:${secured.port}` } })).rejects.toMatchObject({ status: 421 });
    const res = await fetch(`${base()}/healthz`, { headers: { Host: "evil.example" } }).catch(() => undefined);
    // fetch forbids overriding Host; the upgrade check above is the real one. Loopback names pass:
    expect(res === undefined || res.status === 200 || res.status === 421).toBe(true);
    const viaLocalhost = await WsRpcClient.connect(`ws://localhost:${secured.port}`, { headers: auth });
    await viaLocalhost.close();
  });

  it("serves health, readiness and CORS only for allowed origins; the picker needs the token", async () => {
    expect((await fetch(`${base()}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${base()}/readyz`)).json()).toEqual({ status: "ready" });
    const allowed = await fetch(`${base()}/healthz`, { headers: { Origin: "http://allowed.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://allowed.example");
    expect((await fetch(`${base()}/healthz`, { headers: { Origin: "http://evil.example" } })).status).toBe(403);
    expect((await fetch(`${base()}/`)).status).toBe(401);
    const page = await fetch(`${base()}/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });
});
