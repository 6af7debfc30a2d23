// typescript-language-server (tsserver from typescript@5) through the pool: one
// shared pool per file, since tsserver is slow to start on 2 cores.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool, type PoolEvent } from "../../src/lsp/pool.js";
import { copyFixtures, liveDescendants, liveInGroups, positionOf, removeTree } from "./helpers.js";

const dir = copyFixtures("ts", "monorepo");
const events: PoolEvent[] = [];
const finder = new FileFinder({ watch: false });
const pool = new LspPool({ roots: [dir], files: finder, onEvent: (e) => events.push(e) });
const groups = new Set<number>();
const main = join(dir, "ts/src/main.ts");
const shapes = join(dir, "ts/src/shapes.ts");
const mainText = readFileSync(main, "utf8");
const spawnsFor = (root: string) => events.filter((e) => e.type === "spawn" && e.root === root).length;
const trackPids = () => pool.serverPids().forEach((p) => groups.add(p));

afterAll(async () => {
  await pool.dispose();
  await finder.close();
  removeTree(dir);
});

describe("typescript server", () => {
  it("starts nothing before the first query", () => {
    expect(pool.status()).toEqual([]);
    expect(events).toEqual([]);
    expect(pool.serverFor(main)).toEqual({ serverId: "typescript", root: join(dir, "ts") });
    expect(pool.status()).toEqual([]);
  });

  it("shares one spawn among 20 concurrent first calls", async () => {
    const pos = positionOf(mainText, "totalArea(shapes)");
    const answers = await Promise.all(Array.from({ length: 20 }, () => pool.hover(main, pos)));
    trackPids();
    expect(spawnsFor(join(dir, "ts"))).toBe(1);
    for (const h of answers) expect(JSON.stringify(h?.contents)).toContain("totalArea(shapes: Shape[]): number");
  });

  it("answers hover with the type and docs", async () => {
    const h = await pool.hover(shapes, positionOf(readFileSync(shapes, "utf8"), "Circle implements"));
    expect(JSON.stringify(h?.contents)).toContain("class Circle");
    expect(JSON.stringify(h?.contents)).toContain("A circle of a given radius.");
  });

  it("finds the definition across files", async () => {
    const defs = await pool.definition(main, positionOf(mainText, "totalArea(shapes)"));
    expect(defs).toHaveLength(1);
    expect(defs[0].uri).toMatch(/ts\/src\/shapes.ts$/);
    expect(defs[0].range.start.line).toBe(23);
  });

  it("counts references, with and without the declaration", async () => {
    const pos = positionOf(readFileSync(shapes, "utf8"), "totalArea");
    expect(await pool.references(shapes, pos)).toHaveLength(3);
    expect(await pool.references(shapes, pos, { includeDeclaration: false })).toHaveLength(2);
  });

  it("lists hierarchical document symbols", async () => {
    const symbols = await pool.documentSymbols(shapes);
    expect(symbols.map((s) => s.name).sort()).toEqual(["Circle", "Shape", "Square", "totalArea"]);
    expect(symbols.find((s) => s.name === "Circle")?.children?.map((c) => c.name)).toContain("area");
  });

  it("finds workspace symbols without an open file in that project", async () => {
    const hits = await pool.workspaceSymbols("alpha", join(dir, "monorepo"));
    expect(hits.some((h) => h.name === "alpha" && h.absPath.endsWith("packages/a/src/index.ts"))).toBe(true);
    trackPids();
  });

  it("reports diagnostics for the file as edited on disk, not the old content", async () => {
    expect(await pool.diagnostics(main)).toEqual([]);
    writeFileSync(main, mainText + "\nexport const wrong: number = 'text';\n");
    const after = await pool.diagnostics(main);
    expect(after.map((d) => d.message).join("\n")).toContain("Type 'string' is not assignable to type 'number'");
    expect(after.find((d) => d.severity === 1)?.range.start.line).toBe(10);
    writeFileSync(main, mainText);
    expect((await pool.diagnostics(main)).filter((d) => d.severity === 1)).toEqual([]);
  });

  it("sees a change made on disk through the fileChanged hook", async () => {
    const pos = positionOf(mainText, "count");
    writeFileSync(main, mainText.replace("export const count: number", "export const count: string"));
    pool.fileChanged(main);
    const h = await pool.hover(main, pos);
    expect(JSON.stringify(h?.contents)).toContain("const count: string");
    writeFileSync(main, mainText);
    pool.fileChanged(main);
  });

  it("runs one server for a monorepo, not one per package", async () => {
    const b = join(dir, "monorepo/packages/b/src/index.ts");
    const a = join(dir, "monorepo/packages/a/src/index.ts");
    const defs = await pool.definition(b, positionOf(readFileSync(b, "utf8"), "alpha()"));
    expect(defs[0]?.uri).toMatch(/packages\/a\/src\/index.ts$/);
    await pool.hover(a, { line: 0, character: 17 });
    expect(pool.serverFor(a)?.root).toBe(join(dir, "monorepo"));
    expect(spawnsFor(join(dir, "monorepo"))).toBe(1);
    expect(events.filter((e) => e.type === "spawn" && e.root.includes("packages"))).toEqual([]);
    trackPids();
  });

  it("restarts after kill -9 of the server mid-request, and the next call succeeds", async () => {
    const before = pool.status().find((s) => s.root === join(dir, "ts"))!;
    const pending = pool.references(shapes, positionOf(readFileSync(shapes, "utf8"), "totalArea"));
    await new Promise((r) => setImmediate(r));
    process.kill(before.pid!, "SIGKILL");
    // The pool retries once on a crash, so even the interrupted call gets its answer.
    expect(await pending).toHaveLength(3);
    expect(events.some((e) => e.type === "exit" && !e.expected && e.root === join(dir, "ts"))).toBe(true);
    const h = await pool.hover(main, positionOf(mainText, "totalArea(shapes)"));
    expect(JSON.stringify(h?.contents)).toContain("totalArea");
    const after = pool.status().find((s) => s.root === join(dir, "ts"))!;
    expect(after.pid).not.toBe(before.pid);
    expect(liveInGroups([before.pid!])).toEqual([]);
    trackPids();
  });

  it("leaves no server process (nor tsserver child) after dispose", async () => {
    trackPids();
    expect(groups.size).toBeGreaterThanOrEqual(2);
    expect(liveInGroups([...groups]).length).toBeGreaterThan(0);
    await pool.dispose();
    expect(liveInGroups([...groups])).toEqual([]);
    expect(liveDescendants()).toEqual([]);
    await expect(pool.hover(main, { line: 0, character: 0 })).rejects.toThrow(/shut down/);
  });
});
