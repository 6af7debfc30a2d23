// The composition root's wiring, end to end on a scratch copy of the TypeScript fixture:
// an edit on disk reaches the language server through the finder's watcher (diagnostics
// change), a new file shows up in find_files, and a new symbol shows up in the symbol cache.
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { eventually, repoRoot } from "./helpers.js";

let ci: CodeIntel;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ci-wiring-"));
  cpSync(join(repoRoot, "test/fixtures/ts"), root, { recursive: true });
  ci = await createCodeIntel({ roots: [root], cacheDir: mkdtempSync(join(tmpdir(), "ci-wiring-cache-")), symbolIndex: "eager" });
});

afterAll(async () => {
  await ci?.close();
});

describe("createCodeIntel wiring", () => {
  it("feeds file changes to the language server: diagnostics follow an edit on disk", async () => {
    const main = join(root, "src/main.ts");
    expect((await ci.diagnostics({ file: main })).total).toBe(0);
    writeFileSync(main, `import { totalArea } from "./shapes.js";\nexport const broken: number = "not a number";\nexport const t = totalArea([]);\n`);
    const after = await eventually(
      async () => {
        const d = await ci.diagnostics({ file: main });
        return d.total > 0 ? d : undefined;
      },
      "the type error is reported",
      60_000,
    );
    expect(JSON.stringify(after.results)).toMatch(/not assignable|string/i);
  }, 120_000);

  it("a new file is found, and its symbols reach the symbol cache", async () => {
    writeFileSync(join(root, "src/brandNewModule.ts"), "export function uniquelyNamedHelper(): number {\n  return 42;\n}\n");
    await eventually(async () => (await ci.findFiles("brandnewmodule")).some((f) => f.path === "src/brandNewModule.ts"), "find_files sees the new file");
    const found = await eventually(
      async () => {
        const r = await ci.workspaceSymbols({ query: "uniquelyNamedHelper" });
        return r.total > 0 ? r : undefined;
      },
      "workspace_symbols finds the new function",
      90_000,
    );
    expect(JSON.stringify(found.results)).toContain("brandNewModule.ts");
  }, 120_000);
});
