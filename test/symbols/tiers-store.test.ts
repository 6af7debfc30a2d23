// The cache's two tiers in the store, on a real SQLite file: which tier a file holds, each
// symbol's source, a server failure beside syntax symbols, and the exact-name lookup.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SymbolStore } from "../../src/symbols/store.js";
import { record, sym, tempDir } from "./helpers.js";

describe("tiers in the symbol store", () => {
  let store: SymbolStore;
  let cleanup: () => void;

  beforeEach(() => {
    const t = tempDir("tiers-store");
    cleanup = t.cleanup;
    store = SymbolStore.open({ root: t.dir, cacheDir: t.dir, onWarning: () => {} });
  });
  afterEach(() => {
    store.close();
    cleanup();
  });

  it("records the tier per file and the source per symbol; the server's answer replaces the syntax symbols", () => {
    store.write([{ type: "symbols", tier: "syntax", record: { ...record("src/a.ts"), fingerprint: null }, symbols: [sym("Widget", 5, 0), sym("render", 6, 1, 0, "Widget")] }]);
    expect(store.getFile("src/a.ts")).toMatchObject({ tier: "syntax", status: "ok", symbolCount: 2 });
    expect(store.search({ query: "render" }).hits[0]).toMatchObject({ source: "syntax", server: null });

    store.write([{ type: "symbols", record: record("src/a.ts"), symbols: [sym("Widget", 5, 0), sym("render", 6, 1, 0, "Widget"), sym("size", 7, 2, 0, "Widget")] }]);
    expect(store.getFile("src/a.ts")).toMatchObject({ tier: "lsp", symbolCount: 3 });
    expect(store.search({ query: "render" }).hits.map((h) => h.source)).toEqual(["tsls"]);
  });

  it("keeps the syntax symbols when the server fails on the same content, and counts the failure", () => {
    store.write([{ type: "symbols", tier: "syntax", record: { ...record("src/a.ts"), fingerprint: null }, symbols: [sym("Widget", 5, 0)] }]);
    const failure = { type: "failure" as const, status: "failed" as const, keepSyntax: true, record: { ...record("src/a.ts"), error: "tsserver crashed" } };
    store.write([failure]);
    store.write([failure]);
    expect(store.getFile("src/a.ts")).toMatchObject({ tier: "syntax", status: "failed", attempts: 2, error: "tsserver crashed", symbolCount: 1, fingerprint: "tsls@1#c" });
    expect(store.search({ query: "Widget" }).hits).toHaveLength(1);
    // Without keepSyntax (content the syntax symbols do not describe) a failure clears them.
    store.write([{ ...failure, keepSyntax: false }]);
    expect(store.search({ query: "Widget" }).hits).toHaveLength(0);
  });

  it("declarationsNamed: exact, case-sensitive, by path then line, with each file's record", () => {
    store.write([
      { type: "symbols", tier: "syntax", record: { ...record("src/b.rs"), fingerprint: null }, symbols: [sym("parse", 12, 4), sym("Parse", 5, 1)] },
      { type: "symbols", record: record("src/a.ts"), symbols: [sym("parse", 6, 9, null, "Reader"), sym("parser", 12, 2)] },
    ]);
    const found = store.declarationsNamed("parse");
    expect(found.map((d) => [d.file.path, d.file.tier, d.symbol.source, d.symbol.container, d.symbol.selectionRange.start.line])).toEqual([
      ["src/a.ts", "lsp", "tsls", "Reader", 9],
      ["src/b.rs", "syntax", "syntax", null, 4],
    ]);
    expect(store.declarationsNamed("parse", { limit: 1 })).toHaveLength(1);
    expect(store.declarationsNamed("nothing")).toEqual([]);
  });
});
