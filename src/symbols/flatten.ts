// Turns a documentSymbol tree into the flat, parent-linked rows the store keeps.
import { declaredKind } from "./symbol-kinds.js";
import type { SourceSymbol } from "./symbol-source.js";
import type { FlatSymbol } from "./types.js";

/**
 * Depth-first, parents before children; `container` is the parent's name; kinds evened out by
 * declaredKind, and, given the file's text, by functionValued.
 */
export function flattenSymbols(tree: readonly SourceSymbol[], text?: string): FlatSymbol[] {
  const out: FlatSymbol[] = [];
  let lines: string[] | undefined;
  const visit = (nodes: readonly SourceSymbol[], parent: number | null) => {
    for (const n of nodes) {
      if (!n || typeof n.name !== "string" || !n.range || !n.selectionRange) continue;
      const index = out.length;
      let kind = declaredKind(n.kind, parent === null ? undefined : out[parent]!.kind);
      if (text !== undefined && VALUE_KINDS.has(kind) && functionValued((lines ??= text.split("\n")), n.selectionRange.end)) kind = kind === 7 || kind === 8 ? 6 : 12;
      out.push({
        name: n.name,
        kind,
        container: parent === null ? null : out[parent]!.name,
        detail: n.detail ? n.detail.slice(0, 500) : null,
        range: n.range,
        selectionRange: n.selectionRange,
        parent,
      });
      if (n.children && n.children.length > 0) visit(n.children, index);
    }
  };
  visit(tree, null);
  return out;
}

const VALUE_KINDS = new Set([7, 8, 13, 14]); // property, field, variable, constant

/**
 * Whether the name ending at `end` is assigned a function (`export const f = () =>`,
 * `const f = async function`, `f = lambda x: ...`): servers call it a constant or variable
 * (a property in a class), but people look for it as a function (a method).
 */
function functionValued(lines: string[], end: { line: number; character: number }): boolean {
  const line = lines[end.line];
  if (line === undefined) return false;
  let rest = line.slice(end.character);
  for (let i = end.line + 1; rest.length < 300 && i < lines.length && i <= end.line + 3; i++) rest += "\n" + lines[i];
  return FUNCTION_VALUE.test(rest);
}

// `=` (after an optional type annotation), then `function`, `lambda`, `(params) =>`, `x =>` or a generic arrow `<T>(`.
const FUNCTION_VALUE = /^\s*(?::[^=;]*?)?=\s*(?:async\b\s*)?(?:function\b|lambda\b|\([^)]*\)\s*(?::[^=;{]*)?=>|[A-Za-z_$][\w$]*\s*=>|<[^;{}]*?>\s*\()/;
