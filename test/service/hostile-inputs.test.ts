// Inputs that cost the event loop before any check (issue 18), against the real app-server over
// stdio: huge `roots` arrays (each entry was realpath'd on the main thread), a path glob of
// nested braces (picomatch compiled it on the main thread), and Object.prototype names taken
// for known parameters. Each is refused with invalid_input (-32602) naming the limit, and the
// service goes on answering ordinary requests.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SEARCH_ROOTS } from "../../src/workspace/limits.js";
import { eventually, spawnCodeintel, StdioRpcClient } from "./helpers.js";
import { makeTree } from "../support/tree.js";

let rpc: StdioRpcClient;
let root: string;

beforeAll(async () => {
  root = makeTree({
    "src/widget.ts": "export function insideWidget(): number {\n  return 1;\n}\n",
    "src/other.py": "def inside_other():\n    return 1\n",
  });
  rpc = new StdioRpcClient(spawnCodeintel(["app-server", root]).child);
  await rpc.initialize();
  rpc.notify("initialized");
});

afterAll(() => {
  if (rpc?.child.exitCode === null) rpc.child.kill("SIGKILL");
});

describe("roots arrays are bounded", () => {
  const many = Array.from({ length: 100_000 }, () => ".");

  it("fuzzyFileSearch, its sessions and find_files refuse more roots than the limit, naming it", async () => {
    const limit = new RegExp(`at most ${MAX_SEARCH_ROOTS}`);
    const search = await rpc.start("fuzzyFileSearch", { query: "widget", roots: many, cancellationToken: null }).response;
    expect(search.error).toMatchObject({ code: -32602, message: expect.stringMatching(limit) });
    const session = await rpc.start("fuzzyFileSearch/sessionStart", { sessionId: "s", roots: many }).response;
    expect(session.error).toMatchObject({ code: -32602, message: expect.stringMatching(limit) });
    const tool = await rpc.start("find_files", { query: "widget", roots: many }).response;
    expect(tool.error).toMatchObject({ code: -32602, message: expect.stringMatching(limit) });
  }, 120_000);

  it("a few roots, duplicates included, still search", async () => {
    const found = (await rpc.request("fuzzyFileSearch", { query: "widget", roots: [root, root, root], cancellationToken: null })) as { files: { path: string }[] };
    expect(found.files.map((f) => f.path)).toContain("src/widget.ts");
  }, 60_000);
});

describe("path globs are bounded", () => {
  it("a 4,000-character nested-brace glob is refused naming the limit; a normal glob works", async () => {
    const hostile = "{a,".repeat(999) + "b" + "}".repeat(999);
    expect(hostile.length).toBeGreaterThan(3990);
    const refused = await rpc.start("workspace_symbols", { query: "inside", path: hostile }).response;
    expect(refused.error).toMatchObject({ code: -32602, message: expect.stringMatching(/path glob .*at most \d+/) });
    const deep = await rpc.start("workspace_symbols", { query: "inside", path: "src/" + "{a,".repeat(8) + "b" + "}".repeat(8) }).response;
    expect(deep.error).toMatchObject({ code: -32602, message: expect.stringMatching(/nest/) });
    const hits = await eventually(async () => {
      const r = (await rpc.request("workspace_symbols", { query: "inside", path: "src/{*.ts,*.py}" })) as { results: { name: string }[] };
      return r.results.some((h) => h.name === "insideWidget") && r.results.some((h) => h.name === "inside_other") ? r.results : undefined;
    }, "both inside symbols through a normal glob", 60_000);
    expect(hits.length).toBeGreaterThan(0);
  }, 120_000);
});

describe("unknown parameters", () => {
  it("Object.prototype names are unknown parameters like any other", async () => {
    for (const name of ["constructor", "toString", "hasOwnProperty", "__proto__"]) {
      // Raw JSON, so `__proto__` arrives as an own key, as any client's JSON would carry it.
      const id = `proto-${name}`;
      rpc.sendRaw(`{"jsonrpc":"2.0","id":"${id}","method":"find_files","params":{"query":"widget","${name}":1}}`);
      const res = await rpc.waitFor((m) => m.id === id);
      expect(res.error, name).toMatchObject({ code: -32602, message: expect.stringContaining(`${name} is not a known parameter`) });
    }
  }, 60_000);
});
