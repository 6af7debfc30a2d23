// Where the words of an identifier start: the one rule behind humps (`gus` = getUserService) and
// the fuzzy tier's word-start bonus, so both split a name the same way.

/**
 * 1 where a word starts: after a separator (anything not a letter or digit), at a lower-to-upper
 * change, and at the last capital of a capital run followed by a lowercase letter
 * (`HTTPServer` = HTTP + Server). Digits stay in their word. Letters without case (CJK, Thai, ...)
 * are letters that join their word, as in the file finder, never separators.
 */
export function wordStarts(name: string): Uint8Array {
  const out = new Uint8Array(name.length);
  let prev: number = SEP;
  for (let i = 0; i < name.length; i++) {
    const cls = charClass(name.charCodeAt(i));
    if (cls !== SEP) {
      if (prev === SEP) out[i] = 1;
      else if (cls === UPPER && prev === LOWER) out[i] = 1;
      else if (cls === UPPER && prev === UPPER && i + 1 < name.length && charClass(name.charCodeAt(i + 1)) === LOWER) out[i] = 1;
    }
    prev = cls === DIGIT ? (prev === SEP ? LOWER : prev) : cls;
  }
  return out;
}

const SEP = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function charClass(c: number): number {
  if (c >= 97 && c <= 122) return LOWER;
  if (c >= 65 && c <= 90) return UPPER;
  if (c >= 48 && c <= 57) return DIGIT;
  if (c < 128) return SEP;
  const ch = String.fromCharCode(c);
  const lower = ch.toLowerCase();
  if (lower === ch.toUpperCase()) return LOWER; // letters without case join their word
  return ch === lower ? LOWER : UPPER;
}
