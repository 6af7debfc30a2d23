import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder, type FindSnapshot } from "../../src/files/finder.js";
import { matchChunk, type MatchTask } from "../../src/files/match-chunk.js";
import { PathTable } from "../../src/files/path-table.js";
import { createFilesPool } from "../../src/files/worker-pool.js";
import { eventually, makeTree, removeTree } from "./helpers.js";

let finder: FileFinder;
let root: string;

beforeAll(() => {
  finder = new FileFinder({ watch: false, threads: 2 });
  const files: Record<string, string> = {};
  for (let i = 0; i < 4000; i++) files[`dir${i % 40}/sub${i % 7}/file_${i}.txt`] = "";
  root = makeTree(files);
});
afterAll(async () => {
  await finder.close();
  removeTree(root);
});

type Logged = { kind: "update" | "updated" | "completed"; query: string; snap?: FindSnapshot };

function record(session: ReturnType<FileFinder["startSession"]>, log: Logged[]) {
  session.on("updated", (snap) => log.push({ kind: "updated", query: snap.query, snap }));
  session.on("completed", (snap) => log.push({ kind: "completed", query: snap.query, snap }));
  return (query: string) => {
    log.push({ kind: "update", query });
    session.update(query);
  };
}

function completedFor(log: Logged[], query: string): Promise<FindSnapshot> {
  return eventually(() => log.find((e) => e.kind === "completed" && e.query === query)?.snap, `completed for ${query}`);
}

describe("FindSession", () => {
  it("streams snapshots, then exactly one completed whose results the last snapshot carries", async () => {
    const session = finder.startSession([root], { throttleMs: 0, limit: 10 });
    const log: Logged[] = [];
    const update = record(session, log);
    update("file");
    const done = await completedFor(log, "file");
    await session.idle(); // no task left in a worker: nothing more can arrive
    session.stop();
    const events = log.filter((e) => e.kind !== "update");
    expect(events.filter((e) => e.kind === "completed")).toHaveLength(1);
    expect(events.at(-1)!.kind).toBe("completed");
    const lastUpdate = events.at(-2)!;
    expect(lastUpdate.kind).toBe("updated");
    expect(lastUpdate.snap).toEqual(done);
    expect(done).toMatchObject({ query: "file", complete: true, walkComplete: true, matched: 4000, scanned: expect.any(Number) });
    expect(done.results).toHaveLength(10);
    for (const e of events.slice(0, -2)) expect(e.snap!.complete).toBe(false);
  });

  it("emits nothing for a superseded query once its successor started, and completes only the latest", async () => {
    const session = finder.startSession([root], { throttleMs: 0 });
    const log: Logged[] = [];
    const update = record(session, log);
    const queries = ["f", "fi", "dir1 sub", "x", "file_1"];
    for (const q of queries) update(q);
    await completedFor(log, "file_1");
    await session.idle();
    session.stop();
    for (let i = 0; i < log.length; i++) {
      const e = log[i]!;
      if (e.kind === "update") continue;
      const lastUpdateBefore = log.slice(0, i).filter((x) => x.kind === "update").at(-1)!;
      expect(e.query, `event ${i}`).toBe(lastUpdateBefore.query);
    }
    expect(log.filter((e) => e.kind === "completed").map((e) => e.query)).toEqual(["file_1"]);
  });

  it("re-scores only the previous matches when a query extends the previous one", async () => {
    const session = finder.startSession([root]);
    const log: Logged[] = [];
    const update = record(session, log);
    update("dir1");
    const first = await completedFor(log, "dir1");
    update("dir12");
    const second = await completedFor(log, "dir12");
    session.stop();
    expect(first.scanned).toBeGreaterThan(first.matched);
    expect(second.scanned).toBe(first.matched);
    // The same answer as a fresh search.
    const fresh = await finder.find("dir12", [root]);
    expect(second.results.map((r) => r.path)).toEqual(fresh.results.map((r) => r.path));
  });

  it("stops on stop() and on its AbortSignal: no further events, workers go idle", async () => {
    const controller = new AbortController();
    const session = finder.startSession([root], { signal: controller.signal, throttleMs: 0 });
    const log: Logged[] = [];
    const update = record(session, log);
    update("f i l e");
    controller.abort();
    expect(session.stopped).toBe(true);
    const count = log.length;
    await session.idle();
    expect(log.length).toBe(count);
    session.update("file");
    await session.idle();
    expect(log.filter((e) => e.kind !== "update")).toEqual([]);
  });
});

describe("match workers", () => {
  it("stop mid-chunk when the shared cancellation flag changes", () => {
    const table = new PathTable(20_000);
    for (let i = 0; i < 20_000; i++) table.add(`src/module_${i}/index_file_${i}.tsx`, false);
    const [segment] = table.segments();
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    // The chunk reads its generation at every cancellation check: the third read changes the
    // flag, as a newer query would while the chunk is being scanned.
    let reads = 0;
    const task = { pieces: [{ segment: segment!.shared, base: 0, from: 0, to: segment!.length }], query: "index", limit: 50, cancel } as unknown as MatchTask;
    Object.defineProperty(task, "generation", {
      get: () => {
        if (++reads === 3) Atomics.store(cancel, 0, 1);
        return 0;
      },
    });
    const result = matchChunk(task);
    expect(result.cancelled).toBe(true);
    expect(result.scanned).toBeGreaterThan(0);
    expect(result.scanned).toBeLessThan(table.count);
  });

  it("see a flag set by another thread", async () => {
    const table = new PathTable();
    for (let i = 0; i < 1000; i++) table.add(`src/file_${i}.ts`, false);
    const pool = createFilesPool(1);
    try {
      const cancel = new Int32Array(new SharedArrayBuffer(4));
      const segment = table.segments()[0]!;
      const task = { pieces: [{ segment: segment.shared, base: 0, from: 0, to: segment.length }], query: "file", limit: 5, cancel, generation: 0 };
      expect(await pool.match(task)).toMatchObject({ cancelled: false, scanned: 1000 });
      Atomics.store(cancel, 0, 1); // this thread supersedes generation 0
      expect(await pool.match(task)).toMatchObject({ cancelled: true, scanned: 0 });
    } finally {
      await pool.destroy();
    }
  });
});
