// Codex's fuzzy file search over the app-server WebSocket, with the real finder: one-shot
// searches superseded by cancellation token, and streaming sessions through their whole life.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { WsRpcClient, type RpcMessage } from "./helpers.js";
import { makeTree } from "./tree.js";

let root: string;
let ci: CodeIntel;
let server: WebSocketAppServer;

beforeAll(async () => {
  root = makeTree(40, 150);
  ci = await createCodeIntel({ roots: [root], symbolIndex: "off" });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  server = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  server.closeAll("done");
  await server.stopAccepting();
  await ci.close();
});

async function client(): Promise<WsRpcClient> {
  const c = await WsRpcClient.connect(server.url);
  await c.initialize();
  return c;
}

// codex's FuzzyFileSearchResult, serialised snake_case (codex-rs/app-server-protocol/src/protocol/common.rs).
const FILE_KEYS = ["file_name", "indices", "match_type", "path", "root", "score"];

describe("fuzzyFileSearch (one shot)", () => {
  it("answers {files} with codex's fields, best first", async () => {
    const c = await client();
    const { files } = await c.request<{ files: Array<Record<string, unknown>> }>("fuzzyFileSearch", { query: "readme", roots: [root] });
    expect(files[0]).toMatchObject({ root, path: "README.md", file_name: "README.md", match_type: "file" });
    expect(Object.keys(files[0]).sort()).toEqual(FILE_KEYS);
    expect(files[0].indices).toEqual([0, 1, 2, 3, 4, 5]);
    await c.close();
  });

  it("a second request with the same cancellationToken supersedes the first (which answers empty)", async () => {
    const c = await client();
    const first = c.start("fuzzyFileSearch", { query: "file", roots: [root], cancellationToken: "picker" });
    const second = c.start("fuzzyFileSearch", { query: "file_12_3", roots: [root], cancellationToken: "picker" });
    const [a, b] = await Promise.all([first.response, second.response]);
    expect(a.result).toEqual({ files: [] });
    const files = (b.result as { files: Array<{ path: string }> }).files;
    expect(files[0].path).toBe("module_3/src/file_12_3.ts");
    // Different tokens do not interfere.
    const [x, y] = await Promise.all([
      c.request<{ files: unknown[] }>("fuzzyFileSearch", { query: "module", roots: [root], cancellationToken: "a" }),
      c.request<{ files: unknown[] }>("fuzzyFileSearch", { query: "readme", roots: [root], cancellationToken: "b" }),
    ]);
    expect(x.files.length).toBe(50);
    expect(y.files.length).toBeGreaterThan(0);
    await c.close();
  });

  it("refuses roots outside the project and wrong params", async () => {
    const c = await client();
    const outside = await c.start("fuzzyFileSearch", { query: "x", roots: ["/etc"] }).response;
    expect(outside.error).toMatchObject({ code: -32602, message: expect.stringContaining("outside every project root") });
    const noQuery = await c.start("fuzzyFileSearch", { roots: [root] }).response;
    expect(noQuery.error).toMatchObject({ code: -32602, message: "fuzzyFileSearch: params.query must be a string" });
    await c.close();
  });
});

describe("fuzzyFileSearch sessions", () => {
  it("streams snapshots for the latest query, completes, and is silent after its stop is answered", async () => {
    const c = await client();
    expect(await c.request("fuzzyFileSearch/sessionStart", { sessionId: "s1", roots: [root] })).toEqual({});
    const forSession = (m: RpcMessage) => m.params?.sessionId === "s1";

    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: "file" });
    await c.waitFor((m) => m.method === "fuzzyFileSearch/sessionCompleted" && forSession(m));
    const firstUpdates = c.received.filter((m) => m.method === "fuzzyFileSearch/sessionUpdated" && forSession(m));
    expect(firstUpdates.length).toBeGreaterThanOrEqual(1);
    expect(firstUpdates.at(-1)?.params).toMatchObject({ sessionId: "s1", query: "file" });
    expect((firstUpdates.at(-1)?.params?.files as unknown[]).length).toBe(50);

    // Several keystrokes in a row: the last query wins and completes.
    const mark = c.received.length;
    for (const q of ["file_1", "file_12", "file_12_", "file_12_3"]) c.start("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: q });
    await c.waitFor((m) => c.received.indexOf(m) >= mark && m.method === "fuzzyFileSearch/sessionCompleted" && forSession(m));
    const later = c.received.slice(mark);
    const lastUpdate = later.filter((m) => m.method === "fuzzyFileSearch/sessionUpdated").at(-1);
    expect(lastUpdate?.params?.query).toBe("file_12_3");
    const files = lastUpdate?.params?.files as Array<Record<string, unknown>>;
    expect(files[0].path).toBe("module_3/src/file_12_3.ts");
    expect(Object.keys(files[0]).sort()).toEqual(FILE_KEYS);

    // Update then stop at once: after the stop's answer, nothing more for s1.
    c.start("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: "module" });
    const stop = c.start("fuzzyFileSearch/sessionStop", { sessionId: "s1" });
    const stopAnswer = await stop.response;
    expect(stopAnswer.result).toEqual({});
    // A barrier: the same search, queued in the same workers behind whatever the stopped session
    // still had there, answers after anything that work could send.
    await c.request("fuzzyFileSearch", { query: "module", roots: [root] });
    const after = c.received.slice(c.received.indexOf(stopAnswer) + 1);
    expect(after.filter(forSession)).toEqual([]);

    const again = await c.start("fuzzyFileSearch/sessionUpdate", { sessionId: "s1", query: "x" }).response;
    expect(again.error).toEqual({ code: -32600, message: "fuzzy file search session not found: s1" });
    await c.close();
  });

  it("keeps sessions of one connection apart", async () => {
    const c = await client();
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "a", roots: [root] });
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "b", roots: [] });
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "a", query: "readme" });
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "b", query: "file_1_1" });
    await c.waitFor((m) => m.method === "fuzzyFileSearch/sessionCompleted" && m.params?.sessionId === "a");
    await c.waitFor((m) => m.method === "fuzzyFileSearch/sessionCompleted" && m.params?.sessionId === "b");
    const lastA = c.received.filter((m) => m.method === "fuzzyFileSearch/sessionUpdated" && m.params?.sessionId === "a").at(-1);
    const lastB = c.received.filter((m) => m.method === "fuzzyFileSearch/sessionUpdated" && m.params?.sessionId === "b").at(-1);
    expect((lastA?.params?.files as Array<{ path: string }>)[0].path).toBe("README.md");
    expect((lastB?.params?.files as Array<{ path: string }>)[0].path).toBe("module_1/src/file_1_1.ts");
    await c.close();
  });
});
