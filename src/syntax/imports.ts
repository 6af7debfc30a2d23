// What a file imports, read from its text with one or two patterns per language (no parse, no
// module resolution): enough to rank "a declaration in a file this one imports" above one in an
// unrelated file. Loose on purpose: a false match only moves a candidate up the list.
//
//   importedModules(text, language) → module names: "shapes", "geometry", ["crate","shapes","Circle"] → the last parts
//   isImported(path, modules)       → whether the file at `path` (root-relative) is plausibly one of them
import { basename, dirname, extname } from "node:path";
import type { SyntaxLanguage } from "./languages.js";

/** A specifier is a path (`./lib/shapes.js`, `"geometry/area.h"`) or a dotted name (`a.b.C`, `crate::shapes::Circle`). */
type Style = "path" | "dotted";

const PATTERNS: Partial<Record<SyntaxLanguage, [RegExp, Style][]>> = {
  typescript: [[/\bfrom\s*["']([^"']+)["']|\bimport\s*\(?\s*["']([^"']+)["']|\brequire\s*\(\s*["']([^"']+)["']/g, "path"]],
  python: [[/^\s*from\s+([\w.]+)\s+import\s+([\w, ]+)|^\s*import\s+([\w.]+)/gm, "dotted"]],
  c: [[/^\s*#\s*include\s*["<]([^">]+)[">]/gm, "path"]],
  go: [[/^\s*import\s+(?:[\w.]+\s+)?"([^"]+)"|^\s*(?:[\w.]+\s+)?"([^"]+)"\s*$/gm, "path"]],
  rust: [[/^\s*(?:pub(?:\([\w ]+\))?\s+)?use\s+([\w:]+)|^\s*(?:pub\s+)?mod\s+(\w+)\s*;/gm, "dotted"]],
  java: [[/^\s*import\s+(?:static\s+)?([\w.]+)/gm, "dotted"]],
  csharp: [[/^\s*using\s+(?:static\s+)?([\w.]+)\s*;/gm, "dotted"]],
  ruby: [[/\brequire(?:_relative)?\s*\(?\s*["']([^"']+)["']/g, "path"]],
  php: [[/^\s*use\s+([\w\\]+)/gm, "dotted"], [/\b(?:require|include)(?:_once)?\s*\(?\s*["']([^"']+)["']/g, "path"]],
  shell: [[/^\s*(?:source|\.)\s+["']?([^\s"';]+)/gm, "path"]],
};
PATTERNS.tsx = PATTERNS.javascript = PATTERNS.typescript;
PATTERNS.cpp = PATTERNS.c;

/** Names that stand for their folder (`lib/index.ts`, `shapes/mod.rs`, `pkg/__init__.py`). */
const FOLDER_FILES = new Set(["index", "mod", "__init__", "lib", "main"]);

export function importedModules(text: string, language: SyntaxLanguage): Set<string> {
  const modules = new Set<string>();
  for (const [pattern, style] of PATTERNS[language] ?? []) {
    for (const m of text.matchAll(pattern)) {
      for (const spec of m.slice(1)) {
        if (!spec) continue;
        // `from a.b import c, d`: the imported names may be modules too.
        if (style === "dotted" && spec.includes(",")) for (const n of spec.split(",")) modules.add(n.trim());
        for (const part of lastParts(spec.trim(), style)) modules.add(part);
      }
    }
  }
  modules.delete("");
  return modules;
}

/** A path names its last part (extension dropped); a dotted name its last two (`a::shapes::Circle` is in `shapes`). */
function lastParts(spec: string, style: Style): string[] {
  if (style === "path") {
    const parts = spec.replace(/\.[\w]+$/, "").split("/").filter((p) => p !== "." && p !== "..");
    return parts.slice(-1);
  }
  return spec.split(/::|\.|\\/).filter((p) => p && p !== "crate" && p !== "self" && p !== "super").slice(-2);
}

export function isImported(path: string, modules: ReadonlySet<string>): boolean {
  if (modules.size === 0) return false;
  const stem = basename(path, extname(path));
  const folder = basename(dirname(path));
  return modules.has(stem) || (FOLDER_FILES.has(stem) && modules.has(folder)) || modules.has(folder);
}
