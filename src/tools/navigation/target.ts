// Turns a tool's input (file + line/column, or file + symbol name) into an LSP
// position, with a clear error for each way the input can be wrong.

import type { Position } from "vscode-languageserver-protocol";
import { flattenSymbols } from "../../symbols/flatten.js";
import type { FlatSymbol } from "../../symbols/types.js";
import { kindName } from "../../symbols/symbol-kinds.js";
import { editDistance } from "../../workspace/edit-distance.js";
import { confinePath } from "../../workspace/paths.js";
import type { QueryProgress } from "../../lsp/pool.js";
import { readSourceTextSync, refusalMessage } from "../../workspace/source-text.js";
import { columnCount, columnToUtf16, lineAt, splitLines, utf16ToColumn } from "../../lsp/positions.js";
import { ToolError } from "../../core/tool.js";
import { MAX_NAME_CHARS, type NavigationDeps } from "./common.js";

export interface ResolvedFile {
  root: string;
  absPath: string;
  relPath: string;
}

export interface ResolvedTarget extends ResolvedFile {
  /** LSP position (0-based line, UTF-16 character). */
  position: Position;
  /** User position (1-based line, grapheme column). */
  line: number;
  column: number;
  /** Set when the target came from a symbol name. */
  symbol?: { name: string; kind: string };
  /** The file's text as the server has it. */
  text: string;
}

/** Confines the path to the roots and refuses what is not source text (see workspace/source-text.ts). */
export function resolveSourceFile(deps: NavigationDeps, file: unknown): ResolvedFile {
  if (typeof file !== "string" || file.trim() === "") throw new ToolError("invalid_input", "`file` is required: a path relative to a project root or absolute inside one");
  const confined = confinePath(file, deps.roots);
  const read = readSourceTextSync(confined.absPath, deps.roots);
  if (!read.ok) {
    const hint = read.reason === "not_regular" ? "; give a source file" : "";
    throw new ToolError(read.reason === "not_found" ? "not_found" : "invalid_input", refusalMessage(read, file) + hint);
  }
  return confined;
}

/** A target input checked before any server is asked: the file and what in it. */
export interface CheckedTarget {
  file: ResolvedFile;
  line?: number;
  column?: number;
  symbol?: string;
}

export type TargetInputFields = { file?: unknown; line?: unknown; column?: unknown; symbol?: unknown };

export function checkTarget(deps: NavigationDeps, input: TargetInputFields): CheckedTarget {
  const file = resolveSourceFile(deps, input.file);
  const line = optionalPositiveInt(input.line, "line");
  const column = optionalPositiveInt(input.column, "column");
  if (input.symbol !== undefined && (typeof input.symbol !== "string" || input.symbol.trim() === "")) {
    throw new ToolError("invalid_input", "`symbol` must be a non-empty name such as `render` or `Widget.render`");
  }
  if (typeof input.symbol === "string" && input.symbol.length > MAX_NAME_CHARS) {
    throw new ToolError("invalid_input", `\`symbol\` must have at most ${MAX_NAME_CHARS} characters (got ${input.symbol.length})`);
  }
  if (typeof input.symbol !== "string" && line === undefined) throw new ToolError("invalid_input", "give either `line` (and optionally `column`) or `symbol`");
  return { file, line, column, symbol: typeof input.symbol === "string" ? input.symbol.trim() : undefined };
}

/**
 * Resolves the target, starting the file's server and waiting for its project load first
 * (reported through `report`). Without a column, the position is the name the line declares
 * (documentSymbol's selectionRange), else its first identifier that is not a keyword: a hover
 * on `export function f` asks about `f`, not `export`.
 */
export async function resolveTarget(deps: NavigationDeps, input: TargetInputFields, signal: AbortSignal, report?: QueryProgress): Promise<ResolvedTarget> {
  const checked = checkTarget(deps, input);
  const { absPath } = checked.file;
  await deps.pool.warmUp(absPath, { signal, onProgress: report });
  const outline = async (): Promise<FlatSymbol[]> => {
    try {
      const tree = await deps.pool.documentSymbols(absPath, signal);
      return flattenSymbols(tree, await deps.pool.documentText(absPath, signal));
    } catch (e) {
      // A name is looked up in the outline, so without one that fails; a line-only target still has the identifier scan.
      if (signal.aborted || checked.symbol !== undefined) throw e;
      return [];
    }
  };
  const symbols = checked.symbol !== undefined ? await outline() : undefined;
  const text = await deps.pool.documentText(absPath, signal);
  return locateTarget(checked, text, symbols ?? outline);
}

/**
 * The same rules over a text and an outline given by the caller (the syntax tier's, when no
 * server answers): `outline` is the file's declarations, or a function that fetches them when
 * a line-only target needs them.
 */
export async function locateTarget(checked: CheckedTarget, text: string, outline: FlatSymbol[] | (() => Promise<FlatSymbol[]>)): Promise<ResolvedTarget> {
  const { file, line, column } = checked;
  const symbolsOf = async () => (typeof outline === "function" ? await outline() : outline);
  if (checked.symbol !== undefined) {
    const symbols = await symbolsOf();
    const found = findSymbol(symbols, checked.symbol, line);
    if (!found) throw unknownSymbol(file.relPath, checked.symbol, symbols);
    const pos = found.symbol.selectionRange.start;
    const lineText = lineAt(text, pos.line) ?? "";
    return {
      ...file,
      position: pos,
      line: pos.line + 1,
      column: utf16ToColumn(lineText, pos.character),
      symbol: { name: found.path, kind: kindName(found.symbol.kind) },
      text,
    };
  }
  const lineText = lineAt(text, line! - 1);
  if (lineText === undefined) throw new ToolError("invalid_input", `line ${line} is past the end of ${file.relPath} (${splitLines(text).length} lines)`);
  const width = columnCount(lineText);
  if (column !== undefined && column > width + 1) throw new ToolError("invalid_input", `column ${column} is past the end of line ${line} of ${file.relPath} (${width} columns)`);
  const character = column !== undefined ? columnToUtf16(lineText, column) : defaultCharacter(await symbolsOf(), line! - 1, lineText);
  return { ...file, position: { line: line! - 1, character }, line: line!, column: utf16ToColumn(lineText, character), text };
}

/** Where a line-only target points: the leftmost name declared on the line, else the first non-keyword identifier, else the first non-blank. */
function defaultCharacter(symbols: FlatSymbol[], line0: number, lineText: string): number {
  // Only symbols whose name is written there: tsserver also lists anonymous ones ("reduce() callback" at its `(`).
  const declared = symbols
    .filter((s) => s.selectionRange.start.line === line0 && namesAt(lineText, s.selectionRange.start.character, s.name))
    .map((s) => s.selectionRange.start)
    .sort((a, b) => a.character - b.character)[0];
  if (declared) return declared.character;
  for (const m of lineText.matchAll(IDENTIFIER)) if (!KEYWORDS.has(m[0])) return m.index;
  return /^\s*/.exec(lineText)![0].length;
}

const IDENTIFIER = /[\p{L}_$][\p{L}\p{N}_$]*/gu;
const IDENTIFIER_HERE = /[\p{L}_$][\p{L}\p{N}_$]*/uy;

/** True when the identifier at `character` starts `name` (names may be decorated: `area(const circle *)`). */
function namesAt(lineText: string, character: number, name: string): boolean {
  IDENTIFIER_HERE.lastIndex = character;
  const id = IDENTIFIER_HERE.exec(lineText)?.[0];
  return id !== undefined && name.startsWith(id);
}

/** Keywords of the languages codeintel serves that start declaration and statement lines. */
const KEYWORDS = new Set(
  (
    "abstract as async await break case catch class const continue declare def default del delete do elif else enum except export extends " +
    "extern final finally fn for from func function global if impl implements import in inline interface lambda let local module namespace " +
    "new nonlocal not or and pass private protected public pub raise readonly register return static struct switch then throw try type typedef " +
    "typeof union unsigned signed use var void volatile while with yield fi done esac elif"
  ).split(" "),
);

interface NamedSymbol {
  symbol: FlatSymbol;
  /** Dotted path of names from the outermost container. */
  path: string;
}

/**
 * Each declaration with its dotted path of names: through its parents, or its container when it
 * is declared outside it (a Go method's receiver, C++'s `void Widget::draw()`).
 */
function namedSymbols(symbols: FlatSymbol[]): NamedSymbol[] {
  const paths: string[] = [];
  return symbols.map((symbol) => {
    const path = symbol.parent !== null ? `${paths[symbol.parent]}.${symbol.name}` : symbol.container ? `${symbol.container}.${symbol.name}` : symbol.name;
    paths.push(path);
    return { symbol, path };
  });
}

/** Exact qualified match, then a match on the last name parts, then case-insensitively; `line` breaks ties. */
function findSymbol(symbols: FlatSymbol[], wanted: string, line: number | undefined): NamedSymbol | undefined {
  const all = namedSymbols(symbols);
  const normalised = wanted.replace(/::|#|\//g, ".");
  const tiers: ((s: NamedSymbol) => boolean)[] = [
    (s) => s.path === normalised,
    (s) => s.path.endsWith("." + normalised),
    (s) => s.path.toLowerCase() === normalised.toLowerCase() || s.path.toLowerCase().endsWith("." + normalised.toLowerCase()),
    // Servers decorate names (pyright: none; tsserver: `constructor`; clangd: `circle_area(const struct circle *)`).
    (s) => stripDecorations(s.symbol.name) === stripDecorations(normalised.split(".").pop()!),
  ];
  for (const tier of tiers) {
    const matches = all.filter(tier);
    if (matches.length === 0) continue;
    if (line !== undefined) {
      const onLine = matches.find((m) => m.symbol.range.start.line + 1 <= line && line <= m.symbol.range.end.line + 1);
      if (onLine) return onLine;
    }
    return matches[0];
  }
  return undefined;
}

function stripDecorations(name: string): string {
  return name.replace(/\(.*$/, "").trim().toLowerCase();
}

function unknownSymbol(relPath: string, wanted: string, symbols: FlatSymbol[]): ToolError {
  const names = [...new Set(namedSymbols(symbols).map((s) => s.path))];
  const w = wanted.toLowerCase();
  const closest = names
    .map((n) => ({ n, d: Math.min(editDistance(w, n.toLowerCase()), editDistance(w, n.split(".").pop()!.toLowerCase())) - (n.toLowerCase().includes(w) ? 2 : 0) }))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
    .slice(0, 8)
    .map((x) => x.n);
  const hint = closest.length > 0 ? ` Closest names: ${closest.join(", ")}.` : " The file declares no symbols.";
  return new ToolError("not_found", `no symbol named '${wanted}' in ${relPath}.${hint}`, { closest });
}

function optionalPositiveInt(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) throw new ToolError("invalid_input", `\`${name}\` must be a positive integer (1-based), got ${JSON.stringify(v)}`);
  return n;
}
