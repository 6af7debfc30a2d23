// Batches of real files through the syntactic indexer: in-thread and in the real piscina pool
// (dist/workers/syntax-worker.js), with the safe-read rules applied to each file.
import { execFileSync } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseFiles } from "../../src/syntax/parse-files.js";
import { createSyntaxPool } from "../../src/syntax/syntax-pool.js";
import { tempDir } from "../support/tree.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "syntax");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"))
    .sort();
}

describe("parseFiles", () => {
  const tmp = tempDir("syntax");
  afterAll(() => tmp.cleanup());

  it("says what became of every file: parsed, not source text, unsupported, missing", async () => {
    writeFileSync(join(tmp.dir, "ok.ts"), "export class A { m() {} }\n");
    writeFileSync(join(tmp.dir, "blob.c"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    writeFileSync(join(tmp.dir, "notes.md"), "# notes\n");
    execFileSync("mkfifo", [join(tmp.dir, "pipe.py")]);
    const results = await parseFiles(tmp.dir, ["ok.ts", "blob.c", "notes.md", "pipe.py", "gone.rs"]);
    expect(results.map((r) => [r.path, r.status])).toEqual([
      ["ok.ts", "ok"], ["blob.c", "excluded"], ["notes.md", "unsupported"], ["pipe.py", "excluded"], ["gone.rs", "excluded"],
    ]);
    const ok = results[0]!;
    if (ok.status !== "ok") throw new Error("unreachable");
    expect(ok.symbols.map((s) => `${s.name} < ${s.container}`)).toEqual(["A < null", "m < A"]);
    expect(ok).toMatchObject({ language: "typescript", size: 26, partial: false });
    expect(ok.hash).toMatch(/^[\w-]{27}$/);
    expect(results[1]).toMatchObject({ reason: "binary", error: expect.stringContaining("binary") });
    expect(results[3]).toMatchObject({ reason: "not_regular", error: expect.stringContaining("named pipe") });
    expect(results[4]).toMatchObject({ reason: "not_found" });
  });
});

describe("the syntax pool", () => {
  it("parses batches in parallel worker threads, with the same answers as in-thread", async () => {
    // Four languages keep it quick: each worker thread compiles the grammars it meets.
    const paths = filesUnder(fixtures).filter((p) => /^(typescript|python|c|go)\//.test(p));
    const pool = createSyntaxPool(2);
    try {
      const batches: number[] = [];
      const fromPool = await pool.parse(fixtures, paths, { batchSize: 5, onBatch: (r) => batches.push(r.length) });
      expect(fromPool.map((r) => r.path)).toEqual(paths);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(paths.length);
      expect(batches.length).toBe(Math.ceil(paths.length / 5));
      expect(fromPool.filter((r) => r.status !== "ok")).toEqual([]);
      expect(fromPool).toEqual(await parseFiles(fixtures, paths));
    } finally {
      await pool.destroy();
    }
  });
});
