// Shared fixtures for the symbol cache tests: temp folders, a generated project and hand-made symbol lists.
import { join } from "node:path";
import type { FlatSymbol } from "../../src/symbols/types.js";
import { makeTree, removeTree } from "../support/tree.js";

export { tempDir } from "../support/tree.js";

/** A symbol at a line, optionally inside the symbol at index `parent`. */
export function sym(name: string, kind: number, line: number, parent: number | null = null, container: string | null = null): FlatSymbol {
  const r = { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  return { name, kind, container, detail: null, range: r, selectionRange: { start: { line, character: 2 }, end: { line, character: 2 + name.length } }, parent };
}

export function record(path: string, extra: Partial<{ size: number; mtimeMs: number; hash: string; fingerprint: string }> = {}) {
  return { path, language: "typescript", size: extra.size ?? 10, mtimeMs: extra.mtimeMs ?? 1, hash: extra.hash ?? "h-" + path, fingerprint: extra.fingerprint ?? "tsls@1#c" };
}

/**
 * A TypeScript project of `modules` files (an interface, a class with a method and a factory
 * each) at `root`, and a `cacheDir` path beside it (not made: the CLI makes it), under one temp
 * folder that `cleanup` removes.
 */
export function widgetProject(label: string, modules: number): { root: string; cacheDir: string; cleanup: () => void } {
  const files: Record<string, string> = { "project/tsconfig.json": JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }) };
  for (let i = 0; i < modules; i++) {
    files[`project/src/module${i}.ts`] =
      `export interface Shape${i} {\n  width: number;\n}\nexport class Widget${i} {\n  render${i}(): number {\n    return ${i};\n  }\n}\nexport function makeWidget${i}(): Widget${i} {\n  return new Widget${i}();\n}\n`;
  }
  const dir = makeTree(files, `codeintel-${label}-`);
  return { root: join(dir, "project"), cacheDir: join(dir, "cache"), cleanup: () => removeTree(dir) };
}
