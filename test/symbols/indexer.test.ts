// The indexer and the watcher binding against real language servers (typescript-language-server,
// pyright), a real chokidar watcher (through the finder's RootIndex) and a real SQLite file.
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import type { RootIndex } from "../../src/files/root-index.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import { isNoise, SymbolIndexer } from "../../src/symbols/indexer.js";
import { SymbolStore } from "../../src/symbols/store.js";
import type { SourceSymbol, SymbolSource } from "../../src/symbols/symbol-source.js";
import { eventually } from "../support/eventually.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => void;
let pool: LspPool;
let finder: FileFinder;
let files: RootIndex;

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("indexer"));
  write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "NodeNext" }, include: ["src"] }));
  write("src/user-service.ts", "export class UserService {\n  getUserName(id: number): string {\n    return String(id);\n  }\n}\n");
  write("src/util/strings.ts", "export function padLeftString(s: string, n: number): string {\n  return s.padStart(n);\n}\nexport const MAX_WIDTH = 80;\n");
  write("src/empty.ts", "// nothing declared here\n");
  write("tools/report_builder.py", "class ReportBuilder:\n    def build_report(self):\n        return 1\n\ndef parse_args():\n    pass\n");
  finder = new FileFinder();
  pool = new LspPool({ roots: [root], files: finder });
  files = finder.openRoot(root);
  await files.ready;
});

afterAll(async () => {
  await pool?.dispose();
  await finder?.close();
  cleanup();
});

describe("indexing a real project", () => {
  it("indexes every source file, then skips unchanged ones by stat and by hash", async () => {
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-a.sqlite`), onWarning: () => {} });
    const progress: number[] = [];
    const indexer = new SymbolIndexer({ store, source: pool, files, onProgress: (p) => progress.push(p.done), progressIntervalMs: 0 });
    const first = await indexer.run();
    expect(first.total).toBe(5); // tsconfig.json too, through the JSON server
    expect(first.failed).toBe(0);
    expect(first.indexed).toBe(5);
    expect(first.empty).toBe(1);
    expect(progress.at(-1)).toBe(5);
    const names = (q: string) => store.search({ query: q }).hits.map((h) => `${h.path}:${h.name}`);
    expect(names("gun")).toContain("src/user-service.ts:getUserName");
    expect(names("UserService")[0]).toBe("src/user-service.ts:UserService");
    expect(names("build_report")).toContain("tools/report_builder.py:build_report");
    expect(store.search({ query: "getUserName" }).hits[0]!.container).toBe("UserService");
    expect(store.getFile("src/empty.ts")).toMatchObject({ status: "empty" });

    // Nothing changed: every file is skipped by its stat, the true empty (the server was ready) too.
    const second = await new SymbolIndexer({ store, source: pool, files }).run();
    expect(second.skipped).toBe(5);
    expect(second.indexed).toBe(0);
    expect(store.getFile("src/empty.ts")).toMatchObject({ status: "empty", attempts: 0 });

    // Same content, new mtime: read and hashed, but the server is not asked.
    const asked: string[] = [];
    const counting: SymbolSource = { fingerprint: (p) => pool.fingerprint(p), documentSymbols: (p, s) => (asked.push(p), pool.documentSymbols(p, s)) };
    const later = new Date(Date.now() + 5000);
    utimesSync(join(root, "src/user-service.ts"), later, later);
    const third = await new SymbolIndexer({ store, source: counting, files }).run();
    expect(asked.filter((p) => p.endsWith("user-service.ts"))).toEqual([]);
    expect(third.skipped).toBe(5);
    expect(asked).toEqual([]);
    expect(Math.round(store.getFile("src/user-service.ts")!.mtimeMs)).toBe(later.getTime());

    // A server whose version or configuration changed: its rows are dropped and rebuilt.
    const upgraded: SymbolSource = {
      fingerprint: (p) => {
        const fp = pool.fingerprint(p);
        return fp && fp.serverId === "pyright" ? { ...fp, version: fp.version + "-next" } : fp;
      },
      documentSymbols: (p, s) => pool.documentSymbols(p, s),
    };
    const fourth = await new SymbolIndexer({ store, source: upgraded, files }).run();
    expect(fourth.invalidated).toBe(1);
    expect(fourth.indexed).toBe(1);
    expect(names("build_report")).toContain("tools/report_builder.py:build_report");
    store.close();
  });

  it("records a failed answer as failed, not as a file without symbols, and retries it", async () => {
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-b.sqlite`), onWarning: () => {} });
    let failing = true;
    const flaky: SymbolSource = {
      fingerprint: (p) => pool.fingerprint(p),
      documentSymbols: async (p, s) => {
        if (failing && p.endsWith("strings.ts")) throw new Error("server crashed");
        return pool.documentSymbols(p, s);
      },
    };
    const first = await new SymbolIndexer({ store, source: flaky, files }).run();
    expect(first.failed).toBe(1);
    expect(store.getFile("src/util/strings.ts")).toMatchObject({ status: "failed", error: "server crashed", attempts: 1 });
    const cache = SymbolCache.open({ root, source: flaky, files, dbPath: store.dbPath });
    expect(await cache.documentSymbols("src/util/strings.ts")).toEqual({ fresh: false, reason: "failed" });
    expect(await cache.documentSymbols("src/empty.ts")).toEqual({ fresh: true, tier: "lsp", symbols: [] });
    expect(await cache.documentSymbols("src/user-service.ts")).toMatchObject({ fresh: true });
    failing = false;
    const second = await cache.indexer.run();
    expect(second.failed).toBe(0);
    expect(await cache.documentSymbols("src/util/strings.ts")).toMatchObject({ fresh: true });
    expect(store.search({ query: "padLeftString" }).hits).toHaveLength(1);
    await cache.close();
    store.close();
  });

  it("a file edited while the server is answering ends with the new content's symbols", async () => {
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-c.sqlite`), onWarning: () => {} });
    let edited = false;
    const editing: SymbolSource = {
      fingerprint: (p) => pool.fingerprint(p),
      documentSymbols: async (p, s): Promise<SourceSymbol[]> => {
        const answer = await pool.documentSymbols(p, s);
        if (!edited && p.endsWith("strings.ts")) {
          edited = true;
          // The edit lands after the server read the old text and before the indexer stores it.
          write("src/util/strings.ts", "export function padRightString(s: string, n: number): string {\n  return s.padEnd(n);\n}\n");
        }
        return answer;
      },
    };
    await new SymbolIndexer({ store, source: editing, files }).run();
    expect(edited).toBe(true);
    expect(store.search({ query: "padRightString" }).hits.map((h) => h.path)).toEqual(["src/util/strings.ts"]);
    expect(store.search({ query: "padLeftString", stopAfter: "prefix" }).hits).toEqual([]);
    store.close();
  });
});

describe("what is not worth indexing", () => {
  it("skips lockfiles and minified bundles", () => {
    expect(isNoise("package-lock.json")).toBe(true);
    expect(isNoise("web/yarn.lock")).toBe(true);
    expect(isNoise("dist/app.min.js")).toBe(true);
    expect(isNoise("src/package.json")).toBe(false);
    expect(isNoise("src/lock.ts")).toBe(false);
  });
});

describe("freshness through the watcher", () => {
  it("reports each step of a pass that ends inside one progress interval", async () => {
    // A pass faster than the interval (a quiet machine) must still report steps, or no caller
    // can show it moving or cancel it midway (a CI machine once finished before the first report).
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-steps.sqlite`), onWarning: () => {} });
    const done: number[] = [];
    await new SymbolIndexer({ store, source: pool, files, onProgress: (p) => done.push(p.done), progressIntervalMs: 3_600_000 }).run();
    expect(new Set(done).size).toBeGreaterThanOrEqual(4);
    expect(done.at(-1)).toBe(5);
    store.close();
  });

  it("follows create, edit, rename and delete", async () => {
    await files.watching;
    const cache = SymbolCache.open({ root, source: pool, files, dbPath: join(root, "..", `${root.split("/").pop()}-d.sqlite`) });
    await cache.start();
    const where = async (q: string) => (await cache.store.search({ query: q, stopAfter: "prefix" })).hits.map((h) => h.path);

    write("src/fresh/created.ts", "export function brandNewFunction(): void {}\n");
    await eventually(async () => (await where("brandNewFunction")).length === 1, "a created file's symbols");

    write("src/fresh/created.ts", "export function editedFunction(): number {\n  return 1;\n}\n");
    await eventually(async () => (await where("editedFunction")).length === 1 && (await where("brandNewFunction")).length === 0, "an edited file's new symbols");

    renameSync(join(root, "src/fresh/created.ts"), join(root, "src/fresh/renamed.ts"));
    await eventually(async () => (await where("editedFunction")).join() === "src/fresh/renamed.ts", "a renamed file under its new path only");

    rmSync(join(root, "src/fresh/renamed.ts"));
    await eventually(async () => (await where("editedFunction")).length === 0, "a deleted file's symbols gone");
    expect(cache.store.getFile("src/fresh/renamed.ts")).toBeUndefined();
    await cache.close();
  });

  it("batches a burst of changes (a branch switch) into few transactions", async () => {
    await files.watching;
    const cache = SymbolCache.open({ root, source: pool, files, dbPath: join(root, "..", `${root.split("/").pop()}-e.sqlite`) });
    await cache.start();
    let transactions = 0;
    const storeWrite = cache.store.write.bind(cache.store);
    cache.store.write = (batch) => {
      if (batch.length > 0) transactions++;
      storeWrite(batch);
    };
    const BURST = 150;
    for (let i = 0; i < BURST; i++) write(`src/burst/b${i}.ts`, `export const burstValue${i} = ${i};\n`);
    await eventually(async () => (await cache.store.search({ query: "burstValue", stopAfter: "prefix", limit: 1000 })).hits.length === BURST, "every file of the burst indexed", 60_000);
    for (let i = 0; i < BURST; i++) rmSync(join(root, `src/burst/b${i}.ts`));
    await eventually(async () => (await cache.store.search({ query: "burstValue", stopAfter: "prefix", limit: 1000 })).hits.length === 0, "every file of the burst removed", 60_000);
    // One transaction per file would be 300; batches keep it to a handful per debounce window.
    expect(transactions).toBeLessThan(40);
    await cache.close();
  });
});
