// A file's declarations from its syntax alone: parse with tree-sitter, run the language's query
// (queries.ts), nest the captures by their ranges.
//
//   extract(text, language) → Promise<SyntaxExtraction>
//
// The symbols have the symbol cache's shape (FlatSymbol: parent indexes into the same array,
// containerName resolved), in document order, so the cache can store them as they are with
// source "syntax". Positions are 0-based LSP positions with UTF-16 columns (web-tree-sitter
// parses a JS string as UTF-16, so its columns already are).
import type { Node, QueryCapture } from "web-tree-sitter";
import { declaredKind } from "../symbols/symbol-kinds.js";
import type { FlatSymbol, LspRange } from "../symbols/types.js";
import { grammarFor } from "./grammars.js";
import type { SyntaxLanguage } from "./languages.js";
import { SYNTAX_KINDS, type SyntaxKindName } from "./queries.js";

export interface SyntaxExtraction {
  source: "syntax";
  language: SyntaxLanguage;
  symbols: FlatSymbol[];
  /**
   * The parser recovered from syntax errors (or macros it cannot read): declarations near them
   * may be missing. The symbols found are still real.
   */
  partial: boolean;
}

/** One matched declaration before nesting. */
interface Declaration {
  pattern: number;
  kind: SyntaxKindName;
  node: Node;
  name: Node;
  container: string | null;
}

export async function extract(text: string, language: SyntaxLanguage): Promise<SyntaxExtraction> {
  const { parser, query } = await grammarFor(language);
  const tree = parser.parse(text);
  if (!tree) throw new Error(`the ${language} parser returned no tree`);
  try {
    const declarations = new Map<number, Declaration>();
    for (const match of query.matches(tree.rootNode)) {
      const d = declarationOf(match.patternIndex, match.captures);
      if (!d) continue;
      // The same name caught by several patterns: the one written first is the specific one.
      const seen = declarations.get(d.name.id);
      if (!seen || d.pattern < seen.pattern) declarations.set(d.name.id, d);
    }
    return { source: "syntax", language, symbols: nest([...declarations.values()], text), partial: tree.rootNode.hasError };
  } finally {
    tree.delete();
  }
}

function declarationOf(pattern: number, captures: QueryCapture[]): Declaration | undefined {
  let kind: SyntaxKindName | undefined;
  let node: Node | undefined;
  let name: Node | undefined;
  let container: string | null = null;
  for (const c of captures) {
    if (c.name === "name") name = c.node;
    else if (c.name === "container") container = c.node.text;
    else if (c.name.startsWith("definition.")) {
      kind = c.name.slice("definition.".length) as SyntaxKindName;
      node = c.node;
    }
  }
  if (!kind || !node || !name || !(kind in SYNTAX_KINDS) || name.text.length === 0) return undefined;
  return { pattern, kind, node, name, container };
}

/**
 * Orders the declarations and gives each its enclosing one: the innermost declaration whose
 * range holds it and whose name comes before it (`typedef struct list {...} list_t;` holds
 * `struct list` but names it after, so list_t is not its container). Scopes name what they hold
 * but are not symbols themselves. Kinds follow the one kind rule (symbol-kinds.ts), as a
 * server's outline does.
 */
function nest(declarations: Declaration[], text: string): FlatSymbol[] {
  let lines: string[] | undefined;
  declarations.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex);
  const symbols: FlatSymbol[] = [];
  const open: { end: number; nameStart: number; name: string; symbol: number | null }[] = [];
  for (const d of declarations) {
    while (open.length > 0 && open[open.length - 1]!.end < d.node.endIndex) open.pop();
    const holders = open.filter((o) => o.nameStart <= d.node.startIndex);
    const enclosing = holders[holders.length - 1];
    const parent = holders.findLast((o) => o.symbol !== null)?.symbol ?? null;
    const syntaxKind = SYNTAX_KINDS[d.kind];
    let index: number | null = null;
    if (syntaxKind !== null) {
      index = symbols.length;
      const selectionRange = rangeOf(d.name);
      const parentKind = parent === null ? undefined : symbols[parent]!.kind;
      symbols.push({
        name: d.name.text,
        kind: declaredKind(syntaxKind, { parentKind, lines: (lines ??= text.split("\n")), nameEnd: selectionRange.end }),
        container: d.container ?? enclosing?.name ?? null,
        detail: null,
        range: rangeOf(d.node),
        selectionRange,
        parent,
      });
    }
    open.push({ end: d.node.endIndex, nameStart: d.name.startIndex, name: d.name.text, symbol: index });
  }
  return symbols;
}

function rangeOf(node: Node): LspRange {
  const s = node.startPosition;
  const e = node.endPosition;
  return { start: { line: s.row, character: s.column }, end: { line: e.row, character: e.column } };
}
