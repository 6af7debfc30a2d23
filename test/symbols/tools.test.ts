// The cache-backed workspace_symbols / document_symbols tools against the live ones, on a real
// project with real servers: same output shape, same outline, and an honest note while cold.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCache } from "../../src/symbols/symbol-cache.js";
import { createSymbolTools } from "../../src/tools/symbol-tools.js";
import type { Tool } from "../../src/core/tool.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { tempDir } from "./helpers.js";

let root: string;
let cleanup: () => void;
let pool: LspPool;
let finder: FileFinder;
let cache: SymbolCache;
let cached: Tool[];
let live: Tool[];
const ctx = () => ({ signal: new AbortController().signal });
const tool = (list: Tool[], name: string) => list.find((t) => t.name === name)!;

beforeAll(async () => {
  const t = tempDir("tools");
  cleanup = t.cleanup;
  mkdirSync(join(t.dir, "src", "models"), { recursive: true });
  writeFileSync(join(t.dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  writeFileSync(join(t.dir, "src", "models", "account.ts"), "export interface AccountRecord {\n  id: number;\n}\n\nexport class AccountService {\n  private cache = new Map<number, AccountRecord>();\n  findAccount(id: number): AccountRecord | undefined {\n    return this.cache.get(id);\n  }\n  /** ünïcödé 🎉 */ resetAccountCache(): void {\n    this.cache.clear();\n  }\n}\n");
  writeFileSync(join(t.dir, "src", "shade.ts"), "export enum Shade {\n  Light,\n  Dark,\n}\n");
  writeFileSync(join(t.dir, "src", "main.ts"), "import { AccountService } from './models/account';\n\nexport function startApplication(): AccountService {\n  return new AccountService();\n}\n");
  [root] = resolveRoots([t.dir]);
  finder = new FileFinder({ watch: false });
  pool = new LspPool({ roots: [root!], files: finder });
  const files = finder.openRoot(root!);
  await files.ready;
  cache = SymbolCache.open({ root: root!, source: pool, files, dbPath: join(t.dir, "..", `${t.dir.split("/").pop()}.sqlite`) });
  const deps = { pool, roots: [root!], caches: { get: (r: string) => (r === root ? cache : undefined) } };
  cached = createSymbolTools(deps);
  live = createSymbolTools({ pool, roots: [root!] });
});

afterAll(async () => {
  await cache?.close();
  await pool?.dispose();
  await finder?.close();
  cleanup();
});

describe("cache-backed symbol tools", () => {
  it("while cold: answers with live results and says the index is incomplete", async () => {
    const r = await tool(cached, "workspace_symbols").run({ query: "AccountService" }, ctx());
    const s = r.structured as { results: { name: string }[]; index: { complete: boolean; source: string } };
    expect(s.index.complete).toBe(false);
    expect(s.results.map((e) => e.name)).toContain("AccountService");
    expect(r.text).toMatch(/index is still being built/);
  });

  it("while cold: the live results that fill in obey a path glob too", async () => {
    const inModels = await tool(cached, "workspace_symbols").run({ query: "AccountService", path: "**/models/*.ts" }, ctx());
    expect((inModels.structured as { results: { path: string }[] }).results.map((e) => e.path)).toContain("src/models/account.ts");
    const elsewhere = await tool(cached, "workspace_symbols").run({ query: "AccountService", path: "**/{main,index}.ts" }, ctx());
    const s = elsewhere.structured as { results: { name: string; path: string }[]; index: { complete: boolean } };
    expect(s.index.complete).toBe(false);
    expect(s.results.filter((e) => e.path === "src/models/account.ts")).toEqual([]);
  });

  it("once indexed: same shape as the live tool, and camelCase humps", async () => {
    const summary = await cache.indexer.run();
    expect(summary.failed).toBe(0);
    const fromCache = await tool(cached, "workspace_symbols").run({ query: "findAccount" }, ctx());
    const fromLive = await tool(live, "workspace_symbols").run({ query: "findAccount" }, ctx());
    const c = fromCache.structured as { results: Record<string, unknown>[]; index: { complete: boolean; source: string } };
    const l = fromLive.structured as { results: Record<string, unknown>[] };
    expect(c.index).toEqual({ source: "cache", complete: true });
    // tsserver's workspace/symbol leaves out the container; the live tool takes the outline's, as the cache does.
    expect(c.results[0]!.container).toBe("AccountService");
    expect(c.results[0]).toEqual(l.results.find((e) => e.name === "findAccount"));
    const humps = (await tool(cached, "workspace_symbols").run({ query: "rac", kind: "method" }, ctx())).structured as { results: { name: string; container?: string; line: number }[] };
    expect(humps.results[0]).toMatchObject({ name: "resetAccountCache", container: "AccountService", line: 10 });
    const scoped = (await tool(cached, "workspace_symbols").run({ query: "a", path: "src/main.ts" }, ctx())).structured as { results: { path: string; name: string }[] };
    expect(scoped.results.map((e) => e.name)).toContain("startApplication");
    expect(new Set(scoped.results.map((e) => e.path))).toEqual(new Set(["src/main.ts"]));
    await expect(tool(cached, "workspace_symbols").run({ query: "x", kind: "gadget" }, ctx())).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("document_symbols from the cache equals the live outline, columns included", async () => {
    await cache.indexer.run();
    const c = (await tool(cached, "document_symbols").run({ file: "src/models/account.ts" }, ctx())).structured as { results: unknown[]; index: { source: string } };
    const l = (await tool(live, "document_symbols").run({ file: "src/models/account.ts" }, ctx())).structured as { results: unknown[] };
    expect(c.index.source).toBe("cache");
    expect(c.results).toEqual(l.results);
  });

  it("kind enumMember gives the same answer with and without the cache (tsserver calls enum members constants)", async () => {
    await cache.indexer.run();
    const pick = (r: { structured: unknown }) => (r.structured as { results: { name: string; kind: string; path: string; line: number }[] }).results.map(({ name, kind, path, line }) => ({ name, kind, path, line }));
    for (const kind of ["enumMember", "enum member", "22"]) {
      const fromCache = pick(await tool(cached, "workspace_symbols").run({ query: "Light", kind }, ctx()));
      const fromLive = pick(await tool(live, "workspace_symbols").run({ query: "Light", kind }, ctx()));
      expect(fromCache).toEqual([{ name: "Light", kind: "enum member", path: "src/shade.ts", line: 2 }]);
      expect(fromLive).toEqual(fromCache);
    }
    const outline = (list: Tool[]) => tool(list, "document_symbols").run({ file: "src/shade.ts" }, ctx()).then((r) => (r.structured as { results: { kind: string }[] }).results.map((e) => e.kind));
    expect(await outline(cached)).toEqual(["enum", "enum member", "enum member"]);
    expect(await outline(live)).toEqual(await outline(cached));
  });

  it("document_symbols of a file changed since indexing asks the server", async () => {
    writeFileSync(join(root, "src", "main.ts"), "export function stopApplication(): void {}\n");
    const r = (await tool(cached, "document_symbols").run({ file: "src/main.ts" }, ctx())).structured as { results: { name: string }[]; index: { source: string } };
    expect(r.index.source).toBe("live");
    expect(r.results.map((e) => e.name)).toEqual(["stopApplication"]);
  });
});
