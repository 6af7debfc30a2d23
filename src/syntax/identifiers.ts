// Names in source text without a parse: the identifier under a position, and every whole-word
// occurrence of a name (search-based navigation's "references"). A match inside a longer
// identifier (`area` in `total_area`, `areas`) is not an occurrence.
//
//   identifierAt(lineText, character, language) → { name, start, end } | null   UTF-16 columns
//   occurrencesOf(text, name, language)         → [line, character][]          0-based, UTF-16
//   languageFamily(language)                    → the languages whose files can name each other's declarations
import type { SyntaxLanguage } from "./languages.js";

/** `$` is part of a name in JS/TS and Java; elsewhere it is a sigil (`$name` in shell and PHP names `name`). */
function dollarIsPart(language: SyntaxLanguage | null): boolean {
  return language === "typescript" || language === "tsx" || language === "javascript" || language === "java";
}

const WORD = /[\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}]/u;

function isNameChar(ch: string | undefined, dollar: boolean): boolean {
  return ch !== undefined && (WORD.test(ch) || (dollar && ch === "$"));
}

/** The code point ending just before UTF-16 index `i` (a surrogate pair is one character). */
function charBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const low = text.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && i >= 2 ? text.slice(i - 2, i) : text[i - 1];
}

function charAt(text: string, i: number): string | undefined {
  const cp = text.codePointAt(i);
  return cp === undefined ? undefined : String.fromCodePoint(cp);
}

export interface IdentifierSpan {
  name: string;
  /** UTF-16 columns: [start, end). */
  start: number;
  end: number;
}

/**
 * The identifier covering `character`, or ending right before it (a cursor just after a word).
 * Digits alone are not a name.
 */
export function identifierAt(lineText: string, character: number, language: SyntaxLanguage | null): IdentifierSpan | null {
  const dollar = dollarIsPart(language);
  let at = Math.max(0, Math.min(character, lineText.length));
  if (!isNameChar(charAt(lineText, at), dollar)) {
    if (!isNameChar(charBefore(lineText, at), dollar)) return null;
    at -= charBefore(lineText, at)!.length;
  }
  let start = at;
  while (isNameChar(charBefore(lineText, start), dollar)) start -= charBefore(lineText, start)!.length;
  let end = at;
  while (end < lineText.length && isNameChar(charAt(lineText, end), dollar)) end += charAt(lineText, end)!.length;
  const name = lineText.slice(start, end);
  return /^[\p{N}]/u.test(name) ? null : { name, start, end };
}

/** Whole-word occurrences of `name` in `text`, in order; `limit` stops the scan early. */
export function occurrencesOf(text: string, name: string, language: SyntaxLanguage | null, limit = Infinity): [number, number][] {
  const found: [number, number][] = [];
  if (name.length === 0) return found;
  const dollar = dollarIsPart(language);
  let line = 0;
  let lineStart = 0;
  let newline = text.indexOf("\n");
  for (let i = text.indexOf(name); i >= 0 && found.length < limit; i = text.indexOf(name, i + name.length)) {
    if (isNameChar(charBefore(text, i), dollar) || isNameChar(charAt(text, i + name.length), dollar)) continue;
    while (newline >= 0 && newline < i) {
      line++;
      lineStart = newline + 1;
      newline = text.indexOf("\n", lineStart);
    }
    found.push([line, i - lineStart]);
  }
  return found;
}

/** Files of one family can use each other's names: a .ts file imports from .js, a .cpp file includes a .h. */
export function languageFamily(language: SyntaxLanguage): readonly SyntaxLanguage[] {
  if (language === "typescript" || language === "tsx" || language === "javascript") return ["typescript", "tsx", "javascript"];
  if (language === "c" || language === "cpp") return ["c", "cpp"];
  return [language];
}
