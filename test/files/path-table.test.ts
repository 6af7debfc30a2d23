// The segmented path table: indices, paths and flags across segments, tombstones across them,
// buffers never replaced as it grows, match tasks cut into pieces at segment ends, and a query
// over a multi-segment root in real workers ranking as one in-process chunk over the same paths.
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { matchChunk } from "../../src/files/match-chunk.js";
import { listTasks, rangeTasks } from "../../src/files/match-tasks.js";
import { PathTable, SEGMENT_ENTRIES } from "../../src/files/path-table.js";
import { indexOnlyRepo, removeTree } from "./helpers.js";

const trees: string[] = [];
afterAll(() => trees.forEach(removeTree));

/** Folders and files of a made-up project, some with non-ASCII names and long paths. */
function samplePaths(n: number): Array<{ path: string; dir: boolean }> {
  const out: Array<{ path: string; dir: boolean }> = [];
  for (let i = 0; out.length < n; i++) {
    const dir = `pkg_${i % 37}/mod_${i}`;
    out.push({ path: dir, dir: true });
    out.push({ path: `${dir}/file_${i}.ts`, dir: false });
    if (i % 5 === 0) out.push({ path: `${dir}/naïve_${i}.md`, dir: false });
    if (i % 11 === 0) out.push({ path: `${dir}/${"deep/".repeat(40)}leaf_${i}.c`, dir: false });
  }
  return out.slice(0, n);
}

function filled(n: number, initialEntries = 64, initialBytes?: number): { table: PathTable; entries: Array<{ path: string; dir: boolean }> } {
  const table = new PathTable(initialEntries, initialBytes);
  const entries = samplePaths(n);
  const indices = entries.map((e) => table.add(e.path, e.dir));
  expect(indices).toEqual(entries.map((_, i) => i));
  return { table, entries };
}

describe("PathTable segments", () => {
  it("keep every index, path and flag of a table grown past several segments", () => {
    const { table, entries } = filled(20_000);
    const read = (i: number) => ({ path: table.pathAt(i), dir: table.isDir(i), deleted: table.isDeleted(i), bytes: table.pathLength(i) });
    const segments = table.segments();
    expect(segments.length).toBeGreaterThan(4);
    expect(segments[0]!.base).toBe(0);
    for (let k = 1; k < segments.length; k++) expect(segments[k]!.base).toBe(segments[k - 1]!.base + segments[k - 1]!.length);
    expect(segments.every((s) => s.length <= SEGMENT_ENTRIES)).toBe(true);
    expect(table.count).toBe(entries.length);
    expect(table.liveCount).toBe(entries.length);
    const want = entries.map((e) => ({ ...e, deleted: false, bytes: Buffer.byteLength(e.path) }));
    expect(entries.map((_, i) => read(i))).toEqual(want);
    // Backwards and strided, so lookups jump between segments rather than walk one.
    expect(entries.map((_, i) => read(entries.length - 1 - i)).reverse()).toEqual(want);
    for (let k = 0; k < 200; k++) {
      const i = (k * 7919) % entries.length;
      expect(read(i)).toEqual(want[i]);
    }
    for (const i of [0, 63, 64, 12_345, entries.length - 1]) expect(table.indexOf(entries[i]!.path)).toBe(i);
    // Adding a path that is there gives its index back.
    expect(table.add(entries[9_999]!.path, false)).toBe(9_999);
    expect(table.count).toBe(entries.length);
  });

  it("never replace or grow a segment's buffers as the table grows", () => {
    const table = new PathTable(64);
    const seen: Array<{ bytes: SharedArrayBuffer; starts: SharedArrayBuffer; size: number }> = [];
    for (const e of samplePaths(5_000)) {
      table.add(e.path, e.dir);
      const segments = table.segments();
      segments.forEach((s, k) => {
        const before = seen[k];
        if (!before) seen[k] = { bytes: s.shared.bytes, starts: s.shared.starts, size: s.shared.bytes.byteLength };
        else if (before.bytes !== s.shared.bytes || before.starts !== s.shared.starts || before.size !== s.shared.bytes.byteLength) {
          expect.fail(`segment ${k} changed its buffers at entry ${table.count}`);
        }
      });
    }
    expect(seen.length).toBeGreaterThan(3);
    expect(seen.every((s, k) => s.bytes === table.segments()[k]!.shared.bytes)).toBe(true);
  });

  it("close a segment whose bytes are full before its entries, and take a path longer than a segment's bytes", () => {
    const { table, entries } = filled(3_000, 256, 2_000);
    const long = `${"x".repeat(10_000)}/end.txt`;
    const at = table.add(long, false);
    expect(table.pathAt(at)).toBe(long);
    const segments = table.segments();
    expect(segments[0]!.length).toBeLessThan(256);
    expect(entries.map((_, i) => table.pathAt(i))).toEqual(entries.map((e) => e.path));
  });

  it("tombstone entries, and a folder's entries, across segments", () => {
    const table = new PathTable(16);
    const files = Array.from({ length: 300 }, (_, i) => `lib/part_${i}.c`);
    table.add("lib", true);
    files.forEach((f) => table.add(f, false));
    table.add("other.c", false);
    expect(table.segments().length).toBeGreaterThan(3);
    expect(table.remove("lib/part_150.c")).toBe(true);
    expect(table.isDeleted(151)).toBe(true);
    expect(table.remove("lib/part_150.c")).toBe(false);
    expect(table.liveCount).toBe(301);
    expect(table.remove("lib")).toBe(true);
    expect(table.liveCount).toBe(1);
    for (let i = 0; i <= files.length; i++) expect(table.isDeleted(i)).toBe(true);
    expect(table.isDeleted(files.length + 1)).toBe(false);
    expect(table.indexOf("lib/part_7.c")).toBe(-1);
    // Added again, a removed path gets a new index; the old one stays a tombstone.
    const again = table.add("lib/part_7.c", false);
    expect(again).toBe(table.count - 1);
    expect(table.indexOf("lib/part_7.c")).toBe(again);
    expect(table.isDeleted(8)).toBe(true);
  });
});

describe("match tasks", () => {
  it("cover a range exactly once, in tasks of at most `size`, each piece within one segment", () => {
    const { table } = filled(1_000, 32);
    const segments = table.segments();
    for (const [from, to, size] of [[0, 1_000, 4_096], [10, 999, 50], [31, 33, 1], [500, 1_000, 7]] as const) {
      const covered: number[] = [];
      const tasks = rangeTasks(segments, from, to, size);
      expect(tasks.length).toBe(Math.ceil((to - from) / size));
      for (const pieces of tasks) {
        expect(pieces.reduce((n, p) => n + p.to - p.from, 0)).toBeLessThanOrEqual(size);
        for (const p of pieces) {
          const seg = segments[p.segment]!;
          expect(p.to).toBeLessThanOrEqual(seg.length);
          for (let slot = p.from; slot < p.to; slot++) covered.push(seg.base + slot);
        }
      }
      expect(covered).toEqual(Array.from({ length: to - from }, (_, k) => from + k));
    }
  });

  it("regroup an earlier query's matches by segment, in tasks of at most `size`", () => {
    const tasks = listTasks(
      [
        { segment: 2, slots: Int32Array.of(5, 6) },
        { segment: 0, slots: Int32Array.of(1) },
        { segment: 2, slots: Int32Array.of(9) },
        { segment: 1, slots: new Int32Array(0) },
      ],
      2,
    );
    expect(tasks.map((pieces) => pieces.map((p) => [p.segment, [...p.list!]]))).toEqual([
      [[0, [1]], [2, [5]]],
      [[2, [6, 9]]],
    ]);
  });
});

describe("a multi-segment root", () => {
  it("ranks in real workers as one in-process chunk over the same paths does", async () => {
    const files = Array.from({ length: 40_000 }, (_, i) => `src/area_${i % 53}/unit_${i % 7}/${i % 997 === 0 ? "mutex" : "item"}_${i}.c`);
    const repo = indexOnlyRepo(files);
    trees.push(repo);
    const finder = new FileFinder({ watch: false, threads: 2 });
    try {
      const index = finder.openRoot(repo);
      await index.ready;
      expect(index.table.segments().length).toBeGreaterThan(2);
      // The same entries in one segment, scored in one call.
      const one = new PathTable(index.table.count, index.table.count * 64);
      for (let i = 0; i < index.table.count; i++) one.add(index.table.pathAt(i), index.table.isDir(i));
      const [segment] = one.segments();
      expect(one.segments().length).toBe(1);
      const cancel = new Int32Array(new SharedArrayBuffer(4));
      // And the root's own table in one in-process task, every segment a piece.
      const pieces = index.table.segments().map((s) => ({ segment: s.shared, base: s.base, from: 0, to: s.length }));
      for (const query of ["mutex", "area_5 unit 3", "item_1234", "src/", "c$ !unit_0", ""]) {
        const single = matchChunk({ pieces: [{ segment: segment!.shared, base: 0, from: 0, to: segment!.length }], query, limit: 50, cancel, generation: 0 });
        const expected = [...single.topIndex].map((i) => one.pathAt(i));
        const { results } = await finder.find(query, [repo], { limit: 50 });
        expect(results.map((r) => r.path)).toEqual(expected);
        const whole = matchChunk({ pieces, query, limit: 50, cancel, generation: 0 });
        expect([...whole.topIndex].map((i) => index.table.pathAt(i))).toEqual(expected);
      }
      // A query extending a completed one re-scores its matches, segment by segment.
      const session = finder.startSession([repo], { limit: 50, throttleMs: Infinity });
      const completed = (query: string) =>
        new Promise<string[]>((resolve) => {
          session.once("completed", (snap) => resolve(snap.results.map((r) => r.path)));
          session.update(query);
        });
      await completed("item");
      const extended = await completed("item 12");
      session.stop();
      expect(extended).toEqual((await finder.find("item 12", [repo], { limit: 50 })).results.map((r) => r.path));
      expect(extended.length).toBe(50);
    } finally {
      await finder.close();
    }
  });
});

describe("adding paths from a byte range (git's output, parsed in place)", () => {
  it("stores the same bytes, basename offset, character mask and flags as adding the string", () => {
    const paths = ["Makefile", "src/naïve/Ünïcode_x.c", "a/b/", "/abs", "deep/".repeat(30) + "x-y.Z9", `${"p".repeat(70_000)}/tail`];
    const fromStrings = new PathTable(4);
    const fromBytes = new PathTable(4);
    const record = Buffer.from(paths.map((p) => `${p}\0`).join(""));
    let at = 0;
    for (const p of paths) {
      const len = Buffer.byteLength(p);
      fromStrings.add(p, p.endsWith("/"));
      fromBytes.addBytes(record, at, at + len, p.endsWith("/"));
      at += len + 1;
    }
    const views = (t: PathTable) =>
      t.segments().flatMap((s) => {
        const v = { masks: new Int32Array(s.shared.masks), bases: new Uint16Array(s.shared.baseStarts), flags: new Uint8Array(s.shared.flags) };
        return Array.from({ length: s.length }, (_, k) => [v.masks[k], v.bases[k], v.flags[k]]);
      });
    expect(views(fromBytes)).toEqual(views(fromStrings));
    for (let i = 0; i < paths.length; i++) expect(fromBytes.pathAt(i)).toBe(fromStrings.pathAt(i));
    // Once the lookup index exists, a range naming a live path returns its entry.
    expect(fromBytes.indexOf("Makefile")).toBe(0);
    expect(fromBytes.addBytes(record, 0, 8, false)).toBe(0);
  });
});
