// hover, definition and references from an imported SCIP index with every language server
// disabled: indexes written by the real scip-typescript and scip-python on copies of the
// fixtures, imported through the import_scip tool. An edited file falls back (that file only),
// a corrupt import is refused with nothing lost, an index of another commit answers only for
// the files unchanged since.
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { knownServers } from "../../src/lsp/known-servers.js";
import type { HoverOutput, ImportScipOutput, LocationsOutput } from "../../src/protocol/index.js";
import { runIndexer } from "../../src/scip/indexers.js";
import { repoRoot } from "../support/compiled.js";
import { tempDir } from "../support/tree.js";

let dir: string;
let cleanup: () => void;
let ts: string;
let py: string;
let ci: CodeIntel;
const git = (cwd: string, ...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd }).toString().trim();

beforeAll(async () => {
  ({ dir, cleanup } = tempDir("scip-nav"));
  ts = join(dir, "ts");
  py = join(dir, "py");
  cpSync(join(repoRoot, "test/fixtures/ts"), ts, { recursive: true });
  cpSync(join(repoRoot, "test/fixtures/py"), py, { recursive: true });
  await Promise.all([runIndexer("scip-typescript", ts, join(ts, "index.scip")), runIndexer("scip-python", py, join(py, "index.scip"))]);
  const config = join(dir, "codeintel.json");
  writeFileSync(config, JSON.stringify({ servers: Object.fromEntries(knownServers().map((s) => [s.id, false])) }));
  ci = await createCodeIntel({ roots: [ts, py], configPath: config, cacheDir: join(dir, "cache"), watch: false, symbolIndex: "off" });
}, 180_000);
afterAll(async () => {
  await ci?.close();
  cleanup?.();
});

const importInto = (root: string, file = "index.scip", commit?: string) =>
  ci.call<ImportScipOutput>("import_scip", { root, file, ...(commit ? { commit } : {}) });

describe("answers from the SCIP tier with no language server", () => {
  beforeAll(async () => {
    const imported = await importInto(ts);
    expect(imported.structured).toMatchObject({ paths: 3, stale: 0, tool: expect.stringMatching(/^scip-typescript/) });
    expect((await importInto(py)).structured.tool).toMatch(/^scip-python/);
  });

  it("definition, references and hover in TypeScript", async () => {
    const definition = (await ci.call<LocationsOutput>("definition", { file: join(ts, "src/main.ts"), line: 6, column: 20 })).structured;
    expect(definition).toMatchObject({ source: "scip", precision: "exact", complete: true });
    expect(definition.results.map((r) => [r.path, r.line, r.column])).toEqual([["src/shapes.ts", 24, 17]]);

    const references = (await ci.call<LocationsOutput>("references", { file: join(ts, "src/shapes.ts"), symbol: "totalArea" })).structured;
    expect(references.source).toBe("scip");
    expect(references.results.map((r) => `${r.path}:${r.line}`).sort()).toEqual(["src/main.ts:1", "src/main.ts:6", "src/shapes.ts:24"]);
    const withoutDeclaration = (await ci.call<LocationsOutput>("references", { file: join(ts, "src/shapes.ts"), symbol: "totalArea", includeDeclaration: false })).structured;
    expect(withoutDeclaration.results.map((r) => r.path)).toEqual(["src/main.ts", "src/main.ts"]);

    const hover = (await ci.call<HoverOutput>("hover", { file: join(ts, "src/main.ts"), line: 6, column: 20 })).structured;
    expect(hover.source).toBe("scip");
    expect(hover.contents).toContain("function totalArea(shapes: Shape[]): number");
    expect(hover.contents).toContain("Sums the areas of all shapes.");
  });

  it("definition and hover in Python", async () => {
    const definition = (await ci.call<LocationsOutput>("definition", { file: join(py, "main.py"), line: 4, column: 8 })).structured;
    expect(definition.source).toBe("scip");
    expect(definition.results.map((r) => [r.path, r.line])).toEqual([["pkg/shapes.py", 16]]);
    const hover = (await ci.call<HoverOutput>("hover", { file: join(py, "pkg/shapes.py"), symbol: "Circle" })).structured;
    expect(hover.source).toBe("scip");
    expect(hover.contents).toContain("A circle of a given radius.");
  });

  it("a corrupt or truncated index is refused and the imported one keeps answering", async () => {
    const bytes = readFileSync(join(ts, "index.scip"));
    writeFileSync(join(ts, "cut.scip"), bytes.subarray(0, bytes.length - 11));
    await expect(importInto(ts, "cut.scip")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/truncated.*nothing was imported/) });
    writeFileSync(join(ts, "junk.scip"), "not protobuf at all\n".repeat(50));
    await expect(importInto(ts, "junk.scip")).rejects.toMatchObject({ code: "invalid_input" });
    await expect(importInto(ts, join(dir, "codeintel.json"))).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/inside the project root/) });
    const definition = (await ci.call<LocationsOutput>("definition", { file: join(ts, "src/main.ts"), line: 6, column: 20 })).structured;
    expect(definition.source).toBe("scip");
  });

  it("an edited file falls back to the syntax tier, that file only; its references elsewhere are named as missing", async () => {
    const edited = join(ts, "src/main.ts");
    const before = readFileSync(edited);
    appendFileSync(edited, "\nexport const again = totalArea(shapes);\n");
    try {
      const fromEdited = (await ci.call<LocationsOutput>("definition", { file: edited, line: 6, column: 20 })).structured;
      expect(fromEdited).toMatchObject({ source: "syntax", precision: "approximate" });
      const fromUnchanged = (await ci.call<LocationsOutput>("references", { file: join(ts, "src/shapes.ts"), symbol: "totalArea" })).structured;
      expect(fromUnchanged).toMatchObject({ source: "scip", complete: false, reason: expect.stringContaining("src/main.ts") });
      expect(fromUnchanged.results.map((r) => r.path)).toEqual(["src/shapes.ts"]);
    } finally {
      writeFileSync(edited, before);
    }
    // The same content again: the index answers for it again.
    expect((await ci.call<LocationsOutput>("definition", { file: edited, line: 6, column: 20 })).structured.source).toBe("scip");
  });
});

describe("an index built at another commit", () => {
  it("answers only for the files unchanged since that commit, and names the commit", async () => {
    git(ts, "init", "-q");
    git(ts, "add", "src", "package.json", "tsconfig.json");
    git(ts, "commit", "-qm", "indexed");
    const indexed = git(ts, "rev-parse", "HEAD");
    appendFileSync(join(ts, "src/main.ts"), "\nexport const later = 1;\n");
    git(ts, "commit", "-qam", "later");
    try {
      const imported = (await importInto(ts, "index.scip", indexed.slice(0, 8))).structured;
      expect(imported).toMatchObject({ commit: indexed, stale: 1 });
      const unchanged = (await ci.call<LocationsOutput>("definition", { file: join(ts, "src/shapes.ts"), symbol: "totalArea" })).structured;
      expect(unchanged).toMatchObject({ source: "scip", indexedCommit: indexed });
      const changed = (await ci.call<LocationsOutput>("definition", { file: join(ts, "src/main.ts"), line: 6, column: 20 })).structured;
      expect(changed.source).toBe("syntax");
      await expect(importInto(ts, "index.scip", "no-such-commit")).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/not known to git/) });
    } finally {
      git(ts, "checkout", "-q", "HEAD~1", "--", "src/main.ts");
    }
  });
});
