// The in-process API as a user imports it (the package's compiled entry point, through its
// "exports"): typed tool functions, one-shot search, and a session as an async iterable.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CodeIntel, SearchEvent } from "../../src/index.js";
import { repoRoot, testCacheDir } from "./helpers.js";
import { makeTree } from "./tree.js";

const ts = join(repoRoot, "test/fixtures/ts");
let ci: CodeIntel;
let root: string;

beforeAll(async () => {
  root = makeTree(10, 50);
  // Resolved the way a dependent package resolves "codeintel": package.json "exports" → dist.
  const api = (await import("codeintel")) as typeof import("../../src/index.js");
  ci = await api.createCodeIntel({ roots: [ts, root], cacheDir: testCacheDir(), symbolIndex: "lazy" });
});

afterAll(async () => {
  await ci?.close();
});

describe("createCodeIntel", () => {
  it("exposes the catalog and runs any tool by name", async () => {
    expect(ci.tools().map((t) => t.name)).toEqual(expect.arrayContaining(["find_files", "hover", "document_symbols", "workspace_symbols"]));
    const r = await ci.call<{ results: Array<{ path: string }> }>("find_files", { query: "shapes" });
    expect(r.structured.results[0].path).toBe("src/shapes.ts");
    expect(r.text).toMatch(/match/);
    await expect(ci.call("nope")).rejects.toMatchObject({ name: "ToolError", code: "invalid_input" });
    await expect(ci.call("find_files", { query: 3 })).rejects.toMatchObject({ code: "invalid_input" });
  });

  it("finds files in one shot and cancels with an AbortSignal", async () => {
    const files = await ci.findFiles("file_3_7", { roots: [root] });
    expect(files[0]).toMatchObject({ root, path: "module_7/src/file_3_7.ts", matchType: "file" });
    const controller = new AbortController();
    controller.abort();
    await expect(ci.findFiles("file", { signal: controller.signal })).rejects.toMatchObject({ code: "cancelled" });
  });

  it("streams a session as an async iterable", async () => {
    const session = ci.searchSession({ roots: [root] });
    const events: SearchEvent[] = [];
    session.update("file_1");
    for await (const e of session) {
      events.push(e);
      if (e.type === "completed" && e.query === "file_1") session.update("file_1_9");
      if (e.type === "completed" && e.query === "file_1_9") session.stop();
    }
    const last = events.filter((e) => e.type === "updated").at(-1);
    expect(last).toMatchObject({ type: "updated", query: "file_1_9" });
    expect(last?.type === "updated" && last.files[0].path).toBe("module_9/src/file_1_9.ts");
    expect(events.filter((e) => e.type === "completed").map((e) => e.query)).toEqual(["file_1", "file_1_9"]);
  });

  it("answers typed navigation calls from the language servers", async () => {
    const file = join(ts, "src/shapes.ts");
    const outline = await ci.documentSymbols({ file });
    expect(outline.results.map((s) => s.name)).toEqual(expect.arrayContaining(["Circle", "Square", "totalArea"]));
    // The type and docs the server knows, not just the name that was asked about.
    const hover = await ci.hover({ file, symbol: "Circle.radius" });
    expect(hover.contents).toMatch(/\(property\) Circle\.radius: number/);
    expect((await ci.hover({ file, symbol: "totalArea" })).contents).toMatch(/function totalArea\(shapes: Shape\[\]\): number[\s\S]*Sums the areas of all shapes/);
    const refs = await ci.references({ file, symbol: "Circle" });
    expect(refs.total).toBeGreaterThanOrEqual(2);
    await expect(ci.definition({ file: "/etc/passwd", line: 1 })).rejects.toMatchObject({ code: "invalid_input" });
  }, 120_000);
});
