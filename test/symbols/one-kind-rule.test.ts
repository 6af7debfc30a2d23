// One flattening and one kind rule for every source of a file's symbols: the live outline from
// tsserver, the cache filled from it and the syntax tier give the same (name, kind, container,
// range), a name assigned an arrow function included (tsserver calls it a constant; everyone
// calls it a function).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { flattenSymbols, outlineOf } from "../../src/symbols/flatten.js";
import { kindName } from "../../src/symbols/symbol-kinds.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import type { FlatSymbol } from "../../src/symbols/types.js";
import { extract } from "../../src/syntax/extract.js";
import type { Tool } from "../../src/core/tool.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { tempDir } from "./helpers.js";

const WIDGETS = `export const makeWidget = () => new Widget();
export const makeGadget = async function (name: string): Promise<string> {
  return name;
};
export const WIDGET_LIMIT = 10;
export class Widget {
  onRender = (n: number): number => n * 2;
  size = 3;
  render(): void {}
}
export enum Shade {
  Light,
  Dark,
}
export function tune(): void {}
`;

/** The kinds a reader expects, whoever answers. */
const EXPECTED = [
  ["makeWidget", "function", null],
  ["makeGadget", "function", null],
  ["WIDGET_LIMIT", "constant", null],
  ["Widget", "class", null],
  ["onRender", "method", "Widget"],
  ["size", "property", "Widget"],
  ["render", "method", "Widget"],
  ["Shade", "enum", null],
  ["Light", "enum member", "Shade"],
  ["Dark", "enum member", "Shade"],
  ["tune", "function", null],
];

let root: string;
let cleanup: () => void;
let pool: LspPool;
let finder: FileFinder;
let cache: SymbolCache;
let cachedTools: Tool[];
let liveTools: Tool[];
const ctx = () => ({ signal: new AbortController().signal });
const tool = (list: Tool[], name: string) => list.find((t) => t.name === name)!;
/** In outline order: a server lists siblings in its own order (tsserver: by name). */
const rows = (symbols: FlatSymbol[]) => outlineOf(symbols).map(({ symbol: s }) => [s.name, kindName(s.kind), s.container]);
const withRanges = (symbols: FlatSymbol[]) => outlineOf(symbols).map(({ symbol: s }) => ({ name: s.name, kind: s.kind, container: s.container, range: s.range, selectionRange: s.selectionRange }));

beforeAll(async () => {
  const t = tempDir("one-kind-rule");
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, "src"), { recursive: true });
  writeFileSync(join(t.dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  writeFileSync(join(t.dir, "src", "widgets.ts"), WIDGETS);
  [root] = resolveRoots([t.dir]);
  finder = new FileFinder({ watch: false });
  pool = new LspPool({ roots: [root!], files: finder });
  const files = finder.openRoot(root!);
  await files.ready;
  cache = SymbolCache.open({ root: root!, source: pool, files, dbPath: join(t.dir, "..", `${t.dir.split("/").pop()}.sqlite`) });
  cachedTools = createSymbolTools({ pool, roots: [root!], caches: { get: (r: string) => (r === root ? cache : undefined) } });
  liveTools = createSymbolTools({ pool, roots: [root!] });
  const summary = await cache.indexer.run();
  expect(summary.failed).toBe(0);
});

afterAll(async () => {
  await cache?.close();
  await pool?.dispose();
  await finder?.close();
  cleanup();
});

describe("one flattening and one kind rule", () => {
  it("tsserver's outline flattened live equals the cached rows, ranges included", async () => {
    const abs = join(root, "src", "widgets.ts");
    const live = flattenSymbols(await pool.documentSymbols(abs), await pool.documentText(abs));
    const cached = cache.store.fileSymbols("src/widgets.ts");
    expect(rows(live)).toEqual(EXPECTED);
    expect(withRanges(cached)).toEqual(withRanges(live));
  });

  it("the syntax tier gives the same names, kinds and containers", async () => {
    const { symbols } = await extract(readFileSync(join(root, "src", "widgets.ts"), "utf8"), "typescript");
    expect(rows(symbols)).toEqual(EXPECTED);
  });

  it("document_symbols live and cached give the same outline", async () => {
    const pick = (r: { structured: unknown }) => (r.structured as { results: Record<string, unknown>[] }).results;
    const live = pick(await tool(liveTools, "document_symbols").run({ file: "src/widgets.ts" }, ctx()));
    const cached = await tool(cachedTools, "document_symbols").run({ file: "src/widgets.ts" }, ctx());
    expect((cached.structured as { index: { source: string } }).index.source).toBe("cache");
    expect(pick(cached)).toEqual(live);
    expect(live.map((e) => [e.name, e.kind])).toEqual(EXPECTED.map(([name, kind]) => [name, kind]));
  });

  it("workspace_symbols with kind: function finds the arrow-function const live and cached", async () => {
    const pick = (r: { structured: unknown }) => (r.structured as { results: { name: string; kind: string; path: string; line: number }[] }).results.map(({ name, kind, path, line }) => ({ name, kind, path, line }));
    const fromCache = pick(await tool(cachedTools, "workspace_symbols").run({ query: "makeWidget", kind: "function" }, ctx()));
    const fromLive = pick(await tool(liveTools, "workspace_symbols").run({ query: "makeWidget", kind: "function" }, ctx()));
    expect(fromCache).toEqual([{ name: "makeWidget", kind: "function", path: "src/widgets.ts", line: 1 }]);
    expect(fromLive).toEqual(fromCache);
    const methods = pick(await tool(liveTools, "workspace_symbols").run({ query: "onRender", kind: "method" }, ctx()));
    expect(methods.map((e) => e.name)).toEqual(["onRender"]);
  });

  it("one registration: the same answer shape from the cache and from the live servers, each saying its source", async () => {
    const fromCache = await tool(cachedTools, "workspace_symbols").run({ query: "makeWidget" }, ctx());
    const fromLive = await tool(liveTools, "workspace_symbols").run({ query: "makeWidget" }, ctx());
    type Out = { results: { name: string; kind: string }[]; index: { source: string; complete: boolean }; precision: string; complete: boolean };
    const c = fromCache.structured as Out;
    const l = fromLive.structured as Out;
    expect(Object.keys(l).sort()).toEqual(Object.keys(c).sort());
    expect(c).toMatchObject({ index: { source: "cache", complete: true }, precision: "exact", complete: true });
    expect(l).toMatchObject({ index: { source: "live", complete: false }, precision: "exact", complete: true });
    // Without a kind filter too, the live kind is the outline's.
    expect(l.results.find((e) => e.name === "makeWidget")?.kind).toBe("function");
    expect(c.results.find((e) => e.name === "makeWidget")?.kind).toBe("function");
    const outlines = await Promise.all([cachedTools, liveTools].map((list) => tool(list, "document_symbols").run({ file: "src/widgets.ts" }, ctx())));
    const [co, lo] = outlines.map((r) => r.structured as Record<string, unknown>);
    expect(Object.keys(lo!).sort()).toEqual(Object.keys(co!).sort());
    expect(lo).toMatchObject({ index: { source: "live" }, precision: "exact" });
  });

  it("the live servers honour the path and container filters as the cache does", async () => {
    const names = (r: { structured: unknown }) => (r.structured as { results: { name: string }[] }).results.map((e) => e.name).sort();
    for (const list of [cachedTools, liveTools]) {
      expect(names(await tool(list, "workspace_symbols").run({ query: "render", path: "src/other/" }, ctx()))).toEqual([]);
      expect(names(await tool(list, "workspace_symbols").run({ query: "render", path: "src/*.ts" }, ctx()))).toContain("render");
      expect(names(await tool(list, "workspace_symbols").run({ query: "render", container: "Shade" }, ctx()))).toEqual([]);
      // tsserver's workspace/symbol names no container: the outline's is the answer's, as the cache's.
      expect(names(await tool(list, "workspace_symbols").run({ query: "render", container: "widget" }, ctx()))).toEqual(["onRender", "render"]);
    }
  });
});
