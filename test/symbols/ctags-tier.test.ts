// The ctags tier: Universal Ctags (/usr/bin/ctags, installed by scripts/setup.sh) tags new files
// before tree-sitter parses them; its rows (source "ctags", lines only) answer searches until the
// syntax rows replace them. Without ctags the index works as before and says why; a file ctags
// cannot read, or a ctags process that dies, never breaks the pass.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SymbolIndexer } from "../../src/symbols/indexer.js";
import { SymbolStore } from "../../src/symbols/store.js";
import type { FileListSource, SymbolSource, SyntaxSource } from "../../src/symbols/symbol-source.js";
import { createCtags, type CtagsRunner } from "../../src/syntax/ctags.js";
import { createSyntaxPool, type SyntaxPool } from "../../src/syntax/syntax-pool.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => void;
let caches: { dir: string; cleanup: () => void };
let pool: SyntaxPool;
let run = 0;

const noServers: SymbolSource = { fingerprint: () => null, documentSymbols: () => Promise.reject(new Error("no server")) };

function write(rel: string, text: string | Buffer): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

function listOf(paths: string[]): FileListSource {
  return { paths: () => paths };
}

function openStore(): SymbolStore {
  return SymbolStore.open({ root, dbPath: join(caches.dir, `ctags-${run++}.sqlite`), onWarning: () => {} });
}

/** The pool's parse, with ctags swapped and a look at the store before tree-sitter writes anything. */
function syntaxWith(ctags: CtagsRunner | undefined, beforeParse?: () => void): SyntaxSource {
  return {
    languageOf: (p) => pool.languageOf(p),
    ...(ctags ? { ctags } : {}),
    parse: (r, paths, options) => {
      beforeParse?.();
      return pool.parse(r, paths, options);
    },
  };
}

const FILES = ["src/list.c", "src/list.h", "src/widget.ts"];

beforeAll(() => {
  ({ dir: root, cleanup } = tempDir("ctags-tier"));
  caches = tempDir("ctags-tier-caches");
  write("src/list.c", "#include \"list.h\"\n\nstruct node {\n  int value;\n  struct node *next;\n};\n\nstatic int list_length(struct node *n)\n{\n  int k = 0;\n  while (n) { k++; n = n->next; }\n  return k;\n}\n\nint list_sum(struct node *n)\n{\n  return n ? n->value + list_sum(n->next) : 0;\n}\n");
  write("src/list.h", "#define LIST_MAX 64\nenum color { RED, GREEN };\nint list_sum(struct node *n);\n");
  write("src/widget.ts", "export class Widget {\n  render(): number {\n    return 1;\n  }\n}\nexport function makeWidget(): Widget {\n  return new Widget();\n}\n");
  pool = createSyntaxPool(1, { ctags: false });
});

afterAll(async () => {
  await pool?.destroy();
  cleanup();
  caches?.cleanup();
});

describe("the ctags tier", () => {
  it("fills the cache with source 'ctags' first, then tree-sitter's rows replace them", async () => {
    const store = openStore();
    let beforeParse: { tier?: string; hit?: Record<string, unknown>; sum?: string; color?: number; member?: string | null } = {};
    const syntax = syntaxWith(createCtags(), () => {
      const hit = store.search({ query: "list_length" }).hits[0];
      beforeParse = {
        tier: store.getFile("src/list.c")?.tier,
        hit: hit && { source: hit.source, server: hit.server, kind: hit.kind, line: hit.selectionRange.start.line, path: hit.path },
        sum: store.search({ query: "list_sum", path: "src/list.h" }).hits[0]?.source,
        color: store.search({ query: "GREEN" }).hits[0]?.kind,
        member: store.search({ query: "render" }).hits[0]?.container,
      };
    });
    try {
      const summary = await new SymbolIndexer({ store, source: noServers, syntax, files: listOf(FILES) }).run();
      // Before tree-sitter: ctags' names, kinds and lines (0-based), no server; a .h file read as C.
      expect(beforeParse.tier).toBe("ctags");
      expect(beforeParse.hit).toEqual({ source: "ctags", server: null, kind: 12, line: 7, path: "src/list.c" });
      expect(beforeParse.color).toBe(22); // enumerator → enum member
      expect(beforeParse.member).toBe("Widget");
      expect(summary.ctags).toMatchObject({ used: true, reason: null, total: 3, tagged: 3 });
      expect(summary.ctags!.symbols).toBeGreaterThan(8);
      // After: every file holds tree-sitter's rows, none of ctags' are left.
      for (const f of FILES) expect(store.getFile(f)?.tier).toBe("syntax");
      const hit = store.search({ query: "list_length" }).hits[0]!;
      expect(hit).toMatchObject({ source: "syntax", kind: 12 });
      expect(hit.selectionRange.start).toEqual({ line: 7, character: 11 });
      expect((store.db.prepare("SELECT count(*) AS n FROM symbols WHERE source = 'ctags'").get() as { n: number }).n).toBe(0);
      // The substring tier (trigram index) sees tree-sitter's rows.
      expect(store.search({ query: "ist_len" }).hits.map((h) => h.name)).toContain("list_length");

      // Unchanged files: neither ctags nor tree-sitter reads them again.
      const again = await new SymbolIndexer({ store, source: noServers, syntax, files: listOf(FILES) }).run();
      expect(again.ctags).toMatchObject({ used: true, total: 0 });
      expect(again.syntax).toMatchObject({ parsed: 0, skipped: 3 });
    } finally {
      store.close();
    }
  });

  it("without ctags (not on PATH, or CODEINTEL_CTAGS=off) indexes with tree-sitter alone and says why", async () => {
    for (const [env, why] of [
      [{ PATH: "/nonexistent-bin" }, /not on PATH/],
      [{ PATH: process.env.PATH, CODEINTEL_CTAGS: "off" }, /turned off \(CODEINTEL_CTAGS=off\)/],
      [{ CODEINTEL_CTAGS: "/bin/true" }, /not Universal Ctags/],
    ] as const) {
      const store = openStore();
      try {
        const summary = await new SymbolIndexer({ store, source: noServers, syntax: syntaxWith(createCtags({ env })), files: listOf(FILES) }).run();
        expect(summary.ctags).toMatchObject({ used: false, tagged: 0 });
        expect(summary.ctags!.reason).toMatch(why);
        expect(summary.syntax).toMatchObject({ parsed: 3, failed: 0 });
        expect(store.search({ query: "list_sum" }).hits[0]).toMatchObject({ source: "syntax" });
      } finally {
        store.close();
      }
    }
  });

  it("a file ctags cannot read or parse does not break its batch", async () => {
    write("bad/binary.c", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff, 0xfe, 0x22, 0x5c, 0x0a, 0x00, 0xc3, 0x28]));
    write("bad/latin1.c", Buffer.concat([Buffer.from("int caf"), Buffer.from([0xe9]), Buffer.from("(void) { return 0; }\nint after_latin1(void) { return 1; }\n")]));
    write("bad/unclosed.c", "struct open {\n  int a;\n/* never closed\nint hidden(void) {\n");
    const paths = ["bad/binary.c", "bad/gone.c", "bad/latin1.c", "bad/unclosed.c", ...FILES];
    const store = openStore();
    const warnings: string[] = [];
    let ctagsRows = 0;
    const syntax = syntaxWith(createCtags({ batchSize: 64 }), () => {
      ctagsRows = (store.db.prepare("SELECT count(*) AS n FROM symbols WHERE source = 'ctags'").get() as { n: number }).n;
    });
    try {
      const summary = await new SymbolIndexer({ store, source: noServers, syntax, files: listOf(paths), onWarning: (m) => warnings.push(m) }).run();
      // One process for all of them: the missing file is never given, the others are all tagged.
      expect(summary.ctags).toMatchObject({ used: true, total: 7, tagged: 6 });
      expect(ctagsRows).toBeGreaterThan(8);
      expect(store.search({ query: "after_latin1" }).hits[0]?.path).toBe("bad/latin1.c");
      expect(store.search({ query: "list_sum" }).hits.length).toBeGreaterThan(0);
      expect(warnings).toEqual([]);
    } finally {
      store.close();
    }
  });

  it("a ctags process that dies midway keeps the files it finished; tree-sitter reads the rest", async () => {
    // A ctags that answers like Universal Ctags, tags the first two files of its list, then
    // crashes: the second may be partial, so only the first is kept.
    const fake = join(caches.dir, "crashing-ctags");
    writeFileSync(
      fake,
      `#!/bin/sh\ncase "$1" in --version) echo "Universal Ctags 5.9.0"; exit 0;; --list-features) echo "json"; exit 0;; esac\n` +
        `read first\nread second\nprintf '%s\\n%s\\n' "$first" "$second" | /usr/bin/ctags "$@"\nkill -SEGV $$\n`,
    );
    chmodSync(fake, 0o755);
    const store = openStore();
    const warnings: string[] = [];
    let tiers: (string | undefined)[] = [];
    const syntax = syntaxWith(createCtags({ env: { CODEINTEL_CTAGS: fake } }), () => (tiers = FILES.map((f) => store.getFile(f)?.tier)));
    try {
      const summary = await new SymbolIndexer({ store, source: noServers, syntax, files: listOf(FILES), onWarning: (m) => warnings.push(m) }).run();
      // The first file's tags were written (nothing after it was finished), the pass went on.
      expect(tiers).toEqual(["ctags", undefined, undefined]);
      expect(summary.ctags).toMatchObject({ used: true, total: 3, tagged: 1 });
      expect(warnings.join("\n")).toMatch(/ctags was killed \(SIGSEGV\) after 1 of 3 files \(from src\/list\.h on/);
      expect(summary.syntax).toMatchObject({ parsed: 3, failed: 0 });
      for (const f of FILES) expect(store.getFile(f)?.tier).toBe("syntax");
    } finally {
      store.close();
    }
  });
});
