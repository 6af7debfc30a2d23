// Failure handling with real processes: crash loops, a hung server (SIGSTOP), idle
// eviction, missing servers, cancellation. Uses the JSON server: it starts fast.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool, type PoolEvent } from "../../src/lsp/pool.js";
import { parseConfig } from "../../src/workspace/config.js";
import { copyFixtures, eventually, liveDescendants, liveInGroups, removeTree } from "./helpers.js";

const dir = copyFixtures("ts");
const jsonFile = join(dir, "data.json");
writeFileSync(jsonFile, JSON.stringify({ name: "x", nested: { a: 1, b: [1, 2] } }, null, 2));
writeFileSync(join(dir, "file.crash"), "boom\n");
writeFileSync(join(dir, "file.nope"), "nothing\n");
writeFileSync(join(dir, "file.xyz"), "nothing\n");
writeFileSync(join(dir, "file.hang"), "nothing\n");
const pools: LspPool[] = [];
const finder = new FileFinder({ watch: false });

function makePool(config: object, events?: PoolEvent[]): LspPool {
  const pool = new LspPool({ roots: [dir], files: finder, config: parseConfig(JSON.stringify(config)), onEvent: (e) => events?.push(e) });
  pools.push(pool);
  return pool;
}

afterAll(async () => {
  await Promise.all(pools.map((p) => p.dispose()));
  await finder.close();
  removeTree(dir);
});

describe("pool lifecycle", () => {
  it("says which file types have no server", async () => {
    const pool = makePool({});
    await expect(pool.hover(join(dir, "file.xyz"), { line: 0, character: 0 })).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/no language server handles '.xyz' files/),
    });
    expect(pool.serverFor(join(dir, "file.xyz"))).toBeNull();
  });

  it("says how to install a server that is not installed", async () => {
    const pool = makePool({ servers: { nope: { command: ["definitely-not-installed-ls", "--stdio"], extensions: [".nope"], install: "run `cargo install nope-ls`" } } });
    await expect(pool.documentSymbols(join(dir, "file.nope"))).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/not installed.*definitely-not-installed-ls.*cargo install nope-ls/s),
    });
  });

  it("marks a server that keeps crashing as broken, and restart() clears it", async () => {
    const events: PoolEvent[] = [];
    const pool = makePool(
      { servers: { crashy: { command: ["node", "-e", "process.stderr.write('fatal: no config\\n'); process.exit(3)"], extensions: [".crash"] } }, lsp: { restartBackoffMs: 20, maxRestarts: 3 } },
      events,
    );
    const file = join(dir, "file.crash");
    const messages: string[] = [];
    for (let i = 0; i < 4; i++) {
      const err = await pool.documentSymbols(file).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeDefined();
      messages.push(err!.message);
    }
    expect(messages[0]).toMatch(/failed to start.*code 3/s);
    expect(messages[0]).toContain("fatal: no config");
    expect(messages[2]).toMatch(/marked broken.*failed 3 times.*To fix/s);
    expect(messages[3]).toMatch(/marked broken/);
    expect(events.filter((e) => e.type === "spawn")).toHaveLength(3);
    expect(events.some((e) => e.type === "broken")).toBe(true);

    await pool.restart("crashy");
    await expect(pool.documentSymbols(file)).rejects.toThrow(/failed to start/);
    expect(events.filter((e) => e.type === "spawn")).toHaveLength(4);
  });

  it("gives up on a server that never answers initialize, without leaving its process", async () => {
    const events: PoolEvent[] = [];
    const pool = makePool(
      { servers: { silent: { command: ["node", "-e", "setInterval(() => {}, 1000)"], extensions: [".hang"] } }, lsp: { timeouts: { initialize: 500 } } },
      events,
    );
    await expect(pool.documentSymbols(join(dir, "file.hang"))).rejects.toThrow(/did not answer initialize within 500 ms/);
    const spawned = events.find((e) => e.type === "spawn");
    const pid = spawned?.type === "spawn" ? (spawned.pid ?? -1) : -1;
    expect(pid).toBeGreaterThan(0);
    expect(liveInGroups([pid])).toEqual([]);
  });

  it("cancels on abort, then restarts a hung (SIGSTOPped) server after repeated timeouts", async () => {
    const events: PoolEvent[] = [];
    const pool = makePool({ lsp: { timeouts: { "textDocument/documentSymbol": 1000 }, restartBackoffMs: 50 } }, events);
    expect((await pool.documentSymbols(jsonFile)).map((s) => s.name)).toEqual(["name", "nested"]);
    const pid = pool.status()[0].pid!;
    process.kill(pid, "SIGSTOP");
    try {
      const controller = new AbortController();
      const aborted = pool.documentSymbols(jsonFile, controller.signal);
      // Abort once the request is with the (stopped) server, not before it was sent.
      await eventually(() => pool.status()[0].pendingRequests > 0, "the request to be pending at the server");
      controller.abort();
      await expect(aborted).rejects.toMatchObject({ code: "cancelled" });
      await expect(pool.documentSymbols(jsonFile)).rejects.toMatchObject({ code: "timeout" });
      await expect(pool.documentSymbols(jsonFile)).rejects.toMatchObject({ code: "timeout" });
      await eventually(() => liveInGroups([pid]).length === 0, "the server group to exit");
    } finally {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // already killed, as expected
      }
    }
    expect((await pool.documentSymbols(jsonFile)).map((s) => s.name)).toEqual(["name", "nested"]);
    expect(pool.status()[0].pid).not.toBe(pid);
    expect(events.filter((e) => e.type === "spawn")).toHaveLength(2);
  });

  it("stops idle servers and starts them again on the next use", async () => {
    const events: PoolEvent[] = [];
    const pool = makePool({ lsp: { idleTimeoutMs: 300 } }, events);
    await pool.documentSymbols(jsonFile);
    const pid = pool.status()[0].pid!;
    await eventually(() => pool.status().length === 0, "no clients left");
    expect(events.some((e) => e.type === "idle-stop")).toBe(true);
    expect(liveInGroups([pid])).toEqual([]);
    expect((await pool.documentSymbols(jsonFile)).length).toBe(2);
    expect(events.filter((e) => e.type === "spawn")).toHaveLength(2);
  });

  it("updateConfig stops servers whose config changed", async () => {
    const pool = makePool({});
    await pool.documentSymbols(jsonFile);
    const pid = pool.status()[0].pid!;
    await pool.updateConfig(parseConfig(JSON.stringify({ servers: { json: { initializationOptions: { provideFormatter: true } } } })));
    expect(pool.status()).toEqual([]);
    expect(liveInGroups([pid])).toEqual([]);
    expect((await pool.documentSymbols(jsonFile)).length).toBe(2);
  });

  it("answers 'still indexing; retry' instead of an empty result while the server loads", async () => {
    // bash-language-server analyses every script of the root in the background first.
    const big = join(dir, "many-scripts");
    mkdirSync(big);
    for (let i = 0; i < 400; i++) writeFileSync(join(big, `s${i}.sh`), `#!/bin/bash\n# script ${i}\nf${i}() {\n  echo "${i}" | tr a b | sed s/x/y/\n}\n\nf${i}\n`);
    const pool = makePool({ lsp: { readyTimeoutMs: 1 } });
    const file = join(big, "s0.sh");
    const emptyLine = { line: 5, character: 0 };
    await expect(pool.references(file, emptyLine)).rejects.toMatchObject({ code: "indexing", message: expect.stringMatching(/still indexing.*retry/) });
    // Once loading is over, the same empty answer is a real empty answer.
    await eventually(() => pool.loadingFor(file).length === 0, "the server to finish loading", 60_000);
    expect(pool.status()[0].loading).toEqual([]);
    expect(await pool.references(file, emptyLine)).toEqual([]);
  });

  it("closes the least recently used documents past the cap, and forgets deleted files", async () => {
    const pool = makePool({ lsp: { maxOpenDocuments: 2 } });
    const files = [0, 1, 2].map((i) => join(dir, `doc${i}.json`));
    files.forEach((f, i) => writeFileSync(f, JSON.stringify({ [`key${i}`]: i })));
    for (const f of files) await pool.documentSymbols(f);
    expect(pool.status()[0].openDocuments).toBe(2);
    // The evicted one reopens transparently.
    expect((await pool.documentSymbols(files[0])).map((s) => s.name)).toEqual(["key0"]);
    rmSync(files[0]);
    pool.fileDeleted(files[0]);
    expect(pool.status()[0].openDocuments).toBe(1);
    await expect(pool.documentSymbols(files[0])).rejects.toMatchObject({ code: "not_found" });
  });

  it("kills its servers when the process exits without dispose()", async () => {
    // The "silent" server ignores stdin EOF, so only codeintel's exit hook can stop it.
    const poolModule = new URL("../../dist/src/lsp/pool.js", import.meta.url).href;
    const finderModule = new URL("../../dist/src/files/finder.js", import.meta.url).href;
    const script = `
      import { LspPool } from ${JSON.stringify(poolModule)};
      import { FileFinder } from ${JSON.stringify(finderModule)};
      const config = { servers: { silent: { command: ["node", "-e", "setInterval(() => {}, 1000)"], extensions: [".hang"] } }, lsp: {}, raw: {} };
      // Exits the moment its server is spawned, with no dispose().
      const onEvent = (e) => { if (e.type === "spawn") { console.log(JSON.stringify(pool.serverPids())); process.exit(0); } };
      const pool = new LspPool({ roots: [${JSON.stringify(dir)}], files: new FileFinder({ watch: false }), config, onEvent });
      pool.documentSymbols(${JSON.stringify(join(dir, "file.hang"))}).catch(() => {});
    `;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    expect(r.stderr).toBe("");
    const pids = JSON.parse(r.stdout) as number[];
    expect(pids).toHaveLength(1);
    // SIGKILL is delivered asynchronously: on a loaded machine the group may take a moment to go.
    await eventually(() => liveInGroups(pids).length === 0, "the server groups to exit", 5_000);
  });

  it("leaves no process behind after every pool is disposed", async () => {
    await Promise.all(pools.map((p) => p.dispose()));
    expect(liveDescendants()).toEqual([]);
  });
});
