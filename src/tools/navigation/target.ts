// Turns a tool's input (file + line/column, or file + symbol name) into an LSP
// position, with a clear error for each way the input can be wrong.

import type { DocumentSymbol, Position } from "vscode-languageserver-protocol";
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
  const read = readSourceTextSync(confined.absPath);
  if (!read.ok) {
    const hint = read.reason === "not_regular" ? "; give a source file" : "";
    throw new ToolError(read.reason === "not_found" ? "not_found" : "invalid_input", refusalMessage(read, file) + hint);
  }
  return confined;
}

/**
 * Resolves the target, starting the file's server and waiting for its project load first
 * (reported through `report`). Without a column, the position is the name the line declares
 * (documentSymbol's selectionRange), else its first identifier that is not a keyword: a hover
 * on `export function f` asks about `f`, not `export`.
 */
export async function resolveTarget(
  deps: NavigationDeps,
  input: { file?: unknown; line?: unknown; column?: unknown; symbol?: unknown },
  signal: AbortSignal,
  report?: QueryProgress,
): Promise<ResolvedTarget> {
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
  await deps.pool.warmUp(file.absPath, { signal, onProgress: report });
  if (typeof input.symbol === "string") {
    const symbols = await deps.pool.documentSymbols(file.absPath, signal);
    const text = await deps.pool.documentText(file.absPath, signal);
    const found = findSymbol(symbols, input.symbol.trim(), line);
    if (!found) throw unknownSymbol(file.relPath, input.symbol.trim(), symbols);
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
  const text = await deps.pool.documentText(file.absPath, signal);
  const lineText = lineAt(text, line! - 1);
  if (lineText === undefined) throw new ToolError("invalid_input", `line ${line} is past the end of ${file.relPath} (${splitLines(text).length} lines)`);
  const width = columnCount(lineText);
  if (column !== undefined && column > width + 1) throw new ToolError("invalid_input", `column ${column} is past the end of line ${line} of ${file.relPath} (${width} columns)`);
  const character = column !== undefined ? columnToUtf16(lineText, column) : await defaultCharacter(deps, file.absPath, line! - 1, lineText, signal);
  return { ...file, position: { line: line! - 1, character }, line: line!, column: utf16ToColumn(lineText, character), text };
}

/** Where a line-only target points: the leftmost name declared on the line, else the first non-keyword identifier, else the first non-blank. */
async function defaultCharacter(deps: NavigationDeps, absPath: string, line0: number, lineText: string, signal: AbortSignal): Promise<number> {
  let symbols: DocumentSymbol[] = [];
  try {
    symbols = await deps.pool.documentSymbols(absPath, signal);
  } catch (e) {
    // Without an outline (a server without documentSymbol) the identifier scan below still applies.
    if (signal.aborted) throw e;
  }
  // Only symbols whose name is written there: tsserver also lists anonymous ones ("reduce() callback" at its `(`).
  const declared = namedSymbols(symbols)
    .filter(({ symbol: s }) => s.selectionRange.start.line === line0 && namesAt(lineText, s.selectionRange.start.character, s.name))
    .map((s) => s.symbol.selectionRange.start)
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

/** The outline flattened parents first (as the symbol cache stores it), each with its dotted path. */
function namedSymbols(symbols: DocumentSymbol[]): NamedSymbol[] {
  const paths: string[] = [];
  return flattenSymbols(symbols).map((symbol) => {
    const path = symbol.parent === null ? symbol.name : `${paths[symbol.parent]}.${symbol.name}`;
    paths.push(path);
    return { symbol, path };
  });
}

/** Exact qualified match, then a match on the last name parts, then case-insensitively; `line` breaks ties. */
function findSymbol(symbols: DocumentSymbol[], wanted: string, line: number | undefined): NamedSymbol | undefined {
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

function unknownSymbol(relPath: string, wanted: string, symbols: DocumentSymbol[]): ToolError {
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
