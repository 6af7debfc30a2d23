// The same file searches through every door give the same answer: an uppercase query (smart-case:
// only the path that has it), an empty query (the shortest paths listed), a camelCase query, a
// query over the length limit (invalid_input), and an unknown tool (invalid_input: -32602 over
// JSON-RPC and MCP, 404 with code invalid_input over REST). Real doors: app-server over stdio
// (a spawned bin/codeintel.js), over WebSocket and a Unix socket, REST on the WebSocket's port,
// MCP over stdio (a spawned `serve`, through the MCP SDK's client), the client SDK (over the
// Unix socket), the CLI (`find --json`, in-process as tests run it) and the in-process API.
// Each answer is read in its protocol's documented shape and compared with the in-process one.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { connect as connectSocket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type ClientError, type CodeIntelClient, type FileMatch } from "../../src/client/index.js";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import type { ToolError } from "../../src/core/tool.js";
import { errorCodeName } from "../../src/protocol/index.js";
import { startAppServerSocket, type SocketAppServer } from "../../src/transports/app-server-socket.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { MAX_QUERY_LENGTH } from "../../src/workspace/limits.js";
import { bin, repoRoot, SocketRpcClient, spawnCodeintel, StdioRpcClient, testCacheDir, WsRpcClient, type RpcClient, type RpcMessage } from "./helpers.js";

const project = realpathSync(mkdtempSync(join(tmpdir(), "ci-search-parity-")));
for (const file of ["src/pool.ts", "src/PoolManager.ts", "docs/POOL.md", "lib/threadpool.c", "README.md", "src/main.ts"]) {
  mkdirSync(join(project, file, ".."), { recursive: true });
  writeFileSync(join(project, file), "// fixture\n");
}

/** What a door answered: the files, or the error's code name. */
type Outcome = { files: FileMatch[] } | { code: string };
type Door = (tool: string, input: { query: string; limit?: number }) => Promise<Outcome>;

let ci: CodeIntel;
let ws: WebSocketAppServer;
let socketServer: SocketAppServer;
let stdioRpc: StdioRpcClient;
let wsRpc: WsRpcClient;
let socketRpc: SocketRpcClient;
let sdk: CodeIntelClient;
let mcp: Client;
let rest: string;

beforeAll(async () => {
  ci = await createCodeIntel({ roots: [project], symbolIndex: "off", watch: false, log: () => undefined });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  ws = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0, rest: { dispatch: ci.dispatch, fileSearch: ci.fileSearch, events: ci.events } });
  rest = ws.url.replace("ws://", "http://");
  const socketPath = join(mkdtempSync(join(tmpdir(), "ci-parity-sock-")), "s.sock");
  socketServer = await startAppServerSocket(processor, { path: socketPath });
  stdioRpc = new StdioRpcClient(spawnCodeintel(["app-server", project, "--symbol-index", "off"]).child);
  wsRpc = await WsRpcClient.connect(ws.url);
  socketRpc = new SocketRpcClient(connectSocket(socketPath));
  await Promise.all([stdioRpc, wsRpc, socketRpc].map((c) => c.initialize()));
  sdk = await connect({ socket: socketPath });
  mcp = new Client({ name: "parity-test", version: "0" });
  await mcp.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [bin, "serve", project, "--symbol-index", "off"],
      cwd: repoRoot,
      env: { ...(process.env as Record<string, string>), CODEINTEL_CACHE_DIR: testCacheDir() },
      stderr: "pipe",
    }),
  );
});

afterAll(async () => {
  await mcp?.close();
  await sdk?.close();
  stdioRpc?.child.kill();
  wsRpc?.ws.close();
  socketRpc?.socket.destroy();
  socketServer?.closeAll("done");
  ws?.closeAll("done");
  await ws?.stopAccepting();
  await ci?.close();
});

/**
 * The app-server's tools/call, which takes any tool by name and answers {structured, text}. (A
 * tool is also a method of its own name; a name that is no method is JSON-RPC's -32601.)
 */
function rpcDoor(client: () => RpcClient): Door {
  return async (tool, input) => {
    const res: RpcMessage = await client().start("tools/call", { name: tool, arguments: input }).response;
    if (res.error) return { code: errorCodeName(res.error) };
    return { files: (res.result as { structured: { results: FileMatch[] } }).structured.results };
  };
}

const doors: Record<string, Door> = {
  "in-process": async (tool, input) => {
    try {
      return { files: ((await ci.call(tool, input)).structured as { results: FileMatch[] }).results };
    } catch (err) {
      return { code: (err as ToolError).code };
    }
  },
  "app-server stdio": rpcDoor(() => stdioRpc),
  "app-server WebSocket": rpcDoor(() => wsRpc),
  "app-server unix socket": rpcDoor(() => socketRpc),
  REST: async (tool, input) => {
    const res = await fetch(`${rest}/v1/tools/${tool}`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(input) });
    const body = (await res.json()) as { structured?: { results: FileMatch[] }; error?: { code: string } };
    return body.error ? { code: body.error.code } : { files: body.structured!.results };
  },
  "MCP stdio": async (tool, input) => {
    try {
      const result = await mcp.callTool({ name: tool, arguments: input });
      // A tool's failure is a result the model reads: isError, text "code: message".
      if (result.isError) return { code: (result.content as Array<{ text: string }>)[0]!.text.split(":")[0]! };
      return { files: (result.structuredContent as { results: FileMatch[] }).results };
    } catch (err) {
      // An unknown tool is a protocol error: its JSON-RPC code, named as every client names it.
      return { code: errorCodeName(err as { code: number }) };
    }
  },
  "client SDK": async (tool, input) => {
    try {
      return { files: ((await sdk.call(tool, input)).structured as { results: FileMatch[] }).results };
    } catch (err) {
      return { code: (err as ClientError).code };
    }
  },
  CLI: async (tool, input) => {
    // The CLI names no tool: `find` is find_files (an unknown tool cannot be asked for).
    if (tool !== "find_files") return { code: "invalid_input" };
    const args = ["find", input.query, "--json", "-r", project, ...(input.limit === undefined ? [] : ["-n", String(input.limit)])];
    const { code, stdout, stderr } = await run(args);
    if (code === 0) return { files: JSON.parse(stdout) as FileMatch[] };
    return { code: /^codeintel find: \[([a-z_]+)\]/.exec(stderr)?.[1] ?? `exit ${code}: ${stderr}` };
  },
};

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: project });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function everyDoor(tool: string, input: { query: string; limit?: number }): Promise<Record<string, Outcome>> {
  const names = Object.keys(doors);
  const outcomes = await Promise.all(names.map((n) => doors[n]!(tool, input)));
  return Object.fromEntries(names.map((n, i) => [n, outcomes[i]!]));
}

/** The same outcome from every door, that outcome. */
function same(outcomes: Record<string, Outcome>): Outcome {
  const reference = outcomes["in-process"]!;
  for (const [door, outcome] of Object.entries(outcomes)) expect(outcome, door).toEqual(reference);
  return reference;
}

const paths = (o: Outcome) => ("files" in o ? o.files.map((f) => f.path).sort() : o);

describe("file search through every door", () => {
  it("an uppercase query is smart-case everywhere: only the path that has it, in camelCase FileMatch", async () => {
    const answer = same(await everyDoor("find_files", { query: "POOL" }));
    expect(paths(answer)).toEqual(["docs/POOL.md"]);
    expect(answer).toMatchObject({ files: [{ root: project, fileName: "POOL.md", matchType: "file" }] });
  }, 120_000);

  it("an empty query lists the shortest paths everywhere", async () => {
    const answer = same(await everyDoor("find_files", { query: "", limit: 20 }));
    expect(paths({ files: (answer as { files: FileMatch[] }).files.filter((f) => f.matchType === "file") })).toEqual([
      "README.md",
      "docs/POOL.md",
      "lib/threadpool.c",
      "src/PoolManager.ts",
      "src/main.ts",
      "src/pool.ts",
    ]);
  }, 120_000);

  it("a camelCase query finds the camelCase name, with the same scores and highlights", async () => {
    const answer = same(await everyDoor("find_files", { query: "PoolMan" }));
    expect(paths(answer)).toEqual(["src/PoolManager.ts"]);
    expect((answer as { files: FileMatch[] }).files[0]!.indices.length).toBe("PoolMan".length);
  }, 120_000);

  it("a bad argument is invalid_input everywhere", async () => {
    expect(same(await everyDoor("find_files", { query: "x".repeat(MAX_QUERY_LENGTH + 1) }))).toEqual({ code: "invalid_input" });
  }, 120_000);

  it("an unknown tool is invalid_input everywhere (REST: status 404, the same code)", async () => {
    expect(same(await everyDoor("no_such_tool", { query: "x" }))).toEqual({ code: "invalid_input" });
    expect((await fetch(`${rest}/v1/tools/no_such_tool`, { method: "POST" })).status).toBe(404);
    // The tool's own method name over the app-server: find_files answers as tools/call's structured output.
    const direct = await wsRpc.start("find_files", { query: "POOL" }).response;
    expect((direct.result as { results: FileMatch[] }).results).toEqual(await ci.findFiles("POOL"));
  }, 120_000);

  it("the search-only doors agree too: REST /v1/search and the SDK's findFiles", async () => {
    const local = await ci.findFiles("POOL");
    const viaRest = (await (await fetch(`${rest}/v1/search`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ query: "POOL" }) })).json()) as { files: FileMatch[] };
    expect(viaRest.files).toEqual(local);
    expect(await sdk.findFiles("POOL")).toEqual(local);
  }, 120_000);
});
