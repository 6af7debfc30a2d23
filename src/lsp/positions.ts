// Column conversion between what people see and what LSP counts.
//
// Decision: a user-facing column counts grapheme clusters (Intl.Segmenter), so an
// emoji with a skin-tone modifier or a flag is one column, as is a CJK character;
// columns and lines are 1-based. LSP positions are 0-based UTF-16 code units.

const segmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

// Printable ASCII and tabs: one code unit per grapheme, so no segmentation is needed.
const SIMPLE = /^[\t\x20-\x7e]*$/;

/** 1-based grapheme column → 0-based UTF-16 offset in `line`. Columns past the end clamp to the line's end. */
export function columnToUtf16(line: string, column: number): number {
  if (column <= 1) return 0;
  if (SIMPLE.test(line)) return Math.min(column - 1, line.length);
  let seen = 1;
  for (const seg of segmenter.segment(line)) {
    if (seen === column) return seg.index;
    seen++;
  }
  return line.length;
}

/** 0-based UTF-16 offset in `line` → 1-based grapheme column. An offset inside a cluster maps to that cluster. */
export function utf16ToColumn(line: string, character: number): number {
  if (character <= 0) return 1;
  if (SIMPLE.test(line)) return Math.min(character, line.length) + 1;
  let column = 0;
  for (const seg of segmenter.segment(line)) {
    if (seg.index >= character) return column + 1;
    column++;
    if (seg.index + seg.segment.length > character) return column;
  }
  return column + 1;
}

/** Number of user-visible columns in a line. */
export function columnCount(line: string): number {
  if (SIMPLE.test(line)) return line.length;
  let n = 0;
  for (const _ of segmenter.segment(line)) n++;
  return n;
}

/** Splits text into lines the way LSP does (\n, \r\n and \r all end a line). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Line `index` (0-based) of `text` without splitting the whole text; undefined past the end. */
export function lineAt(text: string, index: number): string | undefined {
  let start = 0;
  for (let i = 0; i < index; i++) {
    const next = nextLineStart(text, start);
    if (next < 0) return undefined;
    start = next;
  }
  let end = start;
  while (end < text.length) {
    const c = text.charCodeAt(end);
    if (c === 10 || c === 13) break;
    end++;
  }
  return text.slice(start, end);
}

function nextLineStart(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return i + 1;
    if (c === 13) return text.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
  }
  return -1;
}
