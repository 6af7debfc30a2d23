// `codeintel serve` over stdio fed raw lines no SDK client would send: malformed JSON, a
// batch, a message that is not JSON-RPC, a line over the size limit. Each gets a JSON-RPC
// error (the limit named for the oversized one) and the server keeps serving.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnCodeintel, StdioRpcClient } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-mcp-framing-"));
writeFileSync(join(root, "hello.txt"), "hello\n");
const LIMIT = 8 * 1024 * 1024;

describe("MCP stdio framing", () => {
  let rpc: StdioRpcClient;

  beforeAll(async () => {
    rpc = new StdioRpcClient(spawnCodeintel(["serve", "--symbol-index", "off", root]).child);
    await rpc.request("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } });
    rpc.notify("notifications/initialized");
  });

  afterAll(() => {
    if (rpc.child.exitCode === null) rpc.child.kill("SIGKILL");
  });

  /** The error answer to one raw line, then proof the server still answers. */
  async function answerTo(line: string): Promise<{ id?: unknown; code: number; message: string }> {
    const before = rpc.received.length;
    rpc.sendRaw(line);
    const answer = await rpc.waitFor((m) => rpc.received.indexOf(m) >= before && m.error !== undefined);
    expect(await rpc.request("ping")).toEqual({});
    expect(rpc.child.exitCode).toBeNull();
    return { id: answer.id, ...answer.error! };
  }

  it("answers malformed JSON with -32700", async () => {
    expect(await answerTo("this is not json")).toMatchObject({ id: null, code: -32700, message: expect.stringMatching(/^parse error/) });
    expect(await answerTo('{"jsonrpc":"2.0","id":1,"method":')).toMatchObject({ id: null, code: -32700 });
  });

  it("answers a batch and a message that is not JSON-RPC with -32600", async () => {
    const batch = JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]);
    expect(await answerTo(batch)).toMatchObject({ id: null, code: -32600, message: expect.stringMatching(/batch/) });
    expect(await answerTo('"just a string"')).toMatchObject({ id: null, code: -32600, message: expect.stringMatching(/JSON object/) });
    expect(await answerTo('{"jsonrpc":"2.0","id":"raw-7"}')).toMatchObject({ id: "raw-7", code: -32600, message: expect.stringMatching(/'method'/) });
    expect(await answerTo('{"jsonrpc":"1.0","id":"raw-x","method":"ping"}')).toMatchObject({ id: "raw-x", code: -32600, message: expect.stringMatching(/'jsonrpc'/) });
  });

  it("answers a line over the limit with -32600 naming the limit, and stays up", async () => {
    const big = JSON.stringify({ jsonrpc: "2.0", id: "big", method: "tools/list", params: { pad: "y".repeat(LIMIT + 1024) } });
    const answer = await answerTo(big);
    expect(answer).toMatchObject({ id: null, code: -32600 });
    expect(answer.message).toContain(`limit ${LIMIT}`);
    // A real request right after is answered in full.
    const tools = (await rpc.request("tools/list")) as { tools: Array<{ name: string }> };
    expect(tools.tools.map((t) => t.name)).toContain("find_files");
  });
});
