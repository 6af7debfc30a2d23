// What the symbol tools and `codeintel index` say about the two tiers, with real parts (real
// tree-sitter workers, typescript-language-server, SQLite, the compiled CLI): each result's
// source, the approximate first line, an answer while only the syntactic tier is in, and the
// per-tier figures of `index --json`.
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import type { SymbolSource } from "../../src/symbols/symbol-source.js";
import { createSyntaxPool, type SyntaxPool } from "../../src/syntax/syntax-pool.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { DocumentSymbolsOutput, WorkspaceSymbolsOutput } from "../../src/protocol/index.js";
import type { Tool } from "../../src/core/tool.js";
import type { IndexOutput } from "../../src/tools/index-symbols.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { bin, compiled } from "../support/compiled.js";
import { eventually } from "../support/eventually.js";
import { tempDir } from "./helpers.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "syntax");
let base: string;
let root: string;
let cleanup: () => void;
let finder: FileFinder;
let pool: LspPool;
let syntax: SyntaxPool;
/** Servers that would read the Go and Rust files on this machine (gopls, rust-analyzer may be registered: issue 13). */
let goRustServers: string[];
const ctx = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
  compiled("src/cli/index-command.js");
  const t = tempDir("tiers-tools");
  cleanup = t.cleanup;
  base = t.dir;
  const dir = join(base, "project");
  mkdirSync(join(dir, "src"), { recursive: true });
  mkdirSync(join(dir, "go"), { recursive: true });
  mkdirSync(join(dir, "rust"), { recursive: true });
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  writeFileSync(join(dir, "src", "widget.ts"), "export class Widget {\n  render(): number {\n    return 1;\n  }\n}\nexport function makeWidget(): Widget {\n  return new Widget();\n}\n");
  copyFileSync(join(fixtures, "go", "shapes.go"), join(dir, "go", "shapes.go"));
  copyFileSync(join(fixtures, "rust", "lib.rs"), join(dir, "rust", "lib.rs"));
  [root] = resolveRoots([dir]) as [string];
  finder = new FileFinder({ watch: false });
  pool = new LspPool({ roots: [root], files: finder });
  goRustServers = [...new Set(["go/shapes.go", "rust/lib.rs"].map((p) => pool.fingerprint(join(root, p))?.serverId).filter((id): id is string => !!id))];
  // The CLI reads this too: the Go and Rust files get no server, whatever is installed.
  writeFileSync(join(root, "codeintel.json"), JSON.stringify({ servers: Object.fromEntries(goRustServers.map((id) => [id, false])) }));
  syntax = createSyntaxPool(2);
  await finder.openRoot(root).ready;
});

afterAll(async () => {
  await syntax?.destroy();
  await pool?.dispose();
  await finder?.close();
  cleanup();
});

/** The pool, with no server for Go and Rust, whose documentSymbols wait until `release()`. */
function heldSource(): { source: SymbolSource; release: () => void; liveSearches: string[] } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const liveSearches: string[] = [];
  const source: SymbolSource = {
    fingerprint: (p) => (/\.(go|rs)$/.test(p) ? null : pool.fingerprint(p)),
    documentSymbols: async (p, s) => (await gate, pool.documentSymbols(p, s)),
    workspaceSymbols: (q, r, s) => (liveSearches.push(q), pool.workspaceSymbols(q, r, s)),
  };
  return { source, release, liveSearches };
}

describe("the symbol tools over two tiers", () => {
  let cache: SymbolCache;
  let tools: Tool[];
  let held: ReturnType<typeof heldSource>;
  const run = async <O>(name: string, input: Record<string, unknown>) => {
    const r = await tools.find((t) => t.name === name)!.run(input, ctx());
    return { structured: r.structured as O, text: r.text };
  };

  beforeAll(() => {
    held = heldSource();
    cache = SymbolCache.open({ root, source: held.source, syntax, files: finder.openRoot(root), dbPath: join(base, "tools.sqlite"), onWarning: () => {} });
    tools = createSymbolTools({ pool, roots: [root], caches: { get: (r) => (r === root ? cache : undefined) } });
  });
  afterAll(() => cache?.close());

  it("while only the syntactic tier is in: answers at once from it, says so first, marks each result", async () => {
    void cache.start();
    await eventually(() => cache.indexer.syntaxComplete, "the syntactic pass");
    const r = await run<WorkspaceSymbolsOutput>("workspace_symbols", { query: "makeWidget" });
    expect(r.structured.results[0]).toMatchObject({ name: "makeWidget", path: "src/widget.ts", source: "syntax", server: "" });
    expect(r.structured).toMatchObject({ complete: false, precision: "approximate" });
    expect(r.structured.reason).toMatch(/still being built \(syntax 3\/3 · lsp \d+\/\d+ files/);
    const [first, second] = r.text.split("\n");
    expect(first).toMatch(/^partial answer: the symbol index is still being built/);
    expect(second).toMatch(/^approximate: the result is from syntax \(tree-sitter, marked \[syntax\]\): their language servers have not answered yet/);
    expect(r.text).toMatch(/function makeWidget {2}\[syntax\]/);
    // The servers still loading were not waited on.
    expect(held.liveSearches).toEqual([]);

    // A miss says the index is still being built: never a silent empty.
    const none = await run<WorkspaceSymbolsOutput>("workspace_symbols", { query: "zzqqxxNothing" });
    expect(none.structured).toMatchObject({ total: 0, complete: false });
    expect(none.text).toMatch(/^partial answer: the symbol index is still being built/);
  });

  it("once the servers answer: the TypeScript results are the server's (source lsp, exact)", async () => {
    held.release();
    await cache.start();
    const r = await run<WorkspaceSymbolsOutput>("workspace_symbols", { query: "makeWidget" });
    expect(r.structured.results[0]).toMatchObject({ name: "makeWidget", source: "lsp", server: "typescript" });
    expect(r.structured).toMatchObject({ complete: true, precision: "exact" });
    expect(r.text).not.toMatch(/approximate|\[syntax\]/);
    const outline = await run<DocumentSymbolsOutput>("document_symbols", { file: "src/widget.ts" });
    expect(outline.structured.precision).toBe("exact");
    expect(new Set(outline.structured.results.map((e) => e.source))).toEqual(new Set(["lsp"]));
  });

  it("a language with no server: syntax results, labelled, in both tools", async () => {
    const r = await run<WorkspaceSymbolsOutput>("workspace_symbols", { query: "NewCircle" });
    expect(r.structured.results[0]).toMatchObject({ name: "NewCircle", path: "go/shapes.go", kind: "function", source: "syntax", server: "" });
    expect(r.structured).toMatchObject({ complete: true, precision: "approximate" });
    expect(r.text.split("\n")[0]).toMatch(/^approximate: the result is from syntax .*no language server reads their files/);

    const outline = await run<DocumentSymbolsOutput>("document_symbols", { file: "go/shapes.go" });
    expect(outline.structured.precision).toBe("approximate");
    expect(outline.structured.index.source).toBe("cache");
    expect(outline.text.split("\n")[0]).toBe("approximate: symbols from syntax (tree-sitter), not a language server: no language server reads .go files");
    expect(outline.structured.results.find((e) => e.name === "Area")).toMatchObject({ kind: "method", source: "syntax" });
    expect(new Set(outline.structured.results.map((e) => e.source))).toEqual(new Set(["syntax"]));
  });
});

describe("codeintel index --json", () => {
  it("reports files, symbols and seconds per tier", async () => {
    const cacheDir = join(base, "cli-cache");
    const child = spawn(process.execPath, [bin, "index", "--root", root, "--cache-dir", cacheDir, "--json"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code, err).toBe(0);
    const summary = JSON.parse(out) as IndexOutput;
    // widget.ts, shapes.go and lib.rs parse; the servers answer for widget.ts, tsconfig.json, codeintel.json.
    expect(summary.tiers.syntax).toMatchObject({ files: 3 });
    expect(summary.tiers.syntax.symbols).toBeGreaterThan(10);
    expect(summary.tiers.lsp).toMatchObject({ files: 3 });
    for (const t of [summary.tiers.syntax, summary.tiers.lsp]) expect(t.seconds).toBeGreaterThanOrEqual(0);
    expect(summary.syntax).toMatchObject({ total: 3, parsed: 3, failed: 0 });
    expect(summary.files).toBe(5);
  }, 120_000);
});
