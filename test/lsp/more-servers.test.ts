// The servers codeintel installs beyond the first seven, through one shared pool: gopls
// (Debian's gopls + golang-go), yaml-language-server, dockerfile-language-server, svelte
// and astro language servers (npm dependencies), intelephense (a devDependency, found in
// codeintel's node_modules/.bin as a user's global install would be on PATH).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { emptyConfig } from "../../src/workspace/config.js";
import { copyFixtures, liveDescendants, liveInGroups, positionOf, removeTree } from "./helpers.js";

const dir = copyFixtures("go", "yaml", "docker", "svelte", "astro", "php");
const finder = new FileFinder({ watch: false });
// Cold servers on a busy machine: svelte and astro build a TypeScript program on their first request.
const slow = 45_000;
const timeouts = Object.fromEntries(["hover", "definition", "references", "documentSymbol", "diagnostic"].map((m) => [`textDocument/${m}`, slow]));
const pool = new LspPool({ roots: [dir], files: finder, config: { ...emptyConfig(), lsp: { timeouts, readyTimeoutMs: slow } } });
const groups = new Set<number>();
const read = (p: string) => readFileSync(p, "utf8");
const hoverText = async (file: string, pos: { line: number; character: number }) => JSON.stringify((await pool.hover(file, pos))?.contents ?? null);

afterAll(async () => {
  await pool.dispose();
  await finder.close();
  removeTree(dir);
});

describe("gopls", () => {
  const main = join(dir, "go/main.go");
  const shapes = join(dir, "go/shapes/shapes.go");

  it("roots at go.mod and answers hover with the signature and doc comment", async () => {
    expect(pool.serverFor(main)).toEqual({ serverId: "gopls", root: join(dir, "go") });
    const h = await hoverText(main, positionOf(read(main), "TotalArea(cs)"));
    expect(h).toContain("func shapes.TotalArea(cs []shapes.Circle) float64");
    expect(h).toContain("TotalArea sums the areas of circles.");
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("finds the definition in another package, references and symbols", async () => {
    const defs = await pool.definition(main, positionOf(read(main), "TotalArea(cs)"));
    expect(defs.map((d) => [d.uri.replace(/.*\/go\//, ""), d.range.start.line])).toEqual([["shapes/shapes.go", 14]]);
    const refs = await pool.references(shapes, positionOf(read(shapes), "Area() float64"));
    expect(refs.map((r) => r.uri.replace(/.*\/go\//, "")).sort()).toEqual(["shapes/shapes.go", "shapes/shapes.go"]);
    const symbols = (await pool.documentSymbols(shapes)).map((s) => s.name);
    expect(symbols).toEqual(expect.arrayContaining(["Circle", "TotalArea"]));
  });

  it("reports compiler diagnostics after an edit on disk", async () => {
    expect(await pool.diagnostics(shapes)).toEqual([]);
    writeFileSync(shapes, read(shapes) + '\nfunc Bad() int { return "x" }\n');
    const after = await pool.diagnostics(shapes);
    expect(after.map((d) => `${d.range.start.line}: ${d.message}`).join("\n")).toMatch(/^22: cannot use "x"/m);
  });
});

describe("yaml-language-server", () => {
  const config = join(dir, "yaml/config.yaml");

  it("answers hover from the file's JSON schema and lists nested keys", async () => {
    expect(await hoverText(config, positionOf(read(config), "port"))).toContain("TCP port.");
    const symbols = await pool.documentSymbols(config);
    expect(symbols.map((s) => s.name)).toEqual(["name", "server"]);
    expect(symbols[1].children?.map((c) => c.name)).toEqual(["port", "hosts"]);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("says it has no references instead of answering an empty list", async () => {
    await expect(pool.references(config, positionOf(read(config), "port"))).rejects.toThrow(/language server 'yaml' does not support find references/);
  });

  it("validates against the schema after an edit on disk", async () => {
    expect(await pool.diagnostics(config)).toEqual([]);
    writeFileSync(config, read(config) + "bogus: 1\n");
    const after = await pool.diagnostics(config);
    expect(after.map((d) => `${d.range.start.line}: ${d.message}`)).toEqual(["7: Property bogus is not allowed."]);
  });
});

describe("dockerfile-language-server", () => {
  const file = join(dir, "docker/Dockerfile");

  it("routes the file by its name, answers hover on an instruction and goes to a build stage", async () => {
    expect(pool.serverFor(file)?.serverId).toBe("dockerfile");
    expect(await hoverText(file, positionOf(read(file), "WORKDIR"))).toMatch(/working directory/i);
    const defs = await pool.definition(file, positionOf(read(file), "build /src/out"));
    expect(defs.map((d) => d.range.start)).toEqual([{ line: 0, character: 24 }]);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("lists instructions as symbols and reports a bad instruction after an edit", async () => {
    expect((await pool.documentSymbols(file)).map((s) => s.name)).toEqual(["FROM", "WORKDIR", "COPY", "RUN", "FROM", "COPY", "ENTRYPOINT"]);
    await expect(pool.references(file, { line: 0, character: 0 })).rejects.toThrow(/does not support find references/);
    expect(await pool.diagnostics(file)).toEqual([]);
    writeFileSync(file, read(file) + "FORM scratch\n");
    expect((await pool.diagnostics(file)).map((d) => `${d.range.start.line}: ${d.message}`)).toEqual(["8: Unknown instruction: FORM"]);
  });
});

describe("svelte-language-server", () => {
  const file = join(dir, "svelte/Counter.svelte");

  it("answers hover, definition and references inside a component", async () => {
    const pos = positionOf(read(file), "increment(1)");
    expect(await hoverText(file, pos)).toContain("increment(by: number): void");
    const defs = await pool.definition(file, pos);
    expect(defs.map((d) => d.range.start.line)).toEqual([4]);
    expect((await pool.references(file, pos)).map((r) => r.range.start.line).sort()).toEqual([4, 9]);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("lists the script's symbols and reports a type error after an edit", async () => {
    const symbols = await pool.documentSymbols(file);
    expect(symbols.flatMap((s) => [s.name, ...(s.children ?? []).map((c) => c.name)])).toEqual(expect.arrayContaining(["count", "increment"]));
    expect(await pool.diagnostics(file)).toEqual([]);
    writeFileSync(file, read(file).replace("let count: number = 0;", 'let count: number = "zero";'));
    expect((await pool.diagnostics(file)).map((d) => d.message).join("\n")).toMatch(/Type 'string' is not assignable to type 'number'/);
  });
});

describe("astro language server", () => {
  const page = join(dir, "astro/index.astro");
  const greet = join(dir, "astro/greet.ts");

  it("goes from the frontmatter to a TypeScript module and finds references in both", async () => {
    const pos = positionOf(read(page), 'greet("astro")');
    const defs = await pool.definition(page, pos);
    expect(defs.map((d) => [d.uri.replace(/.*\/astro\//, ""), d.range.start.line])).toEqual([["greet.ts", 1]]);
    const refs = await pool.references(page, pos);
    expect(refs.map((r) => r.uri.replace(/.*\/astro\//, "")).sort()).toEqual(["greet.ts", "index.astro", "index.astro"]);
    expect(await hoverText(page, pos)).toMatch(/greet\(name: string\): string.*Says hello to someone/);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("lists the template's symbols and reports a type error after an edit", async () => {
    expect((await pool.documentSymbols(page)).map((s) => s.name)).toContain("html");
    expect(await pool.diagnostics(page)).toEqual([]);
    writeFileSync(page, read(page).replace('const title: string = greet("astro");', 'const title: number = greet("astro");'));
    expect((await pool.diagnostics(page)).map((d) => d.message).join("\n")).toMatch(/Type 'string' is not assignable to type 'number'/);
    expect(read(greet)).toContain("export function greet");
  });
});

describe("intelephense", () => {
  const main = join(dir, "php/src/main.php");
  const circle = join(dir, "php/src/Circle.php");

  it("waits for its indexing, then answers hover and definition across files", async () => {
    expect(pool.serverFor(main)).toEqual({ serverId: "intelephense", root: join(dir, "php") });
    const pos = positionOf(read(main), "area();");
    expect(await hoverText(main, pos)).toContain("The area of the circle.");
    const defs = await pool.definition(main, pos);
    expect(defs.map((d) => [d.uri.replace(/.*\/php\//, ""), d.range.start.line])).toEqual([["src/Circle.php", 12]]);
    pool.serverPids().forEach((p) => groups.add(p));
  });

  it("counts references, lists symbols and reports an undefined method after an edit", async () => {
    const refs = await pool.references(circle, positionOf(read(circle), "area()"));
    expect(refs.map((r) => r.uri.replace(/.*\/php\//, "")).sort()).toEqual(["src/Circle.php", "src/main.php", "src/main.php"]);
    const symbols = await pool.documentSymbols(circle);
    expect(JSON.stringify(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]))).toMatch(/Circle.*__construct.*area/);
    expect(await pool.diagnostics(main)).toEqual([]);
    writeFileSync(main, read(main) + "echo $d->perimeter();\n");
    expect((await pool.diagnostics(main)).map((d) => `${d.range.start.line}: ${d.message}`)).toEqual(["8: Undefined method 'perimeter'."]);
  });
});

describe("shutdown", () => {
  it("leaves no server process after dispose", async () => {
    pool.serverPids().forEach((p) => groups.add(p));
    expect(groups.size).toBe(6);
    await pool.dispose();
    expect(liveInGroups([...groups])).toEqual([]);
    expect(liveDescendants()).toEqual([]);
  });
});
