// The SCIP tier's decoder and store on indexes written by the real scip-typescript and
// scip-python (run once per file on copies of the fixtures): documents one at a time, documents
// sharing a path merged, a truncated or corrupt file refused with nothing lost.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndexer } from "../../src/scip/indexers.js";
import { FIELDS, ROLE_DEFINITION, SYMBOL } from "../../src/scip/occurrences.js";
import { readScipIndex, ScipFormatError } from "../../src/scip/read-index.js";
import { ScipStore } from "../../src/scip/scip-store.js";
import { describeSymbol } from "../../src/scip/symbol-names.js";
import { ScipWriter } from "../../src/scip/write-index.js";
import { SymbolStore } from "../../src/symbols/store.js";
import { record, sym } from "../symbols/helpers.js";
import { repoRoot } from "../support/compiled.js";
import { tempDir } from "../support/tree.js";

let dir: string;
let cleanup: () => void;
let ts: string;
let py: string;
const tsIndex = () => join(dir, "ts.scip");
const pyIndex = () => join(dir, "py.scip");

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("scip-store"));
  ts = join(dir, "ts");
  py = join(dir, "py");
  cpSync(join(repoRoot, "test/fixtures/ts"), ts, { recursive: true });
  cpSync(join(repoRoot, "test/fixtures/py"), py, { recursive: true });
  // A second tsconfig project that includes src/ again: scip-typescript then writes src's documents twice.
  mkdirSync(join(ts, "test"));
  writeFileSync(join(ts, "test/tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", include: ["../src", "."] }));
  writeFileSync(join(ts, "test/area.test.ts"), `import { Circle } from "../src/shapes.js";\nexport const a = new Circle(2).area();\n`);
  await Promise.all([runIndexer("scip-typescript", ts, tsIndex(), { projects: [".", "test"] }), runIndexer("scip-python", py, pyIndex())]);
}, 180_000);
afterAll(() => cleanup?.());

describe("reading a .scip file", () => {
  it("yields the metadata, then each document, from the real indexers", () => {
    const entries = [...readScipIndex(tsIndex())];
    expect(entries[0]?.kind).toBe("metadata");
    const paths = entries.flatMap((e) => (e.kind === "document" ? [e.document.relativePath] : []));
    expect(paths).toEqual(expect.arrayContaining(["src/main.ts", "src/shapes.ts", "test/area.test.ts"]));
    // One document per tsconfig project: src/shapes.ts comes twice.
    expect(paths.filter((p) => p === "src/shapes.ts")).toHaveLength(2);
    const python = [...readScipIndex(pyIndex())];
    expect(python.flatMap((e) => (e.kind === "document" ? [e.document.relativePath] : []))).toEqual(expect.arrayContaining(["main.py", "pkg/shapes.py"]));
    expect(python.some((e) => e.kind === "externalSymbol")).toBe(true);
  });

  it("refuses a truncated file, naming where it ends", () => {
    const bytes = readFileSync(tsIndex());
    const cut = join(dir, "cut.scip");
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    expect(() => [...readScipIndex(cut)]).toThrow(ScipFormatError);
    expect(() => [...readScipIndex(cut)]).toThrow(/truncated/);
  });

  it("refuses a file that is not an index", () => {
    const junk = join(dir, "junk.scip");
    writeFileSync(junk, "this is a text file, not protobuf\n".repeat(20));
    expect(() => [...readScipIndex(junk)]).toThrow(ScipFormatError);
    writeFileSync(junk, "");
    expect(() => [...readScipIndex(junk)]).toThrow(/empty/);
  });
});

describe("symbol strings", () => {
  it("names the last descriptor and its container", () => {
    expect(describeSymbol("scip-typescript npm fixture-ts 1.0.0 src/`shapes.ts`/Circle#area().")).toEqual({ name: "area", suffix: "method", container: "Circle", local: false });
    expect(describeSymbol("scip-python python fixture 0.1.0 pkg.shapes/Circle#__init__().(radius)")).toMatchObject({ name: "radius", suffix: "parameter" });
    expect(describeSymbol("local 7")).toEqual({ name: "7", local: true });
    // A doubled space belongs to the package name.
    expect(describeSymbol("scheme  x npm pkg  name 1.0 a/b.").name).toBe("b");
  });
});

describe("importing into the root's cache", () => {
  it("stores one document per path, merged, with its content hash and the symbols' docs", () => {
    const cacheDir = join(dir, "cache-merge");
    const store = ScipStore.open({ root: ts, cacheDir });
    try {
      const summary = store.importIndex(tsIndex());
      expect(summary.tool).toMatch(/^scip-typescript /);
      expect(summary.documents).toBeGreaterThan(summary.paths);
      expect(summary.stale).toBe(0);
      const doc = store.document("src/shapes.ts")!;
      expect(doc.hash).toMatch(/^[0-9a-f]{40}$/);
      // Merged copies are deduplicated: each definition of Circle once.
      const circle = store.symbolId("scip-typescript npm fixture-ts 1.0.0 src/`shapes.ts`/Circle#")!;
      let definitions = 0;
      for (let i = 0; i < doc.occurrences.length; i += FIELDS) if (doc.occurrences[i + SYMBOL] === circle && doc.occurrences[i + 5]! & ROLE_DEFINITION) definitions++;
      expect(definitions).toBe(1);
      expect(store.symbolById(circle)!.documentation.join("\n")).toMatch(/A circle of a given radius/);
      expect(store.mentions(circle).length).toBeGreaterThanOrEqual(3); // shapes.ts, main.ts, test/area.test.ts
    } finally {
      store.close();
    }
  });

  it("keeps the previous index whole when a truncated or corrupt file is imported", () => {
    const cacheDir = join(dir, "cache-keep");
    const store = ScipStore.open({ root: ts, cacheDir });
    try {
      store.importIndex(tsIndex());
      const before = store.info()!;
      const bytes = readFileSync(tsIndex());
      const cut = join(dir, "cut-import.scip");
      writeFileSync(cut, bytes.subarray(0, bytes.length - 7));
      expect(() => store.importIndex(cut)).toThrow(/truncated/);
      const flipped = Buffer.from(bytes);
      flipped.fill(0xff, 40, 80);
      const corrupt = join(dir, "corrupt-import.scip");
      writeFileSync(corrupt, flipped);
      expect(() => store.importIndex(corrupt)).toThrow(ScipFormatError);
      expect(store.info()).toEqual(before);
      expect(store.document("src/main.ts")?.occurrences.length).toBeGreaterThan(0);
    } finally {
      store.close();
    }
  });
});

describe("export", () => {
  it("round-trips: an exported index imports to the same documents and symbols, and the symbol cache's files come along", () => {
    const first = ScipStore.open({ root: ts, cacheDir: join(dir, "cache-export-a") });
    const second = ScipStore.open({ root: ts, cacheDir: join(dir, "cache-export-b") });
    const symbols = SymbolStore.open({ root: ts, cacheDir: join(dir, "cache-export-a") });
    try {
      first.importIndex(tsIndex());
      // A file the SCIP index does not hold, with a symbol from another tier.
      symbols.write([{ type: "symbols", tier: "syntax", record: record("lib/extra.ts"), symbols: [sym("extraHelper", 12, 3)] }]);
      const out = join(dir, "exported.scip");
      const writer = new ScipWriter(out);
      const written = first.exportTo(writer);
      writer.finish();
      expect(written).toMatchObject({ fromIndex: 4, fromSymbols: 1 });
      second.importIndex(out);
      for (const path of ["src/main.ts", "src/shapes.ts", "src/unicode.ts", "test/area.test.ts"]) {
        const a = first.document(path)!;
        const b = second.document(path)!;
        const symbolsOf = (store: ScipStore, occ: Int32Array) => Array.from({ length: occ.length / FIELDS }, (_, i) => [store.symbolById(occ[i * FIELDS]!)!.symbol, ...occ.subarray(i * FIELDS + 1, i * FIELDS + FIELDS)]);
        expect(symbolsOf(second, b.occurrences)).toEqual(symbolsOf(first, a.occurrences));
      }
      const circle = "scip-typescript npm fixture-ts 1.0.0 src/`shapes.ts`/Circle#";
      expect(second.symbolById(second.symbolId(circle)!)).toMatchObject({ documentation: first.symbolById(first.symbolId(circle)!)!.documentation, relationships: first.symbolById(first.symbolId(circle)!)!.relationships });
      const extra = second.document("lib/extra.ts")!;
      expect(second.symbolById(extra.occurrences[SYMBOL]!)!.symbol).toBe("codeintel . . . lib/`extra.ts`/extraHelper.");
      expect(extra.occurrences[5]! & ROLE_DEFINITION).toBe(ROLE_DEFINITION);
    } finally {
      symbols.close();
      first.close();
      second.close();
    }
  });
});

