// Shared fixtures for the symbol cache tests: temp folders and hand-made symbol lists.
import type { FlatSymbol } from "../../src/symbols/types.js";

export { tempDir } from "../support/tree.js";

/** A symbol at a line, optionally inside the symbol at index `parent`. */
export function sym(name: string, kind: number, line: number, parent: number | null = null, container: string | null = null): FlatSymbol {
  const r = { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
  return { name, kind, container, detail: null, range: r, selectionRange: { start: { line, character: 2 }, end: { line, character: 2 + name.length } }, parent };
}

export function record(path: string, extra: Partial<{ size: number; mtimeMs: number; hash: string; fingerprint: string }> = {}) {
  return { path, language: "typescript", size: extra.size ?? 10, mtimeMs: extra.mtimeMs ?? 1, hash: extra.hash ?? "h-" + path, fingerprint: extra.fingerprint ?? "tsls@1#c" };
}
