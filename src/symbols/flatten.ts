// The one flattening of a documentSymbol tree, and the one outline order over the result: the
// live tools, the cache writer and the syntax tier all read symbols through here, with kinds
// evened out by the one kind rule (symbol-kinds.ts declaredKind), so a file's symbols are the
// same (name, kind, container, range) whichever of them answers.
//
//   flattenSymbols(tree, text?) → FlatSymbol[]      parents before children, kinds evened out
//   outlineOf(symbols)          → OutlineRow[]      siblings in source order, depth-first
import { declaredKind } from "./symbol-kinds.js";
import type { SourceSymbol } from "./symbol-source.js";
import type { FlatSymbol } from "./types.js";

/** A symbol's place in its file's outline. */
export interface OutlineRow {
  symbol: FlatSymbol;
  depth: number;
  /** Dotted names of the enclosing symbols (`Outer.Inner`), undefined at top level. */
  container: string | undefined;
}

/**
 * Depth-first, parents before children; `container` is the parent's name. Given the file's
 * text, the kind rule also sees what each name is assigned (`const f = () =>` is a function).
 */
export function flattenSymbols(tree: readonly SourceSymbol[], text?: string): FlatSymbol[] {
  const out: FlatSymbol[] = [];
  const lines = text === undefined ? undefined : text.split("\n");
  const visit = (nodes: readonly SourceSymbol[], parent: number | null) => {
    for (const n of nodes) {
      if (!n || typeof n.name !== "string" || !n.range || !n.selectionRange) continue;
      const index = out.length;
      out.push({
        name: n.name,
        kind: declaredKind(n.kind, { parentKind: parent === null ? undefined : out[parent]!.kind, lines, nameEnd: n.selectionRange.end }),
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

/** The outline a reader sees: siblings in the order they appear in the file, each followed by its children. */
export function outlineOf(symbols: readonly FlatSymbol[]): OutlineRow[] {
  const children = new Map<number | null, number[]>();
  symbols.forEach((s, i) => {
    const parent = s.parent !== null && s.parent >= 0 && s.parent < symbols.length ? s.parent : null;
    const list = children.get(parent) ?? [];
    list.push(i);
    children.set(parent, list);
  });
  const out: OutlineRow[] = [];
  const visit = (parent: number | null, depth: number, container: string | undefined) => {
    const ids = [...(children.get(parent) ?? [])].sort((a, b) => bySourceOrder(symbols[a]!, symbols[b]!));
    for (const i of ids) {
      const symbol = symbols[i]!;
      out.push({ symbol, depth, container });
      visit(i, depth + 1, container ? `${container}.${symbol.name}` : symbol.name);
    }
  };
  visit(null, 0, undefined);
  return out;
}

function bySourceOrder(a: FlatSymbol, b: FlatSymbol): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}
