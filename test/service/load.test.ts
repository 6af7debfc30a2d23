// Load on loopback: 50 WebSocket clients run search sessions at once while one more client
// never reads. The 50 get every completion; the stalled one is dropped for not reading.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { eventually, WsRpcClient } from "./helpers.js";
import { makeTree } from "./tree.js";

let ci: CodeIntel;
let server: WebSocketAppServer;
let root: string;
const drops: string[] = [];

beforeAll(async () => {
  root = makeTree(20, 100);
  ci = await createCodeIntel({ roots: [root], symbolIndex: "off" });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  server = await startAppServerWebSocket(processor, {
    host: "127.0.0.1",
    port: 0,
    stallMs: 2000,
    queueCapacity: 64,
    onDrop: (_label, reason) => drops.push(reason),
  });
});

afterAll(async () => {
  server.closeAll("done");
  await server.stopAccepting();
  await ci.close();
});

describe("50 clients and a stalled one", () => {
  it("completes every session of the 50 and drops the client that never reads", async () => {
    const stalled = await WsRpcClient.connect(server.url);
    await stalled.initialize();
    await stalled.request("fuzzyFileSearch/sessionStart", { sessionId: "stalled", roots: [root] });
    stalled.ws.pause();
    // It keeps asking (big answers it never reads) while the others work.
    const flood = setInterval(() => {
      if (stalled.ws.readyState !== stalled.ws.OPEN) return clearInterval(flood);
      for (let i = 0; i < 20; i++) stalled.sendRaw(JSON.stringify({ jsonrpc: "2.0", id: `f${Math.random()}`, method: "fuzzyFileSearch", params: { query: "file", roots: [root] } }));
    }, 20);

    const queries = ["f", "fi", "file", "file_1", "file_1_"];
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const c = await WsRpcClient.connect(server.url);
        await c.initialize();
        const sessionId = `s${n}`;
        await c.request("fuzzyFileSearch/sessionStart", { sessionId, roots: [root] });
        const completions: string[] = [];
        for (const [i, q] of queries.entries()) {
          const final = `${q}${n % 10}`;
          const mark = c.received.length;
          await c.request("fuzzyFileSearch/sessionUpdate", { sessionId, query: i === queries.length - 1 ? final : q });
          await c.waitFor((m) => c.received.indexOf(m) >= mark && m.method === "fuzzyFileSearch/sessionCompleted" && m.params?.sessionId === sessionId, 60_000);
          const last = c.received
            .slice(mark)
            .filter((m) => m.method === "fuzzyFileSearch/sessionUpdated")
            .at(-1);
          completions.push(String(last?.params?.query));
        }
        await c.request("fuzzyFileSearch/sessionStop", { sessionId });
        await c.close();
        return { n, completions };
      }),
    );
    for (const { n, completions } of results) {
      expect(completions).toEqual([...queries.slice(0, -1), `file_1_${n % 10}`]);
    }
    await eventually(() => drops.some((r) => /client not reading/.test(r)), "the stalled client is dropped", 60_000);
    clearInterval(flood);
    stalled.ws.terminate();
    await eventually(() => server.clientCount === 0, "all connections closed");
  }, 120_000);
});
