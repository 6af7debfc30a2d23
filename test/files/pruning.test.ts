// The scan skips paths that cannot reach the top N (match-chunk.ts): a bound per path, and a floor
// that every chunk of one query shares, so later chunks start with the bar the first ones set.
// Pruning must never change an answer: a find through the real workers, in several chunks, gives
// the same top 50 as one unpruned in-process pass over the same table.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { matchChunk } from "../../src/files/match-chunk.js";
import { makeTree, removeTree } from "../support/tree.js";

// A real tree: every file of this project's node_modules when the judged set was written (20,444 paths).
const listing = gunzipSync(readFileSync(new URL("../../bench/judged/trees/node-modules.txt.gz", import.meta.url))).toString("utf8").split("\n").filter(Boolean);
const judged = readFileSync(new URL("../../bench/judged/files-node-modules.tsv", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.includes("\t"))
  .map((l) => l.split("\t")[0]!);
// Broad queries: thousands of matches, where pruning skips the most.
const broad = ["a", "index", "e s", "lib util", "d.ts", "src index.ts", "dist lib index", "node_modules lib index", "^type", "json$", "test | spec", "!node_modules js"];

describe("pruned scan", () => {
  let root: string;
  let finder: FileFinder;

  beforeAll(async () => {
    root = makeTree(Object.fromEntries(listing.map((p) => [p, ""])));
    finder = new FileFinder({ watch: false, threads: 2 });
    await finder.openRoot(root).ready;
  }, 120_000);

  afterAll(async () => {
    await finder.close();
    removeTree(root);
  });

  it("returns the unpruned top 50 for judged and broad queries", async () => {
    const table = finder.openRoot(root).table;
    expect(table.count).toBeGreaterThan(3 * 4096); // several chunks per query
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    for (const query of [...judged, ...broad]) {
      const pieces = table.segments().map((seg) => ({ segment: seg.shared, base: seg.base, from: 0, to: seg.length }));
      const reference = matchChunk({ pieces, query, limit: 50, cancel, generation: 0 });
      const expected = [...reference.topIndex].map((i) => table.pathAt(i));
      const { results } = await finder.find(query, [root], { limit: 50 });
      expect(results.map((r) => r.path), query).toEqual(expected);
    }
  }, 120_000);
});
