// Never lose a better answer to a worse one (issue 25): pyright answers no document symbols for a
// module that starts `assert sys.platform == "win32"` (click's _winconsole.py), taking the rest
// for unreachable. That empty answer must not erase the symbols the syntax tier found in the same
// content: they stay, labelled `syntax`, with the server's empty answer recorded beside them.
// Real pyright, real tree-sitter workers, real SQLite.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import { createSyntaxPool, type SyntaxPool } from "../../src/syntax/syntax-pool.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { DocumentSymbolsOutput, WorkspaceSymbolsOutput } from "../../src/protocol/index.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { copyFixtures, removeTree } from "../support/tree.js";

let dir: string;
let root: string;
let finder: FileFinder;
let pool: LspPool;
let syntax: SyntaxPool;
let cache: SymbolCache;
const ctx = () => ({ signal: new AbortController().signal });

beforeAll(async () => {
  dir = copyFixtures("py-winonly");
  [root] = resolveRoots([join(dir, "py-winonly")]) as [string];
  finder = new FileFinder({ watch: false });
  pool = new LspPool({ roots: [root], files: finder });
  syntax = createSyntaxPool(1);
  await finder.openRoot(root).ready;
  cache = SymbolCache.open({ root, source: pool, syntax, files: finder.openRoot(root), dbPath: join(dir, "symbols.sqlite"), onWarning: () => {} });
});

afterAll(async () => {
  await cache?.close();
  await syntax?.destroy();
  await pool?.dispose();
  await finder?.close();
  removeTree(dir);
});

describe("a server's empty answer", () => {
  it("keeps the syntax symbols it would erase, labelled by source, with why the server gave none", async () => {
    // The premise, on the real server: pyright gives this file no symbols, and the other file some.
    expect(await pool.documentSymbols(join(root, "_winconsole.py"))).toEqual([]);
    expect((await pool.documentSymbols(join(root, "portable.py"))).map((s) => s.name)).toEqual(["PortableStream"]);

    const summary = await cache.indexer.run();
    expect(summary).toMatchObject({ failed: 0, keptSyntax: 1 });
    const record = cache.store.getFile("_winconsole.py")!;
    expect(record).toMatchObject({ tier: "syntax", status: "empty" });
    expect(record.symbolCount).toBeGreaterThanOrEqual(4);
    expect(record.error).toMatch(/^pyright answered no symbols for this content/);
    expect(cache.store.getFile("portable.py")).toMatchObject({ tier: "lsp", status: "ok" });

    const tools = createSymbolTools({ pool, roots: [root], caches: { get: (r) => (r === root ? cache : undefined) } });
    const search = await tools.find((t) => t.name === "workspace_symbols")!.run({ query: "ConsoleStream" }, ctx());
    const found = search.structured as WorkspaceSymbolsOutput;
    expect(found.results[0]).toMatchObject({ name: "ConsoleStream", path: "_winconsole.py", source: "syntax" });
    expect(found.precision).toBe("approximate");

    // The outline too: the server is asked first, and its empty answer does not win.
    const outline = await tools.find((t) => t.name === "document_symbols")!.run({ file: join(root, "_winconsole.py") }, ctx());
    const doc = outline.structured as DocumentSymbolsOutput;
    expect(doc.results.map((s) => s.name)).toEqual(expect.arrayContaining(["ConsoleStream", "write", "get_console_stream"]));
    expect(doc.results.every((s) => s.source === "syntax")).toBe(true);
    expect(outline.text.split("\n")[0]).toMatch(/^approximate: symbols from syntax .*pyright answered no symbols/);

    // Settled: the next pass does not ask again for the same content.
    const again = await cache.indexer.run();
    expect(again).toMatchObject({ indexed: 0, failed: 0 });
    expect(cache.store.getFile("_winconsole.py")).toMatchObject({ tier: "syntax", status: "empty" });
  }, 180_000);
});
