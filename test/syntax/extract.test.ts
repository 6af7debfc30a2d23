// The syntactic indexer on real grammars and real fixture files, one project per language
// (test/fixtures/syntax/<lang>/): nested classes, methods, generics, overloads, decorators,
// Unicode names. Each expectation is written as "kind name" or "kind name < container".
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extract } from "../../src/syntax/extract.js";
import { syntaxLanguageOf, SYNTAX_LANGUAGES } from "../../src/syntax/languages.js";
import { kindName } from "../../src/symbols/symbol-kinds.js";
import type { FlatSymbol } from "../../src/symbols/types.js";

const fixtures = join(import.meta.dirname, "..", "fixtures", "syntax");

async function outline(file: string): Promise<{ lines: string[]; symbols: FlatSymbol[]; partial: boolean }> {
  const language = syntaxLanguageOf(file);
  if (!language) throw new Error(`no language for ${file}`);
  const { symbols, partial } = await extract(readFileSync(join(fixtures, file), "utf8"), language);
  return { lines: symbols.map((s) => `${kindName(s.kind)} ${s.name}${s.container ? ` < ${s.container}` : ""}`), symbols, partial };
}

const expected: Record<string, string[]> = {
  "typescript/shapes.ts": [
    "interface Shape", "method area < Shape", "property name < Shape", "enum Colour", "enum member Red < Colour",
    "enum member Green < Colour", "class Point", "function sealed", "class Circle", "property radius < Circle",
    "constructor constructor < Circle", "method area < Circle", "method unit < Circle", "class Base", "method draw < Base",
    "function parse", "namespace Geometry", "class Größe < Geometry", "method maß < Größe", "constant MAX_SIDES",
    "function makeSquare", "variable counter",
  ],
  "typescript/util.d.ts": ['module "util-shim"', 'function inspect < "util-shim"'],
  "tsx/Button.tsx": ["interface ButtonProps", "property label < ButtonProps", "function Button", "class Panel", "method render < Panel", "function Émoji"],
  "javascript/lib.mjs": [
    "class Queue", "property #items < Queue", "property size < Queue", "constructor constructor < Queue", "method push < Queue",
    "method from < Queue", "function range", "function double", "function naïve", "variable legacy",
  ],
  "javascript/App.jsx": ["function App"],
  "python/shapes.py": [
    "constant MAX_SIDES", "variable registry", "function register", "class Shape", "field sides < Shape", "class Meta < Shape",
    "field abstract < Meta", "method __init__ < Shape", "method label < Shape", "method area < Shape", "function helper < area",
    "class Größe", "method maß < Größe", "function fetch_all",
  ],
  "c/list.h": [
    "constant LIST_MAX", "function list_first", "struct node", "field value < node", "field next < node", "field tag < node",
    "struct list", "field head < list", "field count < list", "class list_t", "enum colour", "enum member RED < colour",
    "enum member GREEN < colour", "class compare_fn", "function list_new", "function list_free",
  ],
  "c/list.c": ["variable created", "variable version", "function list_new", "function list_free", "function split_words", "struct value", "field i < value", "field d < value"],
  "cpp/widget.hpp": [
    "namespace ui", "class Box < ui", "method get < Box", "method set < Box", "field value_ < Box", "class Widget < ui",
    "method ~Widget < Widget", "method draw < Widget", "struct Size < Widget", "field width < Size", "class WidgetPtr < ui",
    "enum Align < ui", "enum member Left < Align",
  ],
  "cpp/widget.cpp": ["namespace ui", "method set < Box", "class Label < ui", "method draw < Label", "function counter < ui", "function main"],
  "go/shapes.go": [
    "constant MaxSides", "variable registry", "interface Shape", "method Area < Shape", "method Name < Shape", "struct Circle",
    "field Radius < Circle", "struct Stack", "field items < Stack", "class Celsius", "function NewCircle", "method Area < Circle",
    "method Name < Circle", "method Push < Stack", "function Größe",
  ],
  "rust/lib.rs": [
    "module shapes", "interface Shape < shapes", "method area < Shape", "method name < Shape", "struct Circle < shapes",
    "field radius < Circle", "method area < Circle", "method new < Wrapper", "struct Wrapper < shapes", "enum Colour < shapes",
    "enum member Green < Colour", "constant MAX_SIDES", "variable GREETING", "class Result", "function square", "function größe",
  ],
  "java/com/example/Shapes.java": [
    "class Shapes", "field MAX_SIDES < Shapes", "field items < Shapes", "constructor Shapes < Shapes", "method toString < Shapes",
    "method first < Shapes", "class Circle < Shapes", "method area < Circle", "interface Shape < Shapes", "constant SIDES < Shape",
    "method area < Shape", "enum Colour < Shapes", "enum member RED < Colour", "class Point < Shapes", "method größe < Shapes",
  ],
  "shell/build.sh": ["variable OUT_DIR", "variable VERBOSE", "function log", "function build_all"],
  "ruby/shapes.rb": [
    "module Geometry", "constant MAX_SIDES < Geometry", "class Shape < Geometry", "constructor initialize < Shape", "method area < Shape",
    "method unit < Shape", "class Meta < Shape", "method tag < Meta", "class Circle < Geometry", "method area < Circle",
    "class Größe", "method maß < Größe", "method helper",
  ],
  "php/Shapes.php": [
    "namespace App\\Geometry", "constant MAX_SIDES", "interface Shape", "method area < Shape", "class Named", "property name < Named",
    "enum Colour", "enum member Red < Colour", "class Circle", "property radius < Circle", "constructor __construct < Circle",
    "method area < Circle", "function größe",
  ],
  "csharp/Shapes.cs": [
    "namespace Example.Geometry", "interface IShape < Example.Geometry", "method Area < IShape", "function Changed < Example.Geometry",
    "class Circle < Example.Geometry", "field MaxSides < Circle", "field radius < Circle", "property Name < Circle",
    "event OnChanged < Circle", "constructor Circle < Circle", "method Area < Circle", "method Convert < Circle", "class Größe < Circle",
    "struct Point < Example.Geometry", "field X < Point", "enum Colour < Example.Geometry", "enum member Red < Colour", "class Pair < Example.Geometry",
  ],
  "powershell/tools.ps1": ["function Get-Greeting", "enum Colour", "class Shape", "property $Name < Shape", "method Area < Shape"],
};

describe("extract() on the fixture projects", () => {
  it("has a fixture for every language", () => {
    const covered = new Set(Object.keys(expected).map((f) => syntaxLanguageOf(f)));
    expect([...SYNTAX_LANGUAGES].filter((l) => !covered.has(l))).toEqual([]);
  });

  for (const [file, want] of Object.entries(expected)) {
    it(`${file}: every declaration, with its kind and container`, async () => {
      const { lines, symbols, partial } = await outline(file);
      expect(partial).toBe(false);
      expect(want.filter((w) => !lines.includes(w))).toEqual([]);
      for (const s of symbols) {
        // A parent always comes first and holds its child's range.
        if (s.parent === null) continue;
        const p = symbols[s.parent]!;
        expect(symbols.indexOf(s)).toBeGreaterThan(s.parent);
        expect(p.range.start.line <= s.range.start.line && p.range.end.line >= s.range.end.line).toBe(true);
      }
    });
  }

  it("keeps overloads apart, one symbol per declaration", async () => {
    const { lines, symbols } = await outline("typescript/shapes.ts");
    expect(lines.filter((l) => l === "function parse")).toHaveLength(3);
    expect(new Set(symbols.filter((s) => s.name === "parse").map((s) => s.selectionRange.start.line)).size).toBe(3);
    const java = await outline("java/com/example/Shapes.java");
    expect(java.lines.filter((l) => l === "method first < Shapes")).toHaveLength(2);
  });

  it("ranges cover the declaration (decorators included) and selection ranges the name, 0-based", async () => {
    const { symbols } = await outline("typescript/shapes.ts");
    const circle = symbols.find((s) => s.name === "Circle")!;
    // 0-based: line 15 is `@sealed`, 16 `export class Circle implements Shape {`, 25 its `}`.
    expect(circle.selectionRange).toEqual({ start: { line: 16, character: 13 }, end: { line: 16, character: 19 } });
    expect(circle.range).toEqual({ start: { line: 15, character: 0 }, end: { line: 25, character: 1 } });
    const py = await outline("python/shapes.py");
    // `@register` (line 12) decorates `class Shape:`; `@property` (22) decorates `def label`.
    expect(py.symbols.find((s) => s.name === "Shape")!.range.start).toEqual({ line: 12, character: 0 });
    expect(py.symbols.find((s) => s.name === "label")!.range.start).toEqual({ line: 22, character: 4 });
  });
});

describe("extract() positions and partial parses", () => {
  it("counts columns in UTF-16 code units, as LSP does", async () => {
    const text = "/* 😀 é */ function größe() {}\nclass Ünï { maß() {} }\n";
    const { symbols } = await extract(text, "typescript");
    const f = symbols.find((s) => s.name === "größe")!;
    // 😀 is two UTF-16 code units (four UTF-8 bytes), é one (two bytes).
    expect(f.selectionRange).toEqual({ start: { line: 0, character: 20 }, end: { line: 0, character: 25 } });
    const m = symbols.find((s) => s.name === "maß")!;
    expect(m.selectionRange.start).toEqual({ line: 1, character: 12 });
    expect(m.container).toBe("Ünï");
  });

  it("says when the parse recovered from errors, and keeps what it found", async () => {
    const { symbols, partial } = await extract("class Good { ok() {} }\nfunction broken( {\nclass After {}\n", "typescript");
    expect(partial).toBe(true);
    expect(symbols.map((s) => s.name)).toContain("Good");
    expect(symbols.map((s) => s.name)).toContain("ok");
  });

  it("answers a true empty for a file that declares nothing", async () => {
    expect(await extract("print('hi')\n", "python")).toEqual({ source: "syntax", language: "python", symbols: [], partial: false });
  });

  it("detects languages by extension and by well-known names, and nothing else", () => {
    expect(syntaxLanguageOf("src/a.TS")).toBe("typescript");
    expect(syntaxLanguageOf("types/x.d.ts")).toBe("typescript");
    expect(syntaxLanguageOf("a/b.tsx")).toBe("tsx");
    expect(syntaxLanguageOf("kernel/fork.c")).toBe("c");
    expect(syntaxLanguageOf("x/Rakefile")).toBe("ruby");
    expect(syntaxLanguageOf("README.md")).toBeNull();
    expect(syntaxLanguageOf("Makefile")).toBeNull();
  });
});
