// The two tiers of the symbol cache with real parts: tree-sitter in the syntax pool's worker
// threads, real language servers (typescript-language-server), a real chokidar watcher through
// the finder's RootIndex and a real SQLite file. The syntactic pass comes first and covers
// languages with no server; the server's answer then replaces a file's syntax symbols.
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import type { RootIndex } from "../../src/files/root-index.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolIndexer } from "../../src/symbols/indexer.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import { SymbolStore } from "../../src/symbols/store.js";
import type { SymbolSource } from "../../src/symbols/symbol-source.js";
import { createSyntaxPool, type SyntaxPool } from "../../src/syntax/syntax-pool.js";
import { ApproximateNavigator } from "../../src/syntax/approximate-navigation.js";
import { cachedDeclarations } from "../../src/adapters/cached-declarations.js";
import { eventually } from "../support/eventually.js";
import { tempDir } from "./helpers.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "syntax");
let root: string;
let cleanup: () => void;
let caches: { dir: string; cleanup: () => void };
let pool: LspPool;
let finder: FileFinder;
let files: RootIndex;
let syntax: SyntaxPool;
let run = 0;

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

/**
 * The real pool, except that Go and Rust files have no server: gopls and rust-analyzer may be on
 * PATH and in the registry (issue 13), and these tests are about the files no server reads.
 */
function withoutServerFor(exts: RegExp, source: SymbolSource = pool): SymbolSource {
  return {
    fingerprint: (p) => (exts.test(p) ? null : source.fingerprint(p)),
    documentSymbols: (p, s) => source.documentSymbols(p, s),
  };
}

function openStore(): SymbolStore {
  return SymbolStore.open({ root, dbPath: join(caches.dir, `tiers-${run++}.sqlite`), onWarning: () => {} });
}

beforeAll(async () => {
  ({ dir: root, cleanup } = tempDir("tiers"));
  caches = tempDir("tiers-caches");
  write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, target: "ES2022", module: "NodeNext" }, include: ["src"] }));
  write("src/widget.ts", "export class Widget {\n  render(): number {\n    return 1;\n  }\n}\nexport function makeWidget(): Widget {\n  return new Widget();\n}\n");
  mkdirSync(join(root, "go"), { recursive: true });
  mkdirSync(join(root, "rust"), { recursive: true });
  copyFileSync(join(fixtures, "go", "shapes.go"), join(root, "go", "shapes.go"));
  copyFileSync(join(fixtures, "rust", "lib.rs"), join(root, "rust", "lib.rs"));
  finder = new FileFinder();
  pool = new LspPool({ roots: [root], files: finder });
  files = finder.openRoot(root);
  syntax = createSyntaxPool(2);
  await files.ready;
});

afterAll(async () => {
  await syntax?.destroy();
  await pool?.dispose();
  await finder?.close();
  cleanup();
  caches?.cleanup();
});

describe("the syntactic tier in the symbol cache", () => {
  it("gives Go and Rust files, which no server reads, symbols from syntax (source 'syntax', tier 'syntax')", async () => {
    const store = openStore();
    try {
      const summary = await new SymbolIndexer({ store, source: withoutServerFor(/\.(go|rs)$/), syntax, files }).run();
      expect(summary.syntax).toMatchObject({ total: 3, parsed: 3, failed: 0 });
      expect(summary.syntax.symbols).toBeGreaterThan(10);
      expect(store.getFile("go/shapes.go")).toMatchObject({ tier: "syntax", status: "ok", fingerprint: null });
      const circle = store.search({ query: "NewCircle" }).hits[0]!;
      expect(circle).toMatchObject({ path: "go/shapes.go", source: "syntax", server: null, kind: 12 });
      const area = store.search({ query: "Area", container: "Circle" }).hits[0]!;
      expect(area).toMatchObject({ path: "go/shapes.go", kind: 6, source: "syntax" });
      expect(store.getFile("rust/lib.rs")).toMatchObject({ tier: "syntax", status: "ok" });
      expect(store.declarationsNamed("NewCircle").map((d) => [d.file.path, d.symbol.source])).toEqual([["go/shapes.go", "syntax"]]);

      // A second run parses nothing: unchanged files are skipped by their stat.
      const again = await new SymbolIndexer({ store, source: withoutServerFor(/\.(go|rs)$/), syntax, files }).run();
      expect(again.syntax).toMatchObject({ total: 3, parsed: 0, skipped: 3 });
    } finally {
      store.close();
    }
  });

  it("writes a TypeScript file's syntax symbols first, then the server's replace them (tier becomes 'lsp')", async () => {
    const store = openStore();
    const seenBeforeServer: string[] = [];
    const source: SymbolSource = {
      fingerprint: (p) => pool.fingerprint(p),
      documentSymbols: (p, s) => {
        // What the cache held for this file when the server was asked.
        const rel = p.slice(root.length + 1);
        const rec = store.getFile(rel);
        seenBeforeServer.push(`${rel}:${rec?.tier}:${store.search({ query: "makeWidget", path: rel }).hits[0]?.source ?? "none"}`);
        return pool.documentSymbols(p, s);
      },
    };
    try {
      const summary = await new SymbolIndexer({ store, source: withoutServerFor(/\.(go|rs)$/, source), syntax, files }).run();
      expect(seenBeforeServer).toContain("src/widget.ts:syntax:syntax");
      expect(summary.failed).toBe(0);
      expect(store.getFile("src/widget.ts")).toMatchObject({ tier: "lsp", status: "ok" });
      const hit = store.search({ query: "makeWidget" }).hits[0]!;
      expect(hit.source).toBe("typescript");
      expect(hit.server).toBe("typescript");
      // The Go file keeps its syntax symbols beside the server-answered TypeScript.
      expect(store.getFile("go/shapes.go")).toMatchObject({ tier: "syntax" });
    } finally {
      store.close();
    }
  });

  it("leaves the syntax symbols in place when the server fails on the file", async () => {
    const store = openStore();
    const failing: SymbolSource = {
      fingerprint: (p) => pool.fingerprint(p),
      documentSymbols: async (p) => {
        if (p.endsWith("widget.ts")) throw new Error("tsserver exited unexpectedly");
        return [];
      },
    };
    try {
      const summary = await new SymbolIndexer({ store, source: withoutServerFor(/\.(go|rs)$/, failing), syntax, files }).run();
      expect(summary.failed).toBe(1);
      expect(store.getFile("src/widget.ts")).toMatchObject({ tier: "syntax", status: "failed", error: "tsserver exited unexpectedly" });
      expect(store.search({ query: "makeWidget" }).hits.map((h) => h.source)).toEqual(["syntax"]);
    } finally {
      store.close();
    }
  });

  it("re-parses a file edited on disk at once (then asks its server), and drops a deleted file's rows", async () => {
    const cache = SymbolCache.open({ root, source: withoutServerFor(/\.(go|rs)$/), syntax, files, dbPath: join(caches.dir, `tiers-${run++}.sqlite`), onWarning: () => {} });
    try {
      await cache.start();
      // A Go file: no server, so the syntactic symbol is the answer.
      write("go/more.go", "package shapes\n\nfunc FreshlyAddedGoFunc() int { return 2 }\n");
      const goHit = await eventually(async () => (await cache.store.search({ query: "FreshlyAddedGoFunc" })).hits[0], "the new Go function in the cache");
      expect(goHit).toMatchObject({ path: "go/more.go", source: "syntax" });

      // A TypeScript edit: the syntactic symbol shows first, the server's replaces it.
      write("src/widget.ts", "export class Widget {}\nexport function freshlyAddedTsFunc(): number {\n  return 3;\n}\n");
      await eventually(async () => (await cache.store.search({ query: "freshlyAddedTsFunc" })).hits[0], "the new TypeScript function in the cache");
      await eventually(async () => (await cache.store.search({ query: "freshlyAddedTsFunc" })).hits[0]?.source === "typescript", "the server's symbols replacing the syntax ones");
      expect((await cache.store.search({ query: "makeWidget", stopAfter: "exact" })).hits).toEqual([]);

      rmSync(join(root, "go", "more.go"));
      await eventually(() => cache.store.getFile("go/more.go") === undefined, "the deleted file's rows gone");
      expect((await cache.store.search({ query: "FreshlyAddedGoFunc", stopAfter: "exact" })).hits).toEqual([]);
    } finally {
      await cache.close();
    }
  });

  it("approximate definitions read the cache's declarations once the syntactic pass covered the root", async () => {
    const cache = SymbolCache.open({ root, source: withoutServerFor(/\.(go|rs)$/), syntax, files, dbPath: join(caches.dir, `tiers-${run++}.sqlite`), onWarning: () => {} });
    // A navigator that may not scan: every file list it asks for fails the call.
    let scans = 0;
    const nav = new ApproximateNavigator({
      files: { listFiles: async () => (scans++, Promise.reject(new Error("scanned instead of reading the cache"))) },
      syntax: () => syntax,
      declarations: cachedDeclarations(() => cache),
    });
    try {
      // Before the pass, the cache cannot answer: the navigator falls back to its scan.
      await expect(nav.definitions(root, "go/shapes.go", "", "NewCircle")).rejects.toThrow(/scanned instead/);
      expect(scans).toBe(1);
      await cache.start();
      const found = await nav.definitions(root, "go/shapes.go", "", "NewCircle");
      expect(found).toMatchObject({ complete: true });
      expect(found.declarations.map((d) => [d.path, d.symbol.name, d.rank])).toEqual([["go/shapes.go", "NewCircle", "same file"]]);
      // Declarations of another language family are not offered (widget.ts's Widget for a Go file).
      expect((await nav.definitions(root, "go/shapes.go", "", "Widget")).declarations).toEqual([]);
      expect(scans).toBe(1);
    } finally {
      await cache.close();
    }
  });
});
