// The composition root's wiring, end to end on a scratch copy of the TypeScript fixture:
// an edit on disk reaches the language server through the finder's watcher (diagnostics
// change), a new file shows up in find_files, and a new symbol shows up in the symbol cache;
// servers hear of created, changed and deleted files with the right didChangeWatchedFiles type.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
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

describe("createCodeIntel wiring: watched files", () => {
  // A stub server that records every notification it gets, so the test sees exactly what was sent.
  const stub = join(repoRoot, "test/fixtures/servers/stubborn-ls.mjs");
  const stubRoot = mkdtempSync(join(tmpdir(), "ci-watched-"));
  const recording = join(mkdtempSync(join(tmpdir(), "ci-watched-record-")), "notifications.jsonl");
  let stubCi: CodeIntel | undefined;

  afterAll(async () => {
    await stubCi?.close();
  });

  /** The didChangeWatchedFiles types the server got for `file`, in order. */
  const typesFor = (file: string): number[] => {
    if (!existsSync(recording)) return [];
    const uri = pathToFileURL(file).href;
    return readFileSync(recording, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { method: string; params: { changes?: { uri: string; type: number }[] } })
      .filter((n) => n.method === "workspace/didChangeWatchedFiles")
      .flatMap((n) => n.params.changes ?? [])
      .filter((c) => c.uri === uri)
      .map((c) => c.type);
  };

  it("reports a new file as Created (1), an edit as Changed (2) and a removal as Deleted (3)", async () => {
    writeFileSync(join(stubRoot, "codeintel.json"), JSON.stringify({ servers: { stub: { command: ["node", stub, "--record", recording], extensions: [".stub"] } } }));
    writeFileSync(join(stubRoot, "first.stub"), "stub\n");
    stubCi = await createCodeIntel({ roots: [stubRoot], symbolIndex: "off", trust: true });
    await eventually(() => stubCi!.isReady(), "the file list is in");
    // Starts the server, so there is someone to tell.
    expect((await stubCi.documentSymbols({ file: join(stubRoot, "first.stub") })).total).toBe(1);

    const created = join(stubRoot, "created.stub");
    writeFileSync(created, "new\n");
    await eventually(() => typesFor(created).length > 0, "the server hears of the new file");
    expect(typesFor(created)[0]).toBe(1);

    // The watcher may report the creating write as a change too; an edit is never a creation.
    const before = typesFor(created).length;
    writeFileSync(created, "edited\n");
    await eventually(() => typesFor(created).length > before, "the server hears of the edit");
    expect(typesFor(created).at(-1)).toBe(2);
    expect(typesFor(created).slice(1)).not.toContain(1);

    rmSync(created);
    await eventually(() => typesFor(created).includes(3), "the server hears of the removal");
    expect(typesFor(created).at(-1)).toBe(3);
  }, 60_000);
});
