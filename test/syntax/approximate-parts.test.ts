// The text-only parts of approximate navigation: whole-word occurrences, the identifier under a
// position, doc comments and docstrings, and textual imports.
import { describe, expect, it } from "vitest";
import { docCommentOf } from "../../src/syntax/doc-comments.js";
import { identifierAt, occurrencesOf } from "../../src/syntax/identifiers.js";
import { importedModules, isImported } from "../../src/syntax/imports.js";

const at = (line: number, startLine = line) => ({
  range: { start: { line: startLine, character: 0 }, end: { line: line + 1, character: 0 } },
  selectionRange: { start: { line, character: 4 }, end: { line, character: 8 } },
});

describe("occurrencesOf", () => {
  it("finds whole words only, with 0-based lines and UTF-16 columns", () => {
    const text = "area(areas);\nlet total_area = area + café_area;\n😀 area\n";
    expect(occurrencesOf(text, "area", "rust")).toEqual([[0, 0], [1, 17], [2, 3]]);
  });

  it("treats $ as part of a name in JavaScript, as a sigil in shell", () => {
    expect(occurrencesOf("x = $name + name", "name", "javascript")).toEqual([[0, 12]]);
    expect(occurrencesOf('echo "$name" name', "name", "shell")).toEqual([[0, 7], [0, 13]]);
  });

  it("stops at the limit", () => {
    expect(occurrencesOf("a a a a", "a", "go", 2)).toHaveLength(2);
  });
});

describe("identifierAt", () => {
  it("takes the word under the column, or the one just before it", () => {
    expect(identifierAt("  total_area(x)", 5, "rust")).toEqual({ name: "total_area", start: 2, end: 12 });
    expect(identifierAt("  total_area(x)", 12, "rust")?.name).toBe("total_area");
    expect(identifierAt("a + 12", 4, "go")).toBeNull();
    expect(identifierAt("   ", 1, "go")).toBeNull();
  });
});

describe("docCommentOf", () => {
  it("reads /// lines above a Rust item, past its attributes", () => {
    const lines = ["/// A circle.", "/// Never negative.", "#[derive(Debug)]", "pub struct Circle {", "}"];
    expect(docCommentOf(lines, at(3), "rust")).toBe("A circle.\nNever negative.");
  });

  it("reads a JSDoc block above a decorated class", () => {
    const lines = ["/**", " * Renders widgets.", " * @public", " */", "@Component()", "export class Widget {}"];
    expect(docCommentOf(lines, at(5), "typescript")).toBe("Renders widgets.\n@public");
  });

  it("prefers a Python docstring, over a multi-line header", () => {
    const lines = ["# not this", "def area(", "    r: float,", ") -> float:", '    """The area.', "", "    In square units.", '    """', "    return r"];
    expect(docCommentOf(lines, at(1), "python")).toBe("The area.\n\nIn square units.");
  });

  it("says nothing when a blank line separates the comment", () => {
    expect(docCommentOf(["// unrelated", "", "func Area() {}"], at(2), "go")).toBeUndefined();
  });
});

describe("importedModules / isImported", () => {
  it("reads each language's imports loosely", () => {
    const ts = importedModules('import { a } from "./lib/shapes.js";\nconst b = require("../util");', "typescript");
    expect(isImported("src/lib/shapes.ts", ts)).toBe(true);
    expect(isImported("util/index.ts", ts)).toBe(true);
    expect(isImported("src/other.ts", ts)).toBe(false);
    const rs = importedModules("mod report;\nuse crate::geometry::shapes::{total_area, Circle};\n", "rust");
    expect(isImported("src/geometry/shapes.rs", rs)).toBe(true);
    expect(isImported("src/report.rs", rs)).toBe(true);
    expect(isImported("src/old.rs", rs)).toBe(false);
    const go = importedModules('import (\n\t"fmt"\n\n\t"example.com/geo/geometry"\n)\n', "go");
    expect(isImported("geometry/area.go", go)).toBe(true);
    const py = importedModules("from .shapes import Circle\nimport os.path\n", "python");
    expect(isImported("pkg/shapes.py", py)).toBe(true);
  });
});
