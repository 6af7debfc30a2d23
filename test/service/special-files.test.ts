// Files that are not source text inside a project root, against the real service (app-server
// over stdio) and the real CLI: a named pipe called p.ts, and a named pipe where an ignore file
// belongs. Opening a FIFO for reading blocks until a writer comes, so a service that opened one
// would freeze for good, SIGTERM included.
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyFixtures, removeTree } from "../support/tree.js";
import { bin, eventually, processesWithMarker, repoRoot, spawnCodeintel, StdioRpcClient } from "./helpers.js";

describe("a named pipe with a source extension", () => {
  let base: string;
  let root: string;
  let rpc: StdioRpcClient;
  let marker: string;

  beforeAll(async () => {
    base = copyFixtures("ts");
    root = join(base, "ts");
    execFileSync("mkfifo", [join(root, "src/p.ts")]);
    // Eager indexing: the background pass meets the pipe too.
    const spawned = spawnCodeintel(["app-server", "--symbol-index", "eager", root]);
    marker = spawned.marker;
    rpc = new StdioRpcClient(spawned.child);
    await rpc.initialize();
  });

  afterAll(() => {
    if (rpc.child.exitCode === null) rpc.child.kill("SIGKILL");
    removeTree(base);
  });

  it("hover and document_symbols on it answer invalid_input at once", async () => {
    for (const [method, params] of [["hover", { file: "src/p.ts", line: 1 }], ["document_symbols", { file: "src/p.ts" }]] as const) {
      const started = performance.now();
      const res = await rpc.start(method, params).response;
      console.log(`${method} on a FIFO answered in ${(performance.now() - started).toFixed(1)} ms`);
      expect(res.error).toMatchObject({ code: -32602, message: expect.stringMatching(/'src\/p\.ts' is a named pipe \(FIFO\), not a regular file/) });
    }
    // The service goes on answering real files.
    const outline = (await rpc.request("document_symbols", { file: "src/shapes.ts" })) as { total: number };
    expect(outline.total).toBeGreaterThan(0);
  }, 60_000);

  it("still exits 0 on SIGTERM, leaving no process behind", async () => {
    rpc.child.kill("SIGTERM");
    expect(await rpc.exited).toBe(0);
    await eventually(() => processesWithMarker(marker).length === 0, "no process left");
  }, 60_000);

  it("codeintel index over the root completes and lists the pipe as not source text", async () => {
    const cacheDir = join(base, "cache");
    const out = execFileSync(process.execPath, [bin, "index", "--root", root, "--cache-dir", cacheDir, "--json"], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
    const summary = JSON.parse(out) as { excluded: number; failed: number; symbols: number; excludedFiles: { path: string; error: string }[] };
    expect(summary.excludedFiles).toEqual([{ path: "src/p.ts", error: expect.stringMatching(/named pipe/) }]);
    expect(summary.excluded).toBe(1);
    expect(summary.failed).toBe(0);
    expect(summary.symbols).toBeGreaterThan(0);
  }, 120_000);
});

describe("a named pipe where an ignore file belongs", () => {
  it("the walk treats it as an unreadable ignore file and lists the tree", async () => {
    const base = copyFixtures("ts");
    try {
      const root = join(base, "ts");
      execFileSync("mkfifo", [join(root, "src/.gitignore")]);
      const child = spawn(process.execPath, [bin, "find", "shapes", "--root", root, "--files-only"], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d));
      // A generous deadline only: a frozen walk never exits at all.
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      clearTimeout(timer);
      expect(code).toBe(0);
      expect(out).toContain("src/shapes.ts");
    } finally {
      removeTree(base);
    }
  }, 90_000);
});
