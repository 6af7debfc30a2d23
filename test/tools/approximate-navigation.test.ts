// Approximate navigation from the syntax tier, always labelled: real tree-sitter parsers and
// real syntax workers on small Rust and Go projects (no server is installed for either), a
// server that is configured but not installed, and a real tsserver caught while it loads a
// generated project large enough to take a while: approximate then, exact once it is ready.
import { cpSync, mkdirSync, mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import type { Tool, ToolResult } from "../../src/core/tool.js";
import { ApproximateNavigator } from "../../src/syntax/approximate-navigation.js";
import { createSyntaxPool } from "../../src/syntax/syntax-pool.js";
import { createNavigationTools } from "../../src/tools/navigation.js";
import { parseConfig } from "../../src/workspace/config.js";
import { fixturesDir, removeTree } from "../support/tree.js";

type Entry = { path: string; line: number; column: number; kind?: string; name?: string; snippet: string };
type Locations = { total: number; results: Entry[]; complete: boolean; reason?: string; precision: string; source: string };
type HoverOut = { contents: string; precision: string; source: string; declaration?: { path: string; line: number } };

const base = realpathSync(mkdtempSync(join(tmpdir(), "ci-approx-")));
const rust = join(base, "rust");
const go = join(base, "go");
const misc = join(base, "misc");
cpSync(join(fixturesDir, "approx/rust"), rust, { recursive: true });
cpSync(join(fixturesDir, "approx/go"), go, { recursive: true });
mkdirSync(misc);
// A server configured for .rb but not installed; .xyz has neither a server nor a grammar. The
// registry knows gopls and rust-analyzer (installed on some machines): off, so .go and .rs have none.
writeFileSync(join(misc, "codeintel.json"), JSON.stringify({ servers: { gopls: false, "rust-analyzer": false, rubyls: { command: ["no-such-ruby-language-server"], extensions: [".rb"], languageId: "ruby", install: "gem install nope" } } }));
writeFileSync(join(misc, "greeter.rb"), "# Says hello.\ndef greet(name)\n  puts name\nend\n\ngreet('you')\n");
writeFileSync(join(misc, "notes.xyz"), "hello\n");

let ci: CodeIntel;
beforeAll(async () => {
  ci = await createCodeIntel({ roots: [misc, rust, go], watch: false, symbolIndex: "off", cacheDir: join(base, "cache"), log: () => {}, trust: true });
});
afterAll(async () => {
  await ci?.close();
  removeTree(base);
});

const firstLine = (text: string) => text.split("\n")[0];

describe("Rust, no server installed", () => {
  it("definition across files: the imported module's declaration before a nearer file's", async () => {
    // main.rs:8 `println!("{}", total_area(&shapes));`
    const r = await ci.call<Locations>("definition", { file: join(rust, "src/main.rs"), line: 8, column: 20 });
    expect(r.structured).toMatchObject({ precision: "approximate", source: "syntax", complete: true, total: 2 });
    expect(r.structured.results.map((e) => [e.path, e.line, e.kind])).toEqual([
      ["src/geometry/shapes.rs", 23, "function"],
      ["src/old.rs", 3, "function"],
    ]);
    expect(firstLine(r.text)).toBe("approximate (syntax): no language server for .rs");
    // A position names no symbol until the syntax tier reads the identifier there.
    expect(r.structured).toMatchObject({ target: { path: "src/main.rs", line: 8, column: 20, symbol: "total_area" } });
    expect(r.text.split("\n")[1]).toBe("2 definitions for `total_area` (src/main.rs:8:20) in 2 files");
  });

  it("references: whole-word occurrences in every file, not inside longer names", async () => {
    const r = await ci.call<Locations>("references", { file: join(rust, "src/geometry/shapes.rs"), symbol: "total_area" });
    expect(r.structured).toMatchObject({ precision: "approximate", source: "syntax", complete: true });
    const where = r.structured.results.map((e) => `${e.path}:${e.line}:${e.column}`);
    expect(where).toEqual(["src/geometry/shapes.rs:23:8", "src/main.rs:4:31", "src/main.rs:8:20", "src/main.rs:9:25", "src/old.rs:1:44", "src/old.rs:3:8"]);
    expect(where.some((w) => w.startsWith("src/report.rs"))).toBe(false); // total_area_label
    expect(firstLine(r.text)).toBe("approximate (syntax): no language server for .rs");
    const noDecl = await ci.call<Locations>("references", { file: join(rust, "src/main.rs"), line: 8, column: 20, includeDeclaration: false });
    expect(noDecl.structured.results.map((e) => e.path)).toEqual(["src/main.rs", "src/main.rs", "src/main.rs", "src/old.rs"]);
  });

  it("hover: the declaration's line and its doc comment, past #[derive]", async () => {
    const r = await ci.call<HoverOut>("hover", { file: join(rust, "src/main.rs"), line: 7, column: 53 });
    expect(r.structured).toMatchObject({ precision: "approximate", source: "syntax", declaration: { path: "src/geometry/shapes.rs", line: 12 } });
    expect(r.structured.contents).toContain("```rust\npub struct Circle {\n```");
    expect(r.structured.contents).toContain("A circle, centred anywhere.\nIts radius is never negative.");
    expect(firstLine(r.text)).toBe("approximate (syntax): no language server for .rs");
    // On a declaration's own name: that declaration (Circle's area, not the trait's).
    const own = await ci.call<HoverOut>("hover", { file: join(rust, "src/geometry/shapes.rs"), symbol: "Circle.area" });
    expect(own.structured.declaration).toEqual({ path: "src/geometry/shapes.rs", line: 17, column: 8 });
  });
});

describe("Go, no server installed", () => {
  it("definition: the imported package's function first, the nearer same-name decoy after", async () => {
    // main.go:11 `fmt.Println(geometry.Area(r), ...)`
    const r = await ci.call<Locations>("definition", { file: join(go, "main.go"), line: 11, column: 25 });
    expect(r.structured).toMatchObject({ precision: "approximate", source: "syntax", total: 2 });
    expect(r.structured.results.map((e) => `${e.path}:${e.line}`)).toEqual(["geometry/area.go:11", "legacy.go:4"]);
    expect(firstLine(r.text)).toBe("approximate (syntax): no language server for .go");
  });

  it("hover: the doc comment above the function", async () => {
    const r = await ci.call<HoverOut>("hover", { file: join(go, "main.go"), line: 11, column: 25 });
    expect(r.structured.contents).toContain("func Area(r Rect) float64 {");
    expect(r.structured.contents).toContain("Area returns the area of r.\nIt is never negative.");
    expect(r.structured.source).toBe("syntax");
  });

  it("references by symbol name, across the package and its importer", async () => {
    const r = await ci.call<Locations>("references", { file: join(go, "geometry/area.go"), symbol: "Rect" });
    expect(new Set(r.structured.results.map((e) => e.path))).toEqual(new Set(["geometry/area.go", "geometry/perimeter.go", "main.go"]));
    expect(r.structured.results.find((e) => e.path === "main.go")).toMatchObject({ line: 10, column: 16 });
  });
});

describe("other languages", () => {
  it("a configured server that is not installed: approximate, naming why", async () => {
    const r = await ci.call<Locations>("definition", { file: join(misc, "greeter.rb"), line: 6 });
    expect(r.structured).toMatchObject({ precision: "approximate", source: "syntax", total: 1 });
    expect(r.structured.results[0]).toMatchObject({ path: "greeter.rb", line: 2 });
    expect(firstLine(r.text)).toMatch(/^approximate \(syntax\): language server 'rubyls' is not installed/);
  });

  it("neither a server nor a grammar: today's clear error", async () => {
    await expect(ci.call("definition", { file: join(misc, "notes.xyz"), line: 1 })).rejects.toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/no language server handles '\.xyz' files/),
    });
  });
});

describe("document_symbols where no server answers", () => {
  type Outline = { index: { source: string }; precision: string; results: { name: string; kind: string; source: string }[] };
  it("answers with the syntax tier's outline, labelled approximate, saying why", async () => {
    const r = await ci.call<Outline>("document_symbols", { file: join(misc, "greeter.rb") });
    expect(r.structured).toMatchObject({ precision: "approximate", index: { source: "syntax" } });
    expect(r.structured.results.map((e) => [e.name, e.source])).toEqual([["greet", "syntax"]]);
    expect(firstLine(r.text)).toMatch(/^approximate: symbols from syntax \(tree-sitter\), not a language server: .*not installed/);
    const rs = await ci.call<Outline>("document_symbols", { file: join(rust, "src/geometry/shapes.rs") });
    expect(rs.structured).toMatchObject({ precision: "approximate", index: { source: "syntax" } });
    expect(rs.structured.results.map((e) => e.name)).toContain("total_area");
  });

  it("a file no grammar reads either is still an error that says so", async () => {
    await expect(ci.call("document_symbols", { file: join(misc, "notes.xyz") })).rejects.toMatchObject({ code: "unavailable" });
  });
});

describe("TypeScript while tsserver loads", () => {
  // Large enough that tsserver reports loading well before it can answer; approximateAfterMs 0
  // answers approximately as soon as it does (the default gives a server 5 s first).
  const root = join(base, "big-ts");
  const FILES = 800;
  mkdirSync(join(root, "src/gen"), { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "big", type: "module" }));
  writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: "esnext", moduleResolution: "bundler" }, include: ["src"] }));
  for (let i = 0; i < FILES; i++) {
    writeFileSync(join(root, `src/gen/m${i}.ts`), `/** Value ${i}. */\nexport function value${i}(x: number): number {\n  return x * ${i};\n}\nexport interface Shape${i} { kind: "s${i}"; size: number }\n`);
  }
  writeFileSync(join(root, "src/main.ts"), `import { value7 } from "./gen/m7.js";\n\nexport const seven = value7(1);\n`);
  const finder = new FileFinder({ watch: false });
  const pool = new LspPool({ roots: [root], files: finder, config: parseConfig(JSON.stringify({ lsp: { approximateAfterMs: 0, readyTimeoutMs: 120_000 } })) });
  const syntax = createSyntaxPool(1);
  const nav = new ApproximateNavigator({ files: finder, syntax: () => syntax });
  const tools = new Map(createNavigationTools({ pool, roots: [root], syntax: nav }).map((t) => [t.name, t as Tool]));
  const call = <O>(name: string, input: Record<string, unknown>) => tools.get(name)!.run(input, { signal: new AbortController().signal }) as Promise<ToolResult<O>>;
  afterAll(async () => {
    await pool.dispose();
    await syntax.destroy();
    await finder.close();
  });

  it("answers approximately while loading, and exactly once the server is ready", async () => {
    const main = join(root, "src/main.ts");
    // main.ts:3 `export const seven = value7(1);`, on value7
    const cold = await call<Locations>("definition", { file: main, line: 3, column: 22 });
    expect(cold.structured).toMatchObject({ precision: "approximate", source: "syntax" });
    expect(firstLine(cold.text)).toMatch(/^approximate \(syntax\): typescript still loading \(.+\)$/);
    expect(cold.structured.results[0]).toMatchObject({ path: "src/gen/m7.ts", line: 2, kind: "function" });
    // Waits on tsserver's progress events until the project is loaded.
    expect(await pool.warmUp(main)).toEqual([]);
    const warm = await call<Locations>("definition", { file: main, line: 3, column: 22 });
    expect(warm.structured).toMatchObject({ precision: "exact", source: "typescript", total: 1 });
    expect(warm.structured.results[0]).toMatchObject({ path: "src/gen/m7.ts", line: 2 });
    expect(firstLine(warm.text)).not.toMatch(/approximate/);
    const hover = await call<HoverOut>("hover", { file: main, line: 3, column: 22 });
    expect(hover.structured).toMatchObject({ precision: "exact", source: "typescript" });
    expect(hover.structured.contents).toContain("value7(x: number): number");
  });
});
