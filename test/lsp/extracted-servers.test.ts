// vscode-langservers-extracted (JSON, CSS, HTML): these answer diagnostics by pull
// (textDocument/diagnostic), the path the other servers do not exercise.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { copyFixtures, liveDescendants, removeTree } from "./helpers.js";

const dir = copyFixtures("ts");
const json = join(dir, "settings.json");
const css = join(dir, "style.css");
const html = join(dir, "index.html");
writeFileSync(json, '{\n  "name": "demo",\n  "nested": { "flag": true }\n}\n');
writeFileSync(css, ".title {\n  color: red;\n}\n");
writeFileSync(html, "<!doctype html>\n<html><head><style>p { margin: 0; }</style></head><body><p id=\"x\">hi</p></body></html>\n");
const finder = new FileFinder({ watch: false });
const pool = new LspPool({ roots: [dir], files: finder });

afterAll(async () => {
  await pool.dispose();
  await finder.close();
  removeTree(dir);
});

describe("JSON, CSS and HTML servers", () => {
  it("list document symbols", async () => {
    expect((await pool.documentSymbols(json)).map((s) => s.name)).toEqual(["name", "nested"]);
    expect((await pool.documentSymbols(css)).map((s) => s.name)).toEqual([".title"]);
    expect((await pool.documentSymbols(html)).length).toBeGreaterThan(0);
  });

  it("answer hover on a CSS property", async () => {
    const h = await pool.hover(css, { line: 1, character: 3 });
    expect(JSON.stringify(h?.contents)).toMatch(/color/i);
  });

  it("pull diagnostics for the content on disk after an edit", async () => {
    expect(await pool.diagnostics(json)).toEqual([]);
    writeFileSync(json, '{\n  "name": "demo",,\n}\n');
    expect((await pool.diagnostics(json)).map((d) => d.message)).toContain("Property expected");
    expect(await pool.diagnostics(css)).toEqual([]);
    writeFileSync(css, ".title {\n  colr: red;\n  color: ;\n}\n");
    const cssDiags = (await pool.diagnostics(css)).map((d) => `${d.range.start.line}: ${d.message}`);
    expect(cssDiags).toEqual(expect.arrayContaining(["1: Unknown property: 'colr'", "2: property value expected"]));
    writeFileSync(css, ".title {\n  color: red;\n}\n");
    expect(await pool.diagnostics(css)).toEqual([]);
  });

  it("leave no process after dispose", async () => {
    await pool.dispose();
    expect(liveDescendants()).toEqual([]);
  });
});
