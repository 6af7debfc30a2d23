// The navigation tools end to end against typescript-language-server: inputs,
// structured and text outputs, UTF-16 columns, and every kind of bad input.
import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { createNavigationTools } from "../../src/tools/navigation.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { Tool, ToolResult } from "../../src/core/tool.js";
import { parseConfig } from "../../src/workspace/config.js";
import { liveDescendants } from "../support/processes.js";
import { copyFixtures, removeTree } from "../support/tree.js";

const base = copyFixtures("ts", "py");
const root = realpathSync(join(base, "ts"));
mkdirSync(join(base, "elsewhere"));
writeFileSync(join(base, "elsewhere/secret.ts"), "export const secret = 1;\n");
symlinkSync(join(base, "elsewhere/secret.ts"), join(root, "src/link-out.ts"));
writeFileSync(join(root, "src/binary.ts"), Buffer.from([0x65, 0x78, 0x00, 0x01, 0x02]));
writeFileSync(join(root, "notes.nope"), "hello\n");
writeFileSync(join(root, "notes.xyz"), "hello\n");
const config = parseConfig(JSON.stringify({ servers: { nope: { command: ["no-such-language-server"], extensions: [".nope"], install: "npm install -g nope-ls" } } }));
const finder = new FileFinder({ watch: false });
const pool = new LspPool({ roots: [root], files: finder, config });
const tools = new Map([...createNavigationTools({ pool, roots: [root] }), ...createSymbolTools({ pool, roots: [root] })].map((t) => [t.name, t as Tool]));
const ctx = { signal: new AbortController().signal };

function call<O = Record<string, unknown>>(name: string, input: Record<string, unknown>): Promise<ToolResult<O>> {
  return tools.get(name)!.run(input, ctx) as Promise<ToolResult<O>>;
}

afterAll(async () => {
  await pool.dispose();
  await finder.close();
  removeTree(base);
});

describe("navigation tools", () => {
  it("provides the nine tools with schemas and read-only annotations", () => {
    expect([...tools.keys()].sort()).toEqual(
      ["call_hierarchy", "definition", "diagnostics", "document_symbols", "hover", "implementation", "references", "type_definition", "workspace_symbols"],
    );
    for (const t of tools.values()) {
      expect(t.name).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(t.inputSchema.type).toBe("object");
      expect(t.outputSchema.type).toBe("object");
      expect(t.annotations.readOnlyHint).toBe(true);
      expect(t.description.length).toBeGreaterThan(40);
    }
  });

  it("hover by symbol name returns the signature and docs", async () => {
    const r = await call<{ target: { symbol: string; line: number }; contents: string }>("hover", { file: "src/shapes.ts", symbol: "totalArea" });
    expect(r.structured.target).toMatchObject({ path: "src/shapes.ts", line: 24, column: 17, symbol: "totalArea" });
    expect(r.structured.contents).toContain("function totalArea(shapes: Shape[]): number");
    expect(r.text).toContain("Sums the areas of all shapes.");
  });

  it("references: grouped by file, counts first, root-relative 1-based positions with snippets", async () => {
    const r = await call<{ total: number; results: { path: string; line: number; column: number; snippet: string }[] }>("references", {
      file: "src/shapes.ts",
      symbol: "totalArea",
    });
    expect(r.structured.total).toBe(3);
    expect(r.structured.results[0]).toEqual(
      expect.objectContaining({ path: "src/main.ts", line: 1, column: 26, snippet: 'import { Circle, Square, totalArea } from "./shapes.js";' }),
    );
    expect(r.text.split("\n")[0]).toBe("3 references for `totalArea` (src/shapes.ts:24:17) in 2 files");
    expect(r.text).toContain("src/main.ts (2)\n  1:26  import");
    // The header counts the files of every result, not of the page shown.
    const first = await call("references", { file: "src/shapes.ts", symbol: "totalArea", limit: 1 });
    expect(first.text.split("\n")[0]).toBe("3 references for `totalArea` (src/shapes.ts:24:17) in 2 files (showing 1-1)");
  });

  it("pages long results with a note saying how to get the rest", async () => {
    const r = await call<{ total: number; omitted: number; results: unknown[] }>("references", { file: "src/shapes.ts", symbol: "Shape.area", limit: 2 });
    expect(r.structured.total).toBe(4);
    expect(r.structured.results).toHaveLength(2);
    expect(r.structured.omitted).toBe(2);
    expect(r.text).toContain("… 2 more not shown; call again with offset=2");
    const next = await call<{ results: unknown[]; omitted: number }>("references", { file: "src/shapes.ts", symbol: "Shape.area", limit: 2, offset: 2 });
    expect(next.structured.results).toHaveLength(2);
    expect(next.structured.omitted).toBe(0);
  });

  it("definition, type_definition and implementation by line and column", async () => {
    const def = await call<{ results: { path: string; line: number; column: number }[] }>("definition", { file: "src/main.ts", line: 6, column: 20 });
    expect(def.structured.results).toEqual([expect.objectContaining({ path: "src/shapes.ts", line: 24, column: 17 })]);
    const impl = await call<{ results: { line: number }[] }>("implementation", { file: "src/shapes.ts", symbol: "Shape" });
    expect(impl.structured.results.map((x) => x.line)).toEqual([7, 15]);
    // `shapes` is (Circle | Square)[]: both classes, then Array from the TypeScript libs (outside the root: absolute paths, listed last).
    const type = await call<{ results: { path: string; line: number }[] }>("type_definition", { file: "src/main.ts", line: 3, column: 7 });
    expect(type.structured.results.slice(0, 2)).toEqual([
      expect.objectContaining({ path: "src/shapes.ts", line: 7 }),
      expect.objectContaining({ path: "src/shapes.ts", line: 15 }),
    ]);
    expect(type.structured.results.slice(2).every((x) => x.path.startsWith("/") && x.path.includes("typescript/lib/"))).toBe(true);
  });

  it("defaults the column to the name the line declares", async () => {
    const r = await call<{ target: { column: number } }>("hover", { file: "src/shapes.ts", line: 10 });
    expect(r.structured.target.column).toBe(3);
    expect(r.text).toContain("area(): number");
  });

  it("converts columns through UTF-16 on lines with emoji and CJK text", async () => {
    // line 3: export const emoji = "👍🏽🎉"; export const target = emoji;
    // The second `emoji` is at grapheme column 50 but UTF-16 character 52.
    const hover = await call<{ contents: string }>("hover", { file: "src/unicode.ts", line: 3, column: 50 });
    expect(hover.structured.contents).toContain("const emoji");
    const refs = await call<{ results: { line: number; column: number; endColumn: number }[] }>("references", { file: "src/unicode.ts", line: 3, column: 50 });
    expect(refs.structured.results.map((x) => [x.line, x.column, x.endColumn])).toEqual([
      [3, 14, 19],
      [3, 50, 55],
    ]);
    // line 2: export const 名前 = "名前"; export const after = 1;
    const after = await call<{ target: { line: number; column: number } }>("hover", { file: "src/unicode.ts", symbol: "after" });
    expect(after.structured.target).toMatchObject({ line: 2, column: 38 });
    const cjk = await call<{ contents: string }>("hover", { file: "src/unicode.ts", line: 2, column: 14 });
    expect(cjk.structured.contents).toContain("名前");
  });

  it("document_symbols renders an indented outline", async () => {
    const r = await call<{ total: number; results: { name: string; depth: number; kind: string }[] }>("document_symbols", { file: "src/shapes.ts" });
    expect(r.structured.results.filter((s) => s.depth === 0).map((s) => s.name)).toEqual(["Shape", "Circle", "Square", "totalArea"]);
    expect(r.structured.results.find((s) => s.name === "Circle")?.kind).toBe("class");
    expect(r.text).toContain("7: class Circle\n  8: constructor constructor");
  });

  it("workspace_symbols searches live through the server", async () => {
    const r = await call<{ results: { name: string; kind: string; path: string; line: number }[] }>("workspace_symbols", { query: "Square" });
    expect(r.structured.results).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Square", kind: "class", path: "src/shapes.ts", line: 15 })]));
    const filtered = await call<{ total: number }>("workspace_symbols", { query: "Square", kind: "function" });
    expect(filtered.structured.total).toBe(0);
  });

  it("call_hierarchy lists callers and callees", async () => {
    const r = await call<{ incoming: { name: string; path: string; callSites: unknown[] }[]; outgoing: { name: string }[] }>("call_hierarchy", {
      file: "src/shapes.ts",
      symbol: "totalArea",
    });
    expect(r.structured.incoming).toEqual([expect.objectContaining({ name: "report", path: "src/main.ts", callSites: [{ line: 6, column: 19 }] })]);
    expect(r.structured.outgoing.map((c) => c.name)).toContain("area");
    expect(r.text).toContain("incoming (callers): 1 function");
  });

  it("diagnostics reflect an edit on disk", async () => {
    const file = join(root, "src/main.ts");
    const original = readFileSync(file, "utf8");
    expect((await call<{ total: number }>("diagnostics", { file: "src/main.ts" })).text).toBe("src/main.ts: no problems");
    writeFileSync(file, original + "\nexport const broken: number = 'no';\n");
    try {
      const r = await call<{ counts: { error: number }; results: { line: number; column: number; severity: string; code: string }[] }>("diagnostics", { file: "src/main.ts" });
      expect(r.structured.counts.error).toBe(1);
      expect(r.structured.results[0]).toMatchObject({ severity: "error", line: 11, column: 14, code: "2322" });
      expect(r.text.split("\n")[0]).toMatch(/^src\/main.ts: 1 error, 0 warnings/);
    } finally {
      writeFileSync(file, original);
    }
  });

  describe("bad input gets a clear tool error", () => {
    const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
      ["../ escape", "hover", { file: "../py/main.py", line: 1 }, "invalid_input", /outside every project root/],
      ["absolute path elsewhere", "hover", { file: "/etc/hostname", line: 1 }, "invalid_input", /outside every project root/],
      ["symlink leading out", "hover", { file: "src/link-out.ts", line: 1 }, "invalid_input", /through a symlink.*outside the project root/],
      ["missing file", "definition", { file: "src/missing.ts", line: 1 }, "not_found", /does not exist/],
      ["directory", "hover", { file: "src", line: 1 }, "invalid_input", /is a directory/],
      ["line past the end", "hover", { file: "src/main.ts", line: 99 }, "invalid_input", /line 99 is past the end of src\/main.ts \(10 lines\)/],
      ["column past the end", "hover", { file: "src/main.ts", line: 1, column: 500 }, "invalid_input", /column 500 is past the end of line 1/],
      ["zero line", "hover", { file: "src/main.ts", line: 0 }, "invalid_input", /positive integer/],
      ["neither line nor symbol", "hover", { file: "src/main.ts" }, "invalid_input", /give either `line`/],
      ["binary file", "hover", { file: "src/binary.ts", line: 1 }, "invalid_input", /binary file/],
      ["unknown symbol", "references", { file: "src/shapes.ts", symbol: "Circel" }, "not_found", /no symbol named 'Circel' in src\/shapes.ts\. Closest names: Circle/],
      ["server not installed", "document_symbols", { file: "notes.nope" }, "unavailable", /not installed.*npm install -g nope-ls/],
      ["no server for the language", "hover", { file: "notes.xyz", line: 1 }, "unavailable", /no language server handles '.xyz' files/],
      ["bad limit", "references", { file: "src/main.ts", line: 1, limit: 0 }, "invalid_input", /limit must be/],
    ];
    for (const [label, tool, input, code, message] of cases) {
      it(label, async () => {
        await expect(call(tool, input)).rejects.toMatchObject({ name: "ToolError", code, message: expect.stringMatching(message) });
      });
    }
  });

  it("leaves no server process after dispose", async () => {
    await pool.dispose();
    expect(liveDescendants()).toEqual([]);
  });
});
