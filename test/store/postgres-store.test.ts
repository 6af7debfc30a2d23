// What only the PostgreSQL back end has: schema versions and migrations, several roots in one
// database, commits announced to other connections, and outages answered as retryable errors
// with the store working again once the server is back. All against a real server.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_SCHEMA_VERSION } from "../../src/symbols/postgres-schema.js";
import { PostgresSymbolStore, redactUrl } from "../../src/symbols/postgres-store.js";
import { StoreUnavailableError } from "../../src/symbols/store-backend.js";
import { type PostgresServer, startPostgres } from "../support/postgres.js";
import { record, sym, tempDir } from "../symbols/helpers.js";

let server: PostgresServer;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
  for (const c of cleanups) c();
});

function root(): string {
  const t = tempDir("pgstore");
  cleanups.push(t.cleanup);
  return t.dir;
}

/** Resolves with the first value an event source hands `done`, or fails naming what it waited for (a generous deadline, not a speed limit). */
function waitFor<T>(what: string, subscribe: (done: (v: T) => void) => () => void, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`gave up after ${ms} ms waiting for ${what}`));
    }, ms);
    const stop = subscribe((v) => {
      clearTimeout(timer);
      stop();
      resolve(v);
    });
  });
}

describe("the PostgreSQL symbol store", () => {
  it("creates its schema at the current version, and opening again migrates nothing", async () => {
    const url = await server.createDatabase("fresh");
    const a = PostgresSymbolStore.open({ url, root: root() });
    await a.ready;
    await a.close();
    const b = PostgresSymbolStore.open({ url, root: root() });
    await b.ready;
    await b.close();
    expect((await server.psql("fresh", "SELECT string_agg(version::text, ',' ORDER BY version) FROM codeintel_schema")).trim()).toBe(
      Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => String(i + 1)).join(","),
    );
  });

  it("refuses a database a newer codeintel made, with a clear message, and leaves it untouched", async () => {
    const url = await server.createDatabase("newer");
    const r = root();
    const a = PostgresSymbolStore.open({ url, root: r });
    await a.write([{ type: "symbols", record: record("a.ts"), symbols: [sym("Kept", 5, 1)] }]);
    await a.close();
    await server.psql("newer", `INSERT INTO codeintel_schema (version) VALUES (${PG_SCHEMA_VERSION + 1})`);
    const refused = PostgresSymbolStore.open({ url, root: r });
    await expect(refused.ready).rejects.toThrow(new RegExp(`schema version ${PG_SCHEMA_VERSION + 1}, newer than this codeintel's ${PG_SCHEMA_VERSION}: upgrade codeintel`));
    await expect(refused.search({ query: "Kept" })).rejects.toThrow(/newer than this codeintel/);
    await refused.close();
    expect((await server.psql("newer", "SELECT count(*) FROM symbols WHERE name = 'Kept'")).trim()).toBe("1");
  });

  it("keeps several roots apart in one database", async () => {
    const url = await server.createDatabase("roots");
    const a = PostgresSymbolStore.open({ url, root: root() });
    const b = PostgresSymbolStore.open({ url, root: root() });
    await a.write([{ type: "symbols", record: record("same.ts"), symbols: [sym("OnlyInA", 5, 1)] }]);
    await b.write([{ type: "symbols", record: record("same.ts"), symbols: [sym("OnlyInB", 5, 1)] }]);
    expect((await a.search({ query: "only" })).hits.map((h) => h.name)).toEqual(["OnlyInA"]);
    expect((await b.search({ query: "onlyin" })).hits.map((h) => h.name)).toEqual(["OnlyInB"]);
    await b.write([{ type: "removeDir", dir: "" }, { type: "remove", path: "same.ts" }]);
    expect(await a.getFile("same.ts")).toBeDefined();
    expect(await b.getFile("same.ts")).toBeUndefined();
    await a.close();
    await b.close();
  });

  it("announces a commit to another store of the same root, with the paths it changed", async () => {
    const url = await server.createDatabase("notify");
    const r = root();
    const writer = PostgresSymbolStore.open({ url, root: r });
    const reader = PostgresSymbolStore.open({ url, root: r });
    const other = PostgresSymbolStore.open({ url, root: root() });
    const heardByOther: string[][] = [];
    other.onChange((paths) => heardByOther.push(paths));
    // The LISTEN connection is up once a first notification of our own arrives.
    await waitFor("the reader's LISTEN connection", (done) => {
      const off = reader.onChange(done);
      void writer.write([{ type: "touch", path: "warmup.ts", size: 1, mtimeMs: 1 }]);
      const again = setInterval(() => void writer.write([{ type: "touch", path: "warmup.ts", size: 1, mtimeMs: 1 }]), 500);
      return () => {
        off();
        clearInterval(again);
      };
    });
    const heard = waitFor<string[]>("the notification of src/new.ts", (done) => reader.onChange((paths) => paths.includes("src/new.ts") && done(paths)));
    await writer.write([{ type: "symbols", record: record("src/new.ts"), symbols: [sym("FreshlyIndexed", 5, 1)] }]);
    expect(await heard).toEqual(["src/new.ts"]);
    expect((await reader.search({ query: "FreshlyIndexed" })).hits.map((h) => h.path)).toEqual(["src/new.ts"]);
    expect(heardByOther.flat()).not.toContain("src/new.ts");
    await Promise.all([writer.close(), reader.close(), other.close()]);
  });

  it("answers an outage with a retryable error, never an empty list, and works again once the server is back", async () => {
    const url = await server.createDatabase("outage");
    const store = PostgresSymbolStore.open({ url, root: root(), connectTimeoutMs: 2_000 });
    await store.write([{ type: "symbols", record: record("a.ts"), symbols: [sym("Survivor", 5, 1)] }]);
    expect((await store.search({ query: "Survivor" })).hits).toHaveLength(1);
    await server.halt();
    try {
      const err = await store.search({ query: "Survivor" }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(StoreUnavailableError);
      expect((err as StoreUnavailableError).retryable).toBe(true);
      expect((err as Error).message).toMatch(/unavailable .*retry shortly/);
      await expect(store.write([{ type: "remove", path: "a.ts" }])).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await server.resume();
    }
    expect((await store.search({ query: "Survivor" })).hits.map((h) => h.name)).toEqual(["Survivor"]);
    await store.close();
  });

  it("cannot be reached at all: a retryable error naming the store without its password", async () => {
    const url = `postgresql://someone:hunter2@/nowhere?host=${encodeURIComponent(server.socketDir + "/missing")}`;
    const store = PostgresSymbolStore.open({ url, root: root(), connectTimeoutMs: 2_000 });
    const err = await store.search({ query: "x" }).then(() => undefined, (e: unknown) => e);
    await store.close();
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as Error).message).not.toContain("hunter2");
    expect(redactUrl("postgres://u:secret@db.example/x")).toBe("postgres://u:***@db.example/x");
  });

  it("reads from a snapshot while a writer's transaction is open (readers never wait on it)", async () => {
    const url = await server.createDatabase("snapshot");
    const r = root();
    const store = PostgresSymbolStore.open({ url, root: r });
    await store.write([{ type: "symbols", record: record("a.ts"), symbols: [sym("Before", 5, 1)] }]);
    const locker = new pg.Client({ connectionString: url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("DELETE FROM symbols WHERE name = 'Before'");
    await locker.query("LOCK TABLE files IN ROW EXCLUSIVE MODE");
    expect((await store.search({ query: "Before" })).hits.map((h) => h.name)).toEqual(["Before"]);
    await locker.query("ROLLBACK");
    await locker.end();
    await store.close();
  });
});
