import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder, type FindSnapshot } from "../../src/files/finder.js";
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
  it("stop mid-chunk when the shared cancellation flag changes", async () => {
    const table = new PathTable();
    for (let i = 0; i < 300_000; i++) table.add(`src/module_${i}/deeply/nested/component_${i}/index_file_${i}.tsx`, false);
    const pool = createFilesPool(1);
    try {
      const cancel = new Int32Array(new SharedArrayBuffer(4));
      // Warm the thread up so the long task below starts at once.
      await pool.match({ table: table.shared(), from: 0, to: 1, query: "x", limit: 1, cancel, generation: 0 });
      // Many multi-word terms make each entry slow to score, so the chunk runs long enough to be cut.
      const task = pool.match({ table: table.shared(), from: 0, to: table.count, query: "s m d n c i f x s m d n c i f x", limit: 50, cancel, generation: 0 });
      await new Promise((r) => setTimeout(r, 50));
      Atomics.store(cancel, 0, 1);
      const result = await task;
      expect(result.cancelled).toBe(true);
      expect(result.scanned).toBeGreaterThan(0);
      expect(result.scanned).toBeLessThan(table.count);
    } finally {
      await pool.destroy();
    }
  });
});
