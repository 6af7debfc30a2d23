// pyright, bash-language-server (with shellcheck) and clangd through one shared pool.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { copyFixtures, liveDescendants, liveInGroups, positionOf, removeTree } from "./helpers.js";

const dir = copyFixtures("py", "sh", "c");
const finder = new FileFinder({ watch: false });
const pool = new LspPool({ roots: [dir], files: finder });
const groups = new Set<number>();
const read = (p: string) => readFileSync(p, "utf8");

afterAll(async () => {
  await pool.dispose();
  await finder.close();
  removeTree(dir);
});

describe("pyright", () => {
  const main = join(dir, "py/main.py");
  const shapes = join(dir, "py/pkg/shapes.py");

  it("uses the pyproject root and answers hover with signature and docstring", async () => {
    expect(pool.serverFor(main)).toEqual({ serverId: "pyright", root: join(dir, "py") });
    const h = await pool.hover(main, positionOf(read(main), "Circle(1.0)"));
    expect(JSON.stringify(h?.contents)).toContain("class Circle(radius: float)");
    expect(JSON.stringify(h?.contents)).toContain("A circle of a given radius.");
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("finds the definition in another module", async () => {
    const defs = await pool.definition(main, positionOf(read(main), "total_area(shapes)"));
    expect(defs[0].uri).toMatch(/py\/pkg\/shapes.py$/);
    expect(defs[0].range.start.line).toBe(15);
  });

  it("counts references across files", async () => {
    const refs = await pool.references(shapes, positionOf(read(shapes), "Circle:"));
    // class Circle, list[Circle] annotation, the import and two constructor calls in main.py
    expect(refs).toHaveLength(5);
  });

  it("lists document symbols", async () => {
    const symbols = await pool.documentSymbols(shapes);
    expect(symbols.map((s) => s.name)).toEqual(expect.arrayContaining(["Circle", "total_area"]));
    expect(symbols.find((s) => s.name === "Circle")?.children?.map((c) => c.name)).toEqual(expect.arrayContaining(["__init__", "area"]));
  });

  it("reports diagnostics for the edited file only", async () => {
    expect(await pool.diagnostics(main)).toEqual([]);
    writeFileSync(main, read(main) + "\nbad: int = 'text'\n");
    const after = await pool.diagnostics(main);
    expect(after).toHaveLength(1);
    expect(after[0].message).toMatch(/not assignable to declared type "int"/);
    expect(after[0].range.start.line).toBe(5);
  });
});

describe("bash-language-server", () => {
  const main = join(dir, "sh/main.sh");
  const lib = join(dir, "sh/lib.sh");

  it("answers hover and definition across sourced files", async () => {
    const pos = positionOf(read(main), "greet world");
    const h = await pool.hover(main, pos);
    expect(JSON.stringify(h?.contents)).toContain("greet");
    const defs = await pool.definition(main, pos);
    expect(defs[0].uri).toMatch(/sh\/lib.sh$/);
    expect(defs[0].range.start.line).toBe(2);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("counts references and lists symbols", async () => {
    const refs = await pool.references(lib, positionOf(read(lib), "greet"));
    expect(refs.length).toBe(3);
    expect((await pool.documentSymbols(lib)).map((s) => s.name)).toEqual(["greet"]);
  });

  it("reports shellcheck diagnostics after an edit on disk", async () => {
    expect(await pool.diagnostics(lib)).toEqual([]);
    writeFileSync(lib, read(lib) + "\necho $undefined_thing\n");
    const after = await pool.diagnostics(lib);
    expect(after.some((d) => /undefined_thing is referenced but not assigned/.test(String(d.message)))).toBe(true);
    expect(after.every((d) => d.range.start.line === 6)).toBe(true);
  });
});

describe("clangd", () => {
  const main = join(dir, "c/main.c");
  const shapes = join(dir, "c/shapes.c");

  it("answers hover with the signature and comment", async () => {
    const h = await pool.hover(main, positionOf(read(main), "circle_area(&c));"));
    expect(JSON.stringify(h?.contents)).toContain("circle_area");
    expect(JSON.stringify(h?.contents)).toContain("The area of a circle.");
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("finds the declaration, references and symbols", async () => {
    const defs = await pool.definition(main, positionOf(read(main), "circle_area(&c));"));
    expect(defs[0].uri).toMatch(/c\/shapes.h$/);
    const refs = await pool.references(main, positionOf(read(main), "circle_area(&c));"));
    expect(refs.length).toBeGreaterThanOrEqual(2);
    expect((await pool.documentSymbols(shapes)).map((s) => s.name)).toContain("circle_area");
  });

  it("reports compiler diagnostics after an edit on disk", async () => {
    expect(await pool.diagnostics(shapes)).toEqual([]);
    writeFileSync(shapes, read(shapes) + "\nint oops(void) { return undeclared_name; }\n");
    const after = await pool.diagnostics(shapes);
    expect(after.map((d) => d.message).join("\n")).toMatch(/undeclared identifier 'undeclared_name'/);
  });
});

describe("shutdown", () => {
  it("leaves no server process after dispose", async () => {
    pool.serverPids().forEach((p) => groups.add(p));
    expect(groups.size).toBe(3);
    await pool.dispose();
    expect(liveInGroups([...groups])).toEqual([]);
    expect(liveDescendants()).toEqual([]);
  });
});
