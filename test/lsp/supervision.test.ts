// Supervision with real processes: a language server whose inner process died, a broken
// server that recovers after its cool-down, time limits that fit under MCP clients'
// request timeout and name the slow step, and no orphans after codeintel is SIGKILLed.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_REQUEST_TIMEOUT_MSEC } from "@modelcontextprotocol/sdk/shared/protocol.js";
import { afterAll, describe, expect, it } from "vitest";
import { runTool } from "../../src/core/catalog.js";
import { FileFinder } from "../../src/files/finder.js";
import { LspError } from "../../src/lsp/errors.js";
import { DEFAULT_TIME_LIMITS, LspPool, type PoolEvent } from "../../src/lsp/pool.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { Tool } from "../../src/core/tool.js";
import { parseConfig } from "../../src/workspace/config.js";
import { bin } from "../support/compiled.js";
import { childrenOf, commandLine } from "../support/processes.js";
import { copyFixtures, eventually, liveInGroups, positionOf, removeTree } from "./helpers.js";

const stubbornServer = fileURLToPath(new URL("../fixtures/servers/stubborn-ls.mjs", import.meta.url));
const dir = copyFixtures("ts");
writeFileSync(join(dir, "file.stub"), "stub\n");
writeFileSync(join(dir, "file.hang"), "nothing\n");
const pools: LspPool[] = [];
const finder = new FileFinder({ watch: false });
const groupsToReap: number[] = [];

function makePool(config: object, events?: PoolEvent[]): LspPool {
  const pool = new LspPool({ roots: [dir], files: finder, config: parseConfig(JSON.stringify(config)), onEvent: (e) => events?.push(e) });
  pools.push(pool);
  return pool;
}

const failed = <T>(p: Promise<T>): Promise<LspError> =>
  p.then(
    (v) => {
      throw new Error(`expected a failure, got ${JSON.stringify(v)}`);
    },
    (e: LspError) => e,
  );

/** Pids (in `group`) whose command line contains `needle`. */
function processesIn(group: number, needle: string): number[] {
  return liveInGroups([group]).filter((pid) => commandLine(pid).includes(needle));
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.dispose()));
  await finder.close();
  for (const g of groupsToReap) {
    try {
      process.kill(-g, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  removeTree(dir);
});

describe("a server whose inner process died", () => {
  it("restarts typescript-language-server when its tsserver is killed, instead of answering empty", async () => {
    const events: PoolEvent[] = [];
    const pool = makePool({}, events);
    const main = join(dir, "ts/src/main.ts");
    const text = readFileSync(main, "utf8");
    const pos = positionOf(text, "totalArea(shapes)");
    expect(JSON.stringify((await pool.hover(main, pos))?.contents)).toContain("totalArea(shapes: Shape[]): number");
    const first = pool.status()[0].pid!;
    const [tsserver] = processesIn(first, "tsserver.js");
    expect(tsserver).toBeGreaterThan(0);

    process.kill(tsserver, "SIGKILL");
    await eventually(() => processesIn(first, "tsserver.js").length === 0, "tsserver to exit");
    // The next calls get real answers (from a restarted server), never a silent null / [].
    expect(JSON.stringify((await pool.hover(main, pos))?.contents)).toContain("totalArea(shapes: Shape[]): number");
    expect((await pool.references(main, pos)).length).toBeGreaterThan(0);
    expect(pool.status()[0].pid).not.toBe(first);
    expect(events.find((e) => e.type === "exit" && !e.expected)).toMatchObject({ reason: expect.stringContaining("[tsserver] Exited") });
    expect(liveInGroups([first])).toEqual([]);
  });
});

describe("broken is not forever", () => {
  it("tries a broken server again after its cool-down, and says when", async () => {
    const marker = join(dir, "stub-fails");
    writeFileSync(marker, "");
    const events: PoolEvent[] = [];
    const pool = makePool(
      {
        servers: { stub: { command: ["node", stubbornServer, "--fail-if-exists", marker], extensions: [".stub"] } },
        lsp: { maxRestarts: 2, restartBackoffMs: 10, brokenCooldownMs: 400 },
      },
      events,
    );
    const file = join(dir, "file.stub");
    await failed(pool.documentSymbols(file));
    const broken = await failed(pool.documentSymbols(file));
    expect(broken.message).toMatch(/marked broken.*tries it again in \d+ s \(at \d{4}-\d\d-\d\dT[\d:.]+Z\).*restart tool.*codeintel restart stub/s);
    expect(await failed(pool.documentSymbols(file))).toMatchObject({ message: expect.stringMatching(/marked broken/) });
    const spawnsWhileBroken = events.filter((e) => e.type === "spawn").length;
    expect(spawnsWhileBroken).toBe(2);

    // Still failing after the first cool-down: tried once, then broken again (for twice as long).
    await eventually(
      () => failed(pool.documentSymbols(file)).then(() => events.filter((e) => e.type === "spawn").length === 3),
      "a third spawn after the cool-down",
    );
    expect((await failed(pool.documentSymbols(file))).message).toMatch(/marked broken.*failed 3 times/s);

    // Fixed: the first call after the cool-down starts it and gets an answer.
    rmSync(marker);
    const symbols = await eventually(
      () => pool.documentSymbols(file).then((s) => (s.length > 0 ? s : undefined), () => undefined),
      "symbols once the server is fixed",
    );
    expect(symbols.map((s) => s.name)).toEqual(["file.stub"]);
  });

  it("restart() says what it stopped and cleared, and refuses an unknown server", async () => {
    const pool = makePool({ servers: { stub: { command: ["node", stubbornServer], extensions: [".stub"] } } });
    await pool.documentSymbols(join(dir, "file.stub"));
    const report = await pool.restart("stub");
    expect(report).toEqual({ stopped: [{ serverId: "stub", root: dir }], cleared: [] });
    expect(pool.status()).toEqual([]);
    await expect(pool.restart("nope")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/no language server 'nope'.*known: .*stub/) });
  });
});

describe("time limits an agent can see", () => {
  it("keeps every default under the MCP client's request timeout", () => {
    expect(DEFAULT_TIME_LIMITS.callBudgetMs).toBeLessThan(DEFAULT_REQUEST_TIMEOUT_MSEC);
    expect(DEFAULT_TIME_LIMITS.readyTimeoutMs).toBeLessThan(DEFAULT_TIME_LIMITS.callBudgetMs);
    for (const [method, ms] of Object.entries(DEFAULT_TIME_LIMITS.methods)) expect([method, ms < DEFAULT_TIME_LIMITS.callBudgetMs]).toEqual([method, true]);
  });

  const runDocumentSymbols = (pool: LspPool, file: string) => {
    const tool = createSymbolTools({ pool, roots: [dir] }).find((t) => t.name === "document_symbols") as Tool;
    return runTool(tool, { file }, { signal: new AbortController().signal });
  };

  it("a tool call stops waiting for a start when its budget is spent, and says so", async () => {
    const pool = makePool({
      servers: { silent: { command: ["node", "-e", "setInterval(() => {}, 1000)"], extensions: [".hang"] } },
      lsp: { callBudgetMs: 800, timeouts: { initialize: 120_000 } },
    });
    await expect(runDocumentSymbols(pool, join(dir, "file.hang"))).rejects.toMatchObject({
      code: "timeout",
      message: expect.stringMatching(/timed out starting the server: language server 'silent'.*not up within 1 s.*goes on starting in the background/),
    });
  });

  it("a request gets what is left of the call's budget, and the error names the request", async () => {
    const pool = makePool({
      servers: { silent: { command: ["node", "-e", "setInterval(() => {}, 1000)"], extensions: [".hang"] } },
      lsp: { timeouts: { initialize: 500 } },
    });
    await expect(pool.documentSymbols(join(dir, "file.hang"))).rejects.toThrow(/timed out starting the server: silent did not answer initialize within 500 ms/);

    // The stub answers initialize but never documentSymbol for a file named "*.mute".
    const mute = join(dir, "never.mute");
    writeFileSync(mute, "x\n");
    const slow = makePool({
      servers: { mute: { command: ["node", "-e", MUTE_SERVER], extensions: [".mute"] } },
      lsp: { callBudgetMs: 1500, timeouts: { "textDocument/documentSymbol": 120_000 } },
    });
    await expect(runDocumentSymbols(slow, mute)).rejects.toMatchObject({
      code: "timeout",
      message: expect.stringMatching(/timed out on the request: mute did not answer textDocument\/documentSymbol within \d+ ms/),
    });
  });
});

// Answers initialize, then stays silent: requests are never answered.
const MUTE_SERVER = `
let buf = "";
process.stdin.on("data", (c) => {
  buf += c;
  const m = /Content-Length: (\\d+)\\r\\n\\r\\n/.exec(buf);
  if (!m || buf.length < m.index + m[0].length + Number(m[1])) return;
  const msg = JSON.parse(buf.slice(m.index + m[0].length, m.index + m[0].length + Number(m[1])));
  buf = buf.slice(m.index + m[0].length + Number(m[1]));
  if (msg.method === "initialize") {
    const body = JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: { capabilities: { documentSymbolProvider: true } } });
    process.stdout.write("Content-Length: " + Buffer.byteLength(body) + "\\r\\n\\r\\n" + body);
  }
});`;

describe("no orphans", () => {
  it("kills a server that ignores SIGTERM and end of stdin, and its child, when codeintel is SIGKILLed", async () => {
    const root = copyFixtures();
    writeFileSync(join(root, "codeintel.json"), JSON.stringify({ servers: { stub: { command: ["node", stubbornServer], extensions: [".stub"] } } }));
    writeFileSync(join(root, "file.stub"), "stub\n");
    const codeintel = spawn(process.execPath, [bin, "app-server", "--symbol-index", "off", "--trust", root], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise((resolve) => codeintel.once("exit", resolve));
    let out = "";
    codeintel.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    const send = (m: object) => codeintel.stdin.write(JSON.stringify({ jsonrpc: "2.0", ...m }) + "\n");
    send({ id: 1, method: "initialize", params: {} });
    send({ method: "initialized" });
    send({ id: 2, method: "document_symbols", params: { file: "file.stub" } });
    await eventually(() => out.includes('"id":2'), "the answer to request 2");
    expect(out).toContain("file.stub");

    const server = await eventually(
      () => childrenOf(codeintel.pid!).find((pid) => commandLine(pid).includes("stubborn-ls.mjs")),
      "the stub server to start",
    );
    groupsToReap.push(server!);
    const group = liveInGroups([server!]);
    expect(group.length).toBe(2); // the server and its `sleep`

    codeintel.kill("SIGKILL");
    await exited;
    await eventually(() => liveInGroups([server!]).length === 0, "the stub server group to exit", 10_000);
    removeTree(root);
  });
});
