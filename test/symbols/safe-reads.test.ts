// What is never sent to a language server (a file past the size cap, a binary), and what is
// never asked twice (a true empty), against real servers, real files and a real SQLite file.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import type { RootIndex } from "../../src/files/root-index.js";
import { LspError } from "../../src/lsp/errors.js";
import { LspPool, type PoolEvent } from "../../src/lsp/pool.js";
import { SymbolIndexer } from "../../src/symbols/indexer.js";
import { SymbolStore } from "../../src/symbols/store.js";
import type { SymbolSource } from "../../src/symbols/symbol-source.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => void;
let finder: FileFinder;
let files: RootIndex;

function write(rel: string, text: string | Buffer): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

const MB = 1024 * 1024;

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("safe-reads"));
  write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  write("src/widget.ts", "export class Widget {\n  render(): number {\n    return 1;\n  }\n}\n");
  write("src/empty.ts", "// nothing declared here\n");
  // Outside the tsconfig's include, so tsserver does not load them from disk on its own.
  write("assets/huge.ts", Buffer.alloc(55 * MB, "export const padding = 1;\n"));
  write("assets/image.ts", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x1a, 0x0a]));
  write("tools/report.py", "def build_report():\n    return 1\n");
  finder = new FileFinder({ watch: false });
  files = finder.openRoot(root);
  await files.ready;
});

afterAll(async () => {
  await finder?.close();
  cleanup();
});

/** A real pool whose documentSymbols calls are recorded (root-relative). */
function countingPool(events: PoolEvent[] = []): { pool: LspPool; source: SymbolSource; asked: string[] } {
  const pool = new LspPool({ roots: [root], files: finder, onEvent: (e) => events.push(e) });
  const asked: string[] = [];
  const source: SymbolSource = {
    fingerprint: (p) => pool.fingerprint(p),
    documentSymbols: (p, s) => (asked.push(p.slice(root.length + 1)), pool.documentSymbols(p, s)),
  };
  return { pool, source, asked };
}

describe("files the servers are never sent", () => {
  it("indexing records a 55 MB file and a binary as excluded, with the reason, and indexes the rest", async () => {
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-x.sqlite`), onWarning: () => {} });
    const { pool, source, asked } = countingPool();
    try {
      const summary = await new SymbolIndexer({ store, source, files }).run();
      expect(asked.sort()).toEqual(["src/empty.ts", "src/widget.ts", "tools/report.py", "tsconfig.json"]);
      expect(summary).toMatchObject({ total: 6, excluded: 2, failed: 0, indexed: 4 });
      expect(store.getFile("assets/huge.ts")).toMatchObject({ status: "excluded", error: expect.stringMatching(/too large \(57671680 bytes; the limit is 10485760\)/) });
      expect(store.getFile("assets/image.ts")).toMatchObject({ status: "excluded", error: expect.stringMatching(/binary file/) });
      expect(store.search({ query: "Widget" }).hits.map((h) => h.path)).toEqual(["src/widget.ts"]);
      // Not read again while unchanged.
      const again = await new SymbolIndexer({ store, source, files }).run();
      expect(again).toMatchObject({ skipped: 6, excluded: 0 });
      // Asked live, the pool refuses it too, without a server seeing it.
      await expect(pool.documentSymbols(join(root, "assets/huge.ts"))).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/too large/) });
    } finally {
      store.close();
      await pool.dispose();
    }
  }, 120_000);

  it("a file that grows past the cap while open is closed in the server, not sent", async () => {
    const { pool } = countingPool();
    const abs = join(root, "assets/growing.ts");
    try {
      writeFileSync(abs, "export function grows(): number {\n  return 1;\n}\n");
      expect((await pool.documentSymbols(abs)).map((s) => s.name)).toEqual(["grows"]);
      const open = () => pool.status().find((c) => c.serverId === "typescript")!.openDocuments;
      expect(open()).toBe(1);
      appendFileSync(abs, Buffer.alloc(11 * MB, "// more\n"));
      pool.fileChanged(abs); // what the watcher calls
      expect(open()).toBe(0);
      const err = await pool.documentSymbols(abs).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LspError);
      expect(err).toMatchObject({ code: "invalid_input", message: expect.stringMatching(/growing\.ts' is too large/) });
    } finally {
      await pool.dispose();
    }
  }, 60_000);
});

describe("a true empty is settled", () => {
  it("an unchanged re-run, in a fresh process's pool, needs no language server at all", async () => {
    const dbPath = join(root, "..", `${root.split("/").pop()}-y.sqlite`);
    const first = countingPool();
    const store = SymbolStore.open({ root, dbPath, onWarning: () => {} });
    try {
      const summary = await new SymbolIndexer({ store, source: first.source, files }).run();
      expect(summary).toMatchObject({ failed: 0, empty: 1 });
      expect(store.getFile("src/empty.ts")).toMatchObject({ status: "empty" });
    } finally {
      await first.pool.dispose();
    }
    const events: PoolEvent[] = [];
    const second = countingPool(events);
    try {
      const summary = await new SymbolIndexer({ store, source: second.source, files }).run();
      expect(second.asked).toEqual([]);
      expect(events.filter((e) => e.type === "spawn")).toEqual([]);
      expect(second.pool.serverPids()).toEqual([]);
      expect(summary.skipped).toBe(summary.total);
    } finally {
      store.close();
      await second.pool.dispose();
    }
  }, 120_000);

  it("an answer the server gave while still loading is retried on the next run", async () => {
    const store = SymbolStore.open({ root, dbPath: join(root, "..", `${root.split("/").pop()}-z.sqlite`), onWarning: () => {} });
    const { pool, source } = countingPool();
    try {
      // The pool's rule: empty while loading is "indexing", never an empty answer.
      const loading: SymbolSource = {
        fingerprint: source.fingerprint,
        documentSymbols: async (p, s) => {
          if (p.endsWith("empty.ts")) throw new LspError("indexing", "typescript is still indexing; retry shortly");
          return source.documentSymbols(p, s);
        },
      };
      await new SymbolIndexer({ store, source: loading, files }).run();
      expect(store.getFile("src/empty.ts")).toMatchObject({ status: "failed", attempts: 1 });
      const asked: string[] = [];
      const ready: SymbolSource = { fingerprint: source.fingerprint, documentSymbols: (p, s) => (asked.push(p), pool.documentSymbols(p, s)) };
      await new SymbolIndexer({ store, source: ready, files }).run();
      expect(asked.map((p) => p.slice(root.length + 1))).toEqual(["src/empty.ts"]);
      expect(store.getFile("src/empty.ts")).toMatchObject({ status: "empty", attempts: 0 });
    } finally {
      store.close();
      await pool.dispose();
    }
  }, 120_000);
});
