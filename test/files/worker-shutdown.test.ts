// Issue 25: closing a pool while its threads are still starting must not abort the process. In Node
// 20.19+ piscina loads a worker's entry with require(esm), and terminating a thread in the middle of
// that load aborts the whole process (FATAL ERROR: v8::Module::IsGraphAsync ...); the pools turn it
// off in their threads (src/workspace/thread-pool.ts). Child processes, since an abort would take the
// test runner with it. A race, so this can only make the failure likely: pools are closed at every
// moment from 0 to 7 ms after their start, 240 times, both with and without a query first.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeTree, removeTree } from "./helpers.js";

const finderModule = fileURLToPath(new URL("../../dist/src/files/finder.js", import.meta.url));
const poolModule = fileURLToPath(new URL("../../dist/src/files/worker-pool.js", import.meta.url));

function runChild(script: string) {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 200_000 });
  expect({ status: r.status, signal: r.signal, stderr: r.stderr.slice(0, 400) }).toEqual({ status: 0, signal: null, stderr: "" });
}

describe("closing a pool while its workers start", () => {
  it("exits 0, by no signal, when a pool is destroyed at any moment of its start", () => {
    const script = `
      const { createFilesPool } = await import(${JSON.stringify(poolModule)});
      for (let i = 0; i < 80; i++) {
        const pool = createFilesPool(2);
        await new Promise((resolve) => setTimeout(resolve, i % 8));
        await pool.destroy();
      }`;
    for (let run = 0; run < 3; run++) runChild(script);
  }, 600_000);

  it("exits 0, by no signal, when close() follows the first query at once", () => {
    const root = makeTree({ "a.c": "", "x/y.txt": "" }, "codeintel-shutdown-");
    try {
      const script = `
        const { FileFinder } = await import(${JSON.stringify(finderModule)});
        for (let i = 0; i < 10; i++) {
          const f = new FileFinder({ watch: false, threads: 2 });
          const done = f.find("x", [${JSON.stringify(root)}]);
          if (i % 2) await done; else done.catch(() => {});
          await f.close();
        }`;
      for (let run = 0; run < 3; run++) runChild(script);
    } finally {
      removeTree(root);
    }
  }, 600_000);
});
