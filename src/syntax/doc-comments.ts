// A declaration's documentation from its source text alone: the comment block right above it
// (decorators and attributes in between are skipped), or for Python the docstring that opens
// its body (preferred over comments above, as Python tools read it).
//
//   docCommentOf(lines, symbol, language) → the comment's text without its markers, or undefined
import type { FlatSymbol } from "../symbols/types.js";
import type { SyntaxLanguage } from "./languages.js";

/** Languages whose comments start with `#`; the others use `//` and `/* *\/`. PHP takes both. */
const HASH_COMMENTS = new Set<SyntaxLanguage>(["python", "ruby", "shell", "powershell", "php"]);
const SLASH_COMMENTS = new Set<SyntaxLanguage>(["typescript", "tsx", "javascript", "c", "cpp", "go", "rust", "java", "csharp", "php"]);

/** Lines between a doc comment and what it documents: `@decorator`, Rust's `#[attr]`, C#'s `[Attr]`. */
function isAttribute(line: string, language: SyntaxLanguage): boolean {
  if (/^\s*@[\w.]+/.test(line)) return true;
  if (language === "rust") return /^\s*#!?\[/.test(line);
  return language === "csharp" && /^\s*\[[\w.]+(\(.*\))?\]\s*$/.test(line);
}

const MAX_DOC_LINES = 60;

export function docCommentOf(lines: readonly string[], symbol: Pick<FlatSymbol, "range" | "selectionRange">, language: SyntaxLanguage): string | undefined {
  if (language === "python") {
    const doc = docstringOf(lines, symbol.selectionRange.start.line);
    if (doc) return doc;
  }
  let at = Math.min(symbol.range.start.line, symbol.selectionRange.start.line) - 1;
  while (at >= 0 && isAttribute(lines[at]!, language)) at--;
  if (at < 0) return undefined;
  const above = lines[at]!.trim();
  if (SLASH_COMMENTS.has(language) && above.endsWith("*/")) return blockCommentEndingAt(lines, at);
  const prefix = SLASH_COMMENTS.has(language) && above.startsWith("//") ? "//" : HASH_COMMENTS.has(language) && above.startsWith("#") ? "#" : undefined;
  if (!prefix) return undefined;
  const collected: string[] = [];
  for (let i = at; i >= 0 && collected.length < MAX_DOC_LINES; i--) {
    const t = lines[i]!.trim();
    if (!t.startsWith(prefix) || (prefix === "#" && (t.startsWith("#!") || t.startsWith("#include")))) break;
    collected.unshift(t.replace(/^(\/\/[/!]?|#+)\s?/, ""));
  }
  return tidy(collected);
}

function blockCommentEndingAt(lines: readonly string[], end: number): string | undefined {
  const collected: string[] = [];
  for (let i = end; i >= 0 && end - i < MAX_DOC_LINES; i--) {
    const t = lines[i]!.trim();
    const opens = t.indexOf("/*");
    collected.unshift(opens >= 0 ? t.slice(opens) : t);
    if (opens >= 0) {
      const body = collected.map((l) => l.replace(/^\/\*+!?\s?/, "").replace(/\s*\*+\/$/, "").replace(/^\*(?!\/)\s?/, ""));
      return tidy(body);
    }
  }
  return undefined;
}

/** A docstring: the first statement of the body after the header (which may span lines) ends with `:`. */
function docstringOf(lines: readonly string[], nameLine: number): string | undefined {
  let header = nameLine;
  while (header < lines.length && header - nameLine < 20 && !/:\s*(#.*)?$/.test(lines[header]!)) header++;
  let first = header + 1;
  while (first < lines.length && lines[first]!.trim() === "") first++;
  const opening = /^\s*[rRuUbB]?("""|''')/.exec(lines[first] ?? "");
  if (!opening) return undefined;
  const quote = opening[1]!;
  const startText = lines[first]!.slice(opening[0].length);
  const closeOnFirst = startText.indexOf(quote);
  if (closeOnFirst >= 0) return tidy([startText.slice(0, closeOnFirst)]);
  const body = [startText];
  for (let i = first + 1; i < lines.length && i - first < MAX_DOC_LINES; i++) {
    const close = lines[i]!.indexOf(quote);
    if (close >= 0) {
      body.push(lines[i]!.slice(0, close));
      return tidy(dedent(body));
    }
    body.push(lines[i]!);
  }
  return tidy(dedent(body));
}

function dedent(body: string[]): string[] {
  const indents = body.slice(1).filter((l) => l.trim() !== "").map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return [body[0]!.trim(), ...body.slice(1).map((l) => l.slice(cut).trimEnd())];
}

function tidy(lines: string[]): string | undefined {
  const text = lines.join("\n").trim();
  return text === "" ? undefined : text;
}
