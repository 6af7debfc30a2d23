// SymbolCacheRegistry: a cache per root, filled in the background; a root whose cache cannot be
// opened falls back to the live servers instead of failing the call.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel } from "../../src/codeintel.js";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { SymbolCacheRegistry } from "../../src/symbols/registry.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { eventually } from "../support/eventually.js";
import { tempDir } from "./helpers.js";

let base: string;
let root: string;
let cleanup: () => void;
let pool: LspPool;
let finder: FileFinder;

beforeAll(() => {
  ({ dir: base, cleanup } = tempDir("registry"));
  mkdirSync(join(base, "project", "config"), { recursive: true });
  for (let i = 0; i < 20; i++) writeFileSync(join(base, "project", "config", `service${i}.json`), JSON.stringify({ serviceName: `svc${i}`, replicas: i, limits: { cpuMillis: 100 * i } }));
  [root] = resolveRoots([join(base, "project")]);
  finder = new FileFinder();
  pool = new LspPool({ roots: [root!], files: finder });
});

afterAll(async () => {
  await pool?.dispose();
  await finder?.close();
  cleanup();
});

describe("SymbolCacheRegistry", () => {
  it("opens a root's cache on first use and fills it in the background", async () => {
    const registry = new SymbolCacheRegistry({ source: pool, filesFor: (r) => finder.openRoot(r), cacheDir: join(base, "cache") });
    const cache = registry.get(root!)!;
    expect(registry.get(root!)).toBe(cache);
    await eventually(() => cache.isComplete(), "background indexing to finish", 60_000);
    const answer = await cache.search({ query: "cpuMillis" });
    expect(answer.complete).toBe(true);
    expect(answer.hits.length).toBe(20);
    await registry.close();
    expect(registry.get(root!)).toBeUndefined();
  });

  it("in manual mode (`codeintel symbols`) answers from an existing cache, else from a syntactic pass it runs (it never asks the servers to index)", async () => {
    const fromCache = await createCodeIntel({ roots: [root!], cacheDir: join(base, "cache"), watch: false, symbolIndex: "manual" });
    const r = await fromCache.workspaceSymbols({ query: "cpuMillis", limit: 5 });
    const index = (r as unknown as { index: { source: string } }).index;
    expect(index.source).toBe("cache");
    expect(r.results).toHaveLength(5);
    expect(r.omitted).toBeGreaterThan(0); // more exist: the cache looked one past the page
    await fromCache.close();
    // No cache yet: one is made holding the syntactic tier, which has no grammar for JSON: a
    // miss that says why (the servers have not indexed the root), never a silent empty.
    const none = await createCodeIntel({ roots: [root!], cacheDir: join(base, "empty-cache"), watch: false, symbolIndex: "manual" });
    const syntaxOnly = await none.workspaceSymbols({ query: "cpuMillis" });
    expect(syntaxOnly).toMatchObject({ total: 0, complete: false, reason: expect.stringMatching(/^the language servers have not indexed this root yet/) });
    expect(existsSync(join(base, "empty-cache"))).toBe(true);
    await none.close();
  });

  it("reports a cache it cannot open once and answers undefined (the tools then go live)", async () => {
    writeFileSync(join(base, "not-a-folder"), "");
    const warnings: string[] = [];
    const registry = new SymbolCacheRegistry({ source: pool, filesFor: (r) => finder.openRoot(r), cacheDir: join(base, "not-a-folder", "cache"), onWarning: (m) => warnings.push(m) });
    expect(registry.get(root!)).toBeUndefined();
    expect(registry.get(root!)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/using the language servers directly/);
    await registry.close();
  });
});
