// Issue 25: closing a finder right after its first query must not abort the process (Node 20 can
// abort when a worker thread is terminated while it is still starting). Child processes, since an
// abort would take the test runner with it; a race, so this can only make the failure likely.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { makeTree, removeTree } from "./helpers.js";

const finderModule = fileURLToPath(new URL("../../dist/src/files/finder.js", import.meta.url));

describe("closing a finder while its workers start", () => {
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
      for (let run = 0; run < 3; run++) {
        const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 100_000 });
        expect({ status: r.status, signal: r.signal, stderr: r.stderr }).toEqual({ status: 0, signal: null, stderr: "" });
      }
    } finally {
      removeTree(root);
    }
  }, 300_000);
});
