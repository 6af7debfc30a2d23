// Symbol ranking (issue 12) on what real servers answer for real code: typescript-language-server,
// pyright and vscode-json-language-server index a small project into a real SQLite cache, and
// each rule is checked on the cache's answer and on the workspace_symbols tool's pages.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import type { SymbolQuery } from "../../src/symbols/types.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { Tool } from "../../src/core/tool.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => void;
let pool: LspPool;
let finder: FileFinder;
let cache: SymbolCache;
let symbolsTool: Tool;

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

beforeAll(async () => {
  const t = tempDir("ranking");
  cleanup = t.cleanup;
  [root] = resolveRoots([t.dir]) as [string];
  write("tsconfig.json", JSON.stringify({ compilerOptions: { strict: true, target: "ES2022" }, include: ["src", "test", "lib"] }));
  // `po`: one top-level class whose initials are the query, and members it is a prefix of.
  write("src/pretty.ts", "export class PrettyOptions {\n  width = 80;\n}\n");
  write("src/server.ts", "export class Server {\n  port = 8080;\n  portal = '';\n  post(): void {}\n  pool = 1;\n  poll(): void {}\n}\n");
  // `range`: a top-level function, a member, a local, a test callback and a JSON key of that name.
  write("src/range.ts", "export function range(a: number, b: number): number[] {\n  return [a, b];\n}\nexport const rangeLimit = 10;\n");
  write("src/span.ts", "export class Span {\n  range = 0;\n}\n");
  write("src/use.ts", "export function useIt(): number {\n  const range = 3;\n  return range;\n}\n");
  write("test/range.test.ts", "declare function describe(n: string, f: () => void): void;\ndescribe('range', () => {\n  const range = 1;\n  void range;\n});\n");
  write("data/settings.json", JSON.stringify({ range: 1, ranges: [1, 2] }, null, 2));
  // Source before tests: the same declaration in a test helper (indexed first: its path sorts first) and in the source.
  write("lib/__tests__/helpers.ts", "export function parseThing(): number {\n  return 1;\n}\n");
  write("src/parse.ts", "export function parseThing(): number {\n  return 2;\n}\n");
  // Functions held by constants and variables.
  write("src/debounce.ts", "export const debounce = <F extends (...a: unknown[]) => void>(f: F) => f;\nexport let onceOnly = function (x: number) { return x; };\nexport const notAFunction = { a: 1 };\n");
  write("tools/shapes.py", "square_area = lambda side: side * side\nSIDE_COUNT = 4\n\nclass HelpFormatter:\n    pass\n\nclass Context:\n    formatter_class = HelpFormatter\n");
  // Paging: many matches of one query over several files.
  for (let i = 0; i < 6; i++) write(`src/pages/page${i}.ts`, `export function pageItem${i}(): number {\n  return ${i};\n}\nexport class PageItemHolder${i} {\n  pageItemField = ${i};\n}\n`);
  finder = new FileFinder({ watch: false });
  pool = new LspPool({ roots: [root], files: finder });
  const files = finder.openRoot(root);
  await files.ready;
  cache = SymbolCache.open({ root, source: pool, files, dbPath: join(t.dir, "..", `${t.dir.split("/").pop()}.sqlite`), onWarning: () => {} });
  const run = await cache.indexer.run();
  expect(run.failed).toBe(0);
  symbolsTool = createSymbolTools({ pool, roots: [root], caches: { get: (r: string) => (r === root ? cache : undefined) } }).find((t) => t.name === "workspace_symbols")!;
}, 180_000);

afterAll(async () => {
  await cache?.close();
  await pool?.dispose();
  await finder?.close();
  cleanup?.();
});

const hits = (q: SymbolQuery) => cache.store.search(q).hits.map((h) => `${h.name} ${h.path}`);

describe("symbol ranking on real server output", () => {
  it("ranks across tiers with one score: `po` surfaces PrettyOptions (initials) beside the prefix matches", () => {
    const top = hits({ query: "po", limit: 3 });
    expect(top).toContain("PrettyOptions src/pretty.ts");
    expect(top.some((h) => /^(port|pool|poll|post|portal) src\/server\.ts$/.test(h))).toBe(true);
  });

  it("puts top-level declarations before members, and members before locals, test callbacks and JSON keys", () => {
    const all = cache.store.search({ query: "range" }).hits;
    const at = (name: string, path: string) => all.findIndex((h) => h.name === name && h.path === path);
    expect(all[0]).toMatchObject({ name: "range", path: "src/range.ts", kind: 12 });
    expect(all[1]).toMatchObject({ name: "range", path: "src/span.ts" });
    // A top-level prefix match (rangeLimit) still comes before the exact-name local, callback and key.
    const lastDeclaration = at("rangeLimit", "src/range.ts");
    expect(lastDeclaration).toBeGreaterThan(1);
    for (const [name, path] of [["range", "src/use.ts"], ["range", "test/range.test.ts"], ["describe('range') callback", "test/range.test.ts"], ["range", "data/settings.json"]] as const) {
      expect(at(name, path), `${name} in ${path}`).toBeGreaterThan(lastDeclaration);
    }
  });

  it("prefers the source file to a test file when the declarations are otherwise equal", () => {
    expect(hits({ query: "parseThing" })).toEqual(["parseThing src/parse.ts", "parseThing lib/__tests__/helpers.ts"]);
  });

  it("takes a capital in the query as meant: `Formatter` ranks HelpFormatter above the prefix match formatter_class", () => {
    const top = hits({ query: "Formatter" });
    expect(top.indexOf("HelpFormatter tools/shapes.py")).toBeLessThan(top.indexOf("formatter_class tools/shapes.py"));
    expect(hits({ query: "formatter" })[0]).toBe("formatter_class tools/shapes.py");
  });

  it("counts functions held by constants and variables as functions for --kind function", () => {
    const functions = hits({ query: "", kinds: [12], limit: 100 });
    expect(functions).toEqual(expect.arrayContaining(["debounce src/debounce.ts", "onceOnly src/debounce.ts", "square_area tools/shapes.py"]));
    expect(functions).not.toContain("notAFunction src/debounce.ts");
    expect(functions).not.toContain("SIDE_COUNT tools/shapes.py");
  });

  it("pages with a total that does not change, and pages that neither repeat nor skip", async () => {
    const ctx = { signal: new AbortController().signal };
    type Page = { total: number; results: { name: string; path: string; line: number }[] };
    const page = async (offset: number) => {
      const r = await symbolsTool.run({ query: "pageitem", limit: 4, offset }, ctx);
      return { s: r.structured as Page, head: r.text.split("\n")[0] };
    };
    const pages = [await page(0), await page(4), await page(8), await page(12), await page(16)];
    const total = pages[0]!.s.total;
    expect(total).toBe(18);
    for (const p of pages) {
      expect(p.s.total).toBe(total);
      expect(p.head).toBe("18 symbols match 'pageitem'");
    }
    const all = (await symbolsTool.run({ query: "pageitem", limit: 50 }, ctx)).structured as Page;
    const key = (e: Page["results"][number]) => `${e.path}:${e.line}:${e.name}`;
    expect(pages.flatMap((p) => p.s.results.map(key))).toEqual(all.results.map(key));
  });
});
