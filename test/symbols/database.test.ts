// Recovery of the disposable cache and lock contention between processes, on real SQLite files.
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCHEMA_VERSION } from "../../src/symbols/schema.js";
import { SymbolStore } from "../../src/symbols/store.js";
import { compiled } from "../support/compiled.js";
import { record, sym, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir("db"));
});
afterEach(() => cleanup());

function fill(store: SymbolStore, files: number, perFile = 50): void {
  const batch = [];
  for (let f = 0; f < files; f++) {
    batch.push({ type: "symbols" as const, record: record(`src/file${f}.ts`), symbols: Array.from({ length: perFile }, (_, i) => sym(`symbolNumber${f}x${i}`, 12, i)) });
  }
  store.write(batch);
}

describe("a database that cannot be trusted is set aside and rebuilt", () => {
  const open = (warnings: string[]) => SymbolStore.open({ root: dir, dbPath: join(dir, "c.sqlite"), onWarning: (m) => warnings.push(m) });

  it("garbage bytes", () => {
    writeFileSync(join(dir, "c.sqlite"), "this is not a database at all, just some text ".repeat(200));
    const warnings: string[] = [];
    const store = open(warnings);
    fill(store, 2);
    expect(store.stats().files).toBe(2);
    expect(warnings.join()).toMatch(/not a SQLite database/);
    expect(readdirSync(dir).some((f) => f.startsWith("c.sqlite.broken-"))).toBe(true);
    store.close();
    // A second bad file replaces the first set-aside copy instead of piling up.
    writeFileSync(join(dir, "c.sqlite"), "garbage again ".repeat(100));
    for (const suffix of ["-wal", "-shm"]) rmSync(join(dir, "c.sqlite" + suffix), { force: true });
    open([]).close();
    expect(readdirSync(dir).filter((f) => /^c\.sqlite\.broken-.*Z$/.test(f))).toHaveLength(1);
  });

  it("a truncated file", () => {
    const first = open([]);
    fill(first, 200);
    first.db.pragma("wal_checkpoint(TRUNCATE)");
    first.close();
    const size = statSync(join(dir, "c.sqlite")).size;
    truncateSync(join(dir, "c.sqlite"), Math.floor(size / 3));
    const warnings: string[] = [];
    const store = open(warnings);
    expect(warnings.join()).toMatch(/truncated/);
    expect(store.stats().files).toBe(0);
    expect(store.integrityCheck()).toBe("ok");
    store.close();
  });

  it("pages overwritten with garbage in the middle (found while in use)", () => {
    const first = open([]);
    fill(first, 400);
    first.db.pragma("wal_checkpoint(TRUNCATE)");
    first.close();
    const path = join(dir, "c.sqlite");
    const bytes = readFileSync(path);
    // Keep the header and schema page, scramble everything after the first few pages.
    for (let i = 8192; i < bytes.length; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(path, bytes);
    const warnings: string[] = [];
    const store = open(warnings);
    // Whether opening or the first query notices, the user gets an answer and a warning, not a crash.
    const hits = store.search({ query: "symbolNumber1x1" }).hits.length;
    expect(hits).toBe(0);
    expect(warnings.length).toBeGreaterThan(0);
    fill(store, 1);
    expect(store.integrityCheck()).toBe("ok");
    store.close();
  });

  it("another schema version", () => {
    const db = new Database(join(dir, "c.sqlite"));
    db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '0');");
    db.close();
    const warnings: string[] = [];
    const store = open(warnings);
    expect(warnings.join()).toMatch(new RegExp(`schema version 0, this codeintel uses ${SCHEMA_VERSION}`));
    expect(store.getMeta("schema_version")).toBe(String(SCHEMA_VERSION));
    store.close();
  });

  it("someone else's database at the cache path", () => {
    const db = new Database(join(dir, "c.sqlite"));
    db.exec("CREATE TABLE notes (x TEXT)");
    db.close();
    const warnings: string[] = [];
    const store = open(warnings);
    expect(warnings.length).toBe(1);
    fill(store, 1);
    expect(store.stats().files).toBe(1);
    store.close();
  });

  it("a path that cannot be opened as a file (a folder sits there)", () => {
    mkdirSync(join(dir, "c.sqlite"));
    const warnings: string[] = [];
    const store = open(warnings);
    expect(warnings.length).toBe(1);
    fill(store, 1);
    expect(store.stats().files).toBe(1);
    store.close();
  });

  it("keeps a good database as it is", () => {
    const first = open([]);
    fill(first, 3);
    first.close();
    const warnings: string[] = [];
    const again = open(warnings);
    expect(again.stats().files).toBe(3);
    expect(warnings).toEqual([]);
    again.close();
  });

  it("defaults to a per-root file in the cache folder, outside the project", () => {
    const store = SymbolStore.open({ root: join(dir), cacheDir: join(dir, "cache") });
    expect(store.dbPath.startsWith(join(dir, "cache", "symbols"))).toBe(true);
    expect(existsSync(store.dbPath)).toBe(true);
    expect(store.getMeta("root")).toBe(store.root);
    store.close();
  });
});

describe("two processes on the same cache", () => {
  it("both write and read concurrently without a 'database is locked' error", async () => {
    const dbPath = join(dir, "shared.sqlite");
    const script = `
      const { SymbolStore } = await import(${JSON.stringify(compiled("src/symbols/store.js"))});
      const who = process.argv[1];
      const store = SymbolStore.open({ root: ${JSON.stringify(dir)}, dbPath: ${JSON.stringify(dbPath)}, busyTimeoutMs: 50 });
      const r = (l) => ({ start: { line: l, character: 0 }, end: { line: l, character: 5 } });
      for (let round = 0; round < 60; round++) {
        const batch = [];
        for (let f = 0; f < 20; f++) {
          const symbols = Array.from({ length: 40 }, (_, i) => ({ name: who + "Sym" + f + "x" + i, kind: 12, container: null, detail: null, range: r(i), selectionRange: r(i), parent: null }));
          batch.push({ type: "symbols", record: { path: who + "/f" + (round % 5) + "_" + f + ".ts", language: "ts", size: round, mtimeMs: round, hash: "h" + round, fingerprint: "s@1#c" }, symbols });
        }
        store.write(batch);
        store.search({ query: who + "Sym1x1" });
      }
      console.log(JSON.stringify(store.stats()));
      store.close();
    `;
    const run = (who: string) =>
      new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, who], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        child.stdout.on("data", (d: Buffer) => (out += d));
        child.stderr.on("data", (d: Buffer) => (err += d));
        child.on("close", (code) => resolve({ code, out, err }));
      });
    const [a, b] = await Promise.all([run("alpha"), run("beta")]);
    expect(a.err + b.err).not.toMatch(/locked|busy/i);
    expect([a.code, b.code]).toEqual([0, 0]);
    const store = SymbolStore.open({ root: dir, dbPath });
    expect(store.stats().files).toBe(200);
    expect(store.integrityCheck()).toBe("ok");
    store.close();
  });
});
