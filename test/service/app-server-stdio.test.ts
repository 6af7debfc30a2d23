// `codeintel app-server` over stdio (newline-delimited JSON-RPC) as a child process: the
// handshake, a search session, a superseded one-shot search, $/cancelRequest, faults, and
// SIGTERM during a long request (it finishes, then a clean exit with no process left).
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, repoRoot, spawnCodeintel, StdioRpcClient, stderrLine, WsRpcClient } from "./helpers.js";
import { makeTree } from "./tree.js";

const ts = join(repoRoot, "test/fixtures/ts");

describe("app-server over stdio", () => {
  let rpc: StdioRpcClient;
  let marker: string;
  let root: string;

  beforeAll(() => {
    root = makeTree(30, 100);
    const spawned = spawnCodeintel(["app-server", "--symbol-index", "off", root, ts], { CODEINTEL_DEBUG_TOOLS: "1" });
    marker = spawned.marker;
    rpc = new StdioRpcClient(spawned.child);
  });

  afterAll(() => {
    if (rpc.child.exitCode === null) rpc.child.kill("SIGKILL");
  });

  it("enforces the handshake", async () => {
    expect((await rpc.start("fuzzyFileSearch", { query: "x", roots: [] }).response).error).toEqual({ code: -32600, message: "Not initialized" });
    const init = (await rpc.request("initialize", { clientInfo: { name: "t", version: "0" } })) as { capabilities: { fuzzyFileSearch: boolean } };
    expect(init.capabilities.fuzzyFileSearch).toBe(true);
    rpc.notify("initialized");
    expect((await rpc.start("initialize", {}).response).error?.message).toBe("Already initialized");
  });

  it("runs a session with several updates and a stop", async () => {
    await rpc.request("fuzzyFileSearch/sessionStart", { sessionId: "p", roots: [root] });
    for (const q of ["m", "mo", "mod", "module_2"]) await rpc.request("fuzzyFileSearch/sessionUpdate", { sessionId: "p", query: q });
    await eventually(
      () => rpc.received.some((m) => m.method === "fuzzyFileSearch/sessionUpdated" && m.params?.query === "module_2"),
      "a snapshot for the last query",
    );
    await rpc.waitFor((m) => m.method === "fuzzyFileSearch/sessionCompleted" && m.params?.sessionId === "p");
    const stop = await rpc.start("fuzzyFileSearch/sessionStop", { sessionId: "p" }).response;
    expect(stop.result).toEqual({});
    // A barrier: answered in order, so anything sent for the session before it shows up first.
    await rpc.request("debug_sleep", { ms: 1 });
    const after = rpc.received.slice(rpc.received.indexOf(stop) + 1);
    expect(after.filter((m) => m.params?.sessionId === "p")).toEqual([]);
  });

  it("supersedes a one-shot search by cancellationToken", async () => {
    const a = rpc.start("fuzzyFileSearch", { query: "file", roots: [root], cancellationToken: "t" });
    const b = rpc.start("fuzzyFileSearch", { query: "file_7_29", roots: [root], cancellationToken: "t" });
    expect((await a.response).result).toEqual({ files: [] });
    const files = ((await b.response).result as { files: Array<{ path: string }> }).files;
    expect(files[0].path).toBe("module_29/src/file_7_29.ts");
  });

  it("cancels with $/cancelRequest and answers faults clearly", async () => {
    const long = rpc.startRunning("debug_sleep", { ms: 60_000, steps: 600 });
    await long.running;
    rpc.notify("$/cancelRequest", { id: long.id });
    expect((await long.response).error?.code).toBe(-32800);
    rpc.sendRaw("this is not json");
    await rpc.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32700);
    expect((await rpc.start("hover", { file: 42 }).response).error?.code).toBe(-32602);
    // A 20 MB line is refused without taking the server down.
    rpc.sendRaw(JSON.stringify({ jsonrpc: "2.0", id: "big", method: "tools/list", params: { pad: "y".repeat(20 * 1024 * 1024) } }));
    await rpc.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32600 && /message too large/.test(String(m.params.message)));
    expect(await rpc.request("debug_sleep", { ms: 1 })).toMatchObject({ steps: 1 });
  });

  it("on SIGTERM finishes the request in flight, stops its language servers and exits 0", async () => {
    // Start a language server, so there is a process tree to clean up.
    const outline = (await rpc.request("document_symbols", { file: join(ts, "src/shapes.ts") })) as { total: number };
    expect(outline.total).toBeGreaterThan(0);
    expect(processesWithMarker(marker).length).toBeGreaterThan(1);
    const long = rpc.startRunning("debug_sleep", { ms: 1500, steps: 15 });
    await long.running;
    rpc.child.kill("SIGTERM");
    await eventually(() => /SIGTERM/.test(rpc.stderr), "the server saw the signal");
    const late = await rpc.start("debug_sleep", { ms: 1 }).response;
    expect(late.error).toMatchObject({ code: -32001, message: "shutting down; not accepting requests" });
    expect((await long.response).result).toMatchObject({ steps: 15 });
    expect(await rpc.exited).toBe(0);
    await eventually(() => processesWithMarker(marker).length === 0, "no process left");
  }, 60_000);
});

describe("app-server over WebSocket, as a process", () => {
  it("serves /healthz and on SIGTERM drains, then exits 0; a second signal forces", async () => {
    const { child, marker } = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--symbol-index", "off", ts], { CODEINTEL_DEBUG_TOOLS: "1" });
    const url = (await stderrLine(child, /listening on (ws:\/\/\S+)/))[1];
    expect((await fetch(`${url.replace("ws:", "http:")}/healthz`)).status).toBe(200);
    // Ready once the root's file list is in.
    await eventually(async () => (await fetch(`${url.replace("ws:", "http:")}/readyz`)).status === 200, "/readyz turns 200");
    const c = await WsRpcClient.connect(url);
    await c.initialize();
    const long = c.startRunning("debug_sleep", { ms: 1200, steps: 12 });
    await long.running;
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect((await long.response).result).toMatchObject({ steps: 12 });
    expect((await c.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    await eventually(() => processesWithMarker(marker).length === 0, "no process left");

    const second = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--symbol-index", "off", ts], { CODEINTEL_DEBUG_TOOLS: "1" });
    const url2 = (await stderrLine(second.child, /listening on (ws:\/\/\S+)/))[1];
    const c2 = await WsRpcClient.connect(url2);
    await c2.initialize();
    const held = c2.startRunning("debug_sleep", { ms: 60_000, steps: 600 });
    held.response.catch(() => undefined); // never answered: the second signal forces the exit
    await held.running;
    // A forced exit is the signal's own default action (no wait on worker threads): killed by SIGTERM, status 143 to a shell.
    const exited2 = new Promise<number | string | null>((resolve) => second.child.on("exit", (code, signal) => resolve(code ?? signal)));
    const draining = stderrLine(second.child, /SIGTERM, finishing in-flight requests/);
    second.child.kill("SIGTERM");
    await draining;
    second.child.kill("SIGTERM");
    expect(await exited2).toBe("SIGTERM");
    await eventually(() => processesWithMarker(second.marker).length === 0, "no process left after a forced exit");
  }, 60_000);
});
