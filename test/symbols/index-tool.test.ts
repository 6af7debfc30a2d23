// The `index` tool, as the in-process API and an MCP agent call it: it builds a root's symbol
// cache with progress, skips what is unchanged the second time, is not bound by one call's
// time budget (a pass is many questions), answers a cancelled call with what got done, and asks
// for `root` when there are several. Real tsserver, real files, real SQLite, the SDK's client.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import Database from "better-sqlite3";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel } from "../../src/codeintel.js";
import { symbolDatabasePath } from "../../src/symbols/cache-location.js";
import type { IndexOutput } from "../../src/tools/index-symbols.js";
import type { ToolProgress } from "../../src/core/tool.js";
import { bin, repoRoot } from "../support/compiled.js";
import { tempDir } from "./helpers.js";

const FILES = 60;
/** The TypeScript files, tsconfig.json and codeintel.json (the JSON server answers for those). */
const TOTAL = FILES + 2;
let base: string;
let root: string;
let cleanup: () => void;

beforeAll(() => {
  ({ dir: base, cleanup } = tempDir("index-tool"));
  root = join(base, "project");
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  // A budget no pass fits in: every language-server wait of one call shares it.
  writeFileSync(join(root, "codeintel.json"), JSON.stringify({ lsp: { callBudgetMs: 300 } }));
  for (let i = 0; i < FILES; i++) writeFileSync(join(root, "src", `part${i}.ts`), `export class Part${i} {\n  weigh${i}(): number {\n    return ${i};\n  }\n}\n`);
});
afterAll(() => cleanup());

/** Files the language servers have answered (or failed on): the syntactic pass leaves no fingerprint. */
const filesInCache = (cacheDir: string) => {
  const db = new Database(symbolDatabasePath(root, cacheDir), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM files WHERE fingerprint IS NOT NULL").get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe("the index tool", () => {
  it("indexes a root with progress, beyond one call's time budget, then skips what is unchanged", async () => {
    const cacheDir = join(base, "cache-full");
    const ci = await createCodeIntel({ roots: [root], cacheDir, watch: false, symbolIndex: "manual" });
    try {
      const seen: ToolProgress[] = [];
      const first = await ci.call<IndexOutput>("index", {}, { onProgress: (p) => seen.push(p) });
      expect(first.structured).toMatchObject({ root, total: TOTAL, done: TOTAL, failed: 0, cancelled: false });
      expect(first.structured.symbols).toBeGreaterThanOrEqual(FILES * 2);
      expect(first.text).toMatch(new RegExp(`^indexed: ${TOTAL} files in [\\d.]+ s, ${first.structured.cacheSymbols} symbols in the cache \\(\\+${first.structured.cacheSymbols}\\)`));

      expect(seen.length).toBeGreaterThan(0);
      // Both tiers count: the TypeScript files' syntactic pass, then every file's server.
      expect(seen.every((p) => p.total === FILES + TOTAL && /^indexing .*: syntax \d+\/60 files, \d+ symbols · lsp \d+\/62 files, \d+ symbols/.test(p.message ?? ""))).toBe(true);
      expect(first.structured.tiers.syntax).toMatchObject({ files: FILES });
      expect(first.structured.tiers.syntax.symbols).toBeGreaterThanOrEqual(FILES * 2);
      expect(first.structured.tiers.lsp).toMatchObject({ files: TOTAL, symbols: first.structured.symbols });
      expect(seen.map((p) => p.progress)).toEqual([...seen.map((p) => p.progress)].sort((a, b) => a - b));
      const again = await ci.index();
      expect(again).toMatchObject({ total: TOTAL, skipped: TOTAL, indexed: 0, failed: 0 });
      // One function added to a file of two symbols: the servers send three, the cache gains one.
      writeFileSync(join(root, "src", "part7.ts"), `export class Part7 {\n  weigh7(): number {\n    return 7;\n  }\n}\nexport function addedLater(): number {\n  return 1;\n}\n`);
      const added = await ci.call<IndexOutput>("index", {});
      expect(added.structured).toMatchObject({ indexed: 1, symbols: 3, symbolChange: 1, cacheSymbols: first.structured.cacheSymbols + 1 });
      expect(added.text).toMatch(/^indexed: 62 files in [\d.]+ s, \d+ symbols in the cache \(\+1\)\n/);
      expect(added.text).toMatch(/\n {2}language servers: 62 files, 3 symbols read in [\d.]+ s\n {2}asked the servers: 1 \(0 with no symbols\)\n/);
      // The cache it built answers queries.
      const found = await ci.workspaceSymbols({ query: "weigh42" });
      expect(found.results.map((r) => r.path)).toContain("src/part42.ts");
    } finally {
      await ci.close();
    }
  }, 240_000);

  it("answers a cancelled call with what got done, and the next call resumes", async () => {
    const cacheDir = join(base, "cache-cancel");
    const ci = await createCodeIntel({ roots: [root], cacheDir, watch: false, symbolIndex: "manual", indexConcurrency: 1 });
    try {
      const controller = new AbortController();
      const stopped = await ci.call<IndexOutput>("index", {}, { signal: controller.signal, onProgress: (p) => Number(/lsp (\d+)\//.exec(p.message ?? "")?.[1] ?? 0) >= 5 && controller.abort() });
      expect(stopped.structured.cancelled).toBe(true);
      expect(stopped.structured.done).toBeLessThan(TOTAL);
      expect(stopped.text).toMatch(/^interrupted: \d+ of 62 files done/);
      expect(filesInCache(cacheDir)).toBe(stopped.structured.done);
      const resumed = await ci.index();
      expect(resumed).toMatchObject({ cancelled: false, done: TOTAL, skipped: stopped.structured.done });
    } finally {
      await ci.close();
    }
  }, 240_000);

  it("a cancelled call that joined the background pass answers at once; the pass goes on", async () => {
    const cacheDir = join(base, "cache-joined");
    const ci = await createCodeIntel({ roots: [root], cacheDir, watch: false, symbolIndex: "eager", indexConcurrency: 1 });
    try {
      const controller = new AbortController();
      const stopped = await ci.call<IndexOutput>("index", {}, { signal: controller.signal, onProgress: (p) => p.progress >= 3 && controller.abort() });
      expect(stopped.structured).toMatchObject({ cancelled: true });
      expect(stopped.structured.done).toBeLessThan(TOTAL);
      // The background pass was not stopped: joined again, it finishes the root.
      expect(await ci.index()).toMatchObject({ cancelled: false, done: TOTAL, failed: 0 });
    } finally {
      await ci.close();
    }
  }, 240_000);

  it("asks which root when there are several", async () => {
    const other = join(base, "other");
    mkdirSync(other, { recursive: true });
    const ci = await createCodeIntel({ roots: [root, other], cacheDir: join(base, "cache-two"), watch: false, symbolIndex: "manual" });
    try {
      await expect(ci.index()).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/2 project roots: give `root`/) });
    } finally {
      await ci.close();
    }
  });

  it("reports progress to an MCP client", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "serve", "--symbol-index", "lazy", root],
      cwd: repoRoot,
      env: { ...(process.env as Record<string, string>), CODEINTEL_CACHE_DIR: join(base, "cache-mcp") },
      stderr: "pipe",
    });
    const client = new Client({ name: "index-test", version: "0" });
    await client.connect(transport);
    try {
      const seen: number[] = [];
      const result = await client.callTool({ name: "index", arguments: {} }, undefined, { onprogress: (p) => seen.push(p.progress), timeout: 200_000, resetTimeoutOnProgress: true });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ total: TOTAL, done: TOTAL, failed: 0, cancelled: false });
      expect(seen.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  }, 240_000);
});
