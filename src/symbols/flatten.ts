// Turns a documentSymbol tree into the flat, parent-linked rows the store keeps.
import { declaredKind } from "./symbol-kinds.js";
import type { SourceSymbol } from "./symbol-source.js";
import type { FlatSymbol } from "./types.js";

/** Depth-first, parents before children; `container` is the parent's name; kinds evened out by declaredKind. */
export function flattenSymbols(tree: readonly SourceSymbol[]): FlatSymbol[] {
  const out: FlatSymbol[] = [];
  const visit = (nodes: readonly SourceSymbol[], parent: number | null) => {
    for (const n of nodes) {
      if (!n || typeof n.name !== "string" || !n.range || !n.selectionRange) continue;
      const index = out.length;
      out.push({
        name: n.name,
        kind: declaredKind(n.kind, parent === null ? undefined : out[parent]!.kind),
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
