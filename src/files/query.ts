// fzf's extended search syntax and smart case, plus the path-aware scoring of one path against
// a parsed query. Shared by the match workers (UTF-8 bytes of the path table) and the main
// thread (UTF-16 strings, to compute highlight positions of the final results).
//
// Public surface:
//   parseQuery(query): ParsedQuery          space-separated terms (AND), `|` between terms (OR),
//                                          'exact  ^prefix  suffix$  ^equal$  !not  !'notfuzzy, `\ ` = literal space
//   extendsQuery(prev, next): boolean       every path matching `next` also matches `prev` (re-score prev's matches only)
//   couldMatch(q, enc, text, start, end): boolean   cheap prefilter (subsequence of every required term)
//   scorePath(q, enc, text, start, end, baseStart, isDir, positions): number   -1 = no match; higher is better
//                                          (the empty query: 1 for a file, 0 for a folder, files first)
//   BASENAME_BONUS                          added when a term matches inside the basename
//   normalizedCodes(path, q): Uint16Array    a path's UTF-16 units as the scorer sees them (Latin-normalised)
// A query ending in `/` asks for folders (wantsFolder); the `/` itself is not matched.
import {
  BONUS_BOUNDARY,
  equalScore,
  exactScore,
  fuzzyScore,
  isSubsequence,
  maxScoreOf,
  prefixScore,
  normalizeLatin,
  suffixScore,
  SCORE_MATCH,
  type Units,
} from "./fuzzy-score.js";
import {
  ALL_IN_BASENAME,
  FOLDER_UNNAMED,
  FOLDERS_THEN_NAME,
  INTENT_TEST_WORDS,
  isTestPath,
  NAME_IS_TERMS,
  nameBonus,
  nameIsTerms,
  nameStartOf,
  namesFolder,
  pathTailBonus,
  STEM_EQUAL,
  TEST_UNASKED,
  WHOLE_SEGMENT,
  wholeSegments,
} from "./path-rules.js";

export type TermKind = "fuzzy" | "exact" | "prefix" | "suffix" | "equal";

export interface Term {
  kind: TermKind;
  inverse: boolean;
  /** Case-folded when the query is case-insensitive. */
  text: string;
  utf8: Uint8Array;
  utf16: Uint16Array;
}

export interface ParsedQuery {
  raw: string;
  caseSensitive: boolean;
  /** AND of OR-groups. */
  groups: Term[][];
  /** Bits every candidate path must contain (from single-term, non-inverse groups); see charMask. */
  requiredMask: number;
  /** Terms every match must contain as a subsequence (single-term, non-inverse groups). */
  required: Term[];
  /** The last positive fuzzy or exact term (the one that names the file), if any. */
  last: Term | null;
  /** Two or more terms, each a group of its own, positive fuzzy or exact: what could spell a path's tail (PATH_TAIL). */
  pathTerms: { utf8: Uint8Array[]; utf16: Uint16Array[] } | null;
  /** The query ended in `/`: folders named by it are what is wanted. */
  wantsFolder: boolean;
  /** A term is a word that asks for tests (INTENT_TEST_WORDS): test paths are what is wanted. */
  wantsTests: boolean;
  empty: boolean;
}

export type Encoding = "utf8" | "utf16";

/** A basename match outranks the same match spread over folders (two extra matched chars' worth). */
export const BASENAME_BONUS = SCORE_MATCH * 2;

export function parseQuery(raw: string): ParsedQuery {
  const caseSensitive = raw !== raw.toLowerCase();
  const codes = Uint16Array.from(raw, (c) => c.charCodeAt(0));
  normalizeLatin(codes, !caseSensitive);
  let text = String.fromCharCode(...codes);
  if (!caseSensitive) text = text.toLowerCase();
  const trimmed = text.trimEnd();
  const wantsFolder = trimmed.length > 1 && trimmed.endsWith("/");
  if (wantsFolder) text = trimmed.slice(0, -1);
  const tokens = splitTokens(text);
  const groups: Term[][] = [];
  let joinNext = false;
  for (const token of tokens) {
    if (token === "|") {
      if (groups.length > 0) joinNext = true;
      continue;
    }
    const term = parseTerm(token);
    if (!term) continue;
    if (joinNext && groups.length > 0) groups[groups.length - 1]!.push(term);
    else groups.push([term]);
    joinNext = false;
  }
  let requiredMask = 0;
  for (const group of groups) {
    if (group.length === 1 && !group[0]!.inverse) requiredMask |= charMask(group[0]!.utf8, 0, group[0]!.utf8.length);
  }
  const required = groups.filter((g) => g.length === 1 && !g[0]!.inverse).map((g) => g[0]!);
  const named = required.filter((t) => t.kind === "fuzzy" || t.kind === "exact");
  const pathTerms = groups.length >= 2 && named.length === groups.length ? { utf8: named.map((t) => t.utf8), utf16: named.map((t) => t.utf16) } : null;
  const wantsTests = named.some((t) => INTENT_TEST_WORDS.includes(t.text.toLowerCase()));
  return { raw, caseSensitive, groups, requiredMask, required, last: named.at(-1) ?? null, pathTerms, wantsFolder, wantsTests, empty: groups.length === 0 };
}

/** A path's UTF-16 units as the scorer sees them: accented Latin letters as their base letter. */
export function normalizedCodes(path: string, q: ParsedQuery): Uint16Array {
  return latinCodes(path, !q.caseSensitive);
}

/** By UTF-16 unit, not by code point (a string's iterator): indices are UTF-16 offsets. */
function latinCodes(text: string, foldCase: boolean): Uint16Array {
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  normalizeLatin(codes, foldCase);
  return codes;
}

const utf8 = new TextDecoder();

export function extendsQuery(prev: ParsedQuery, next: ParsedQuery): boolean {
  if (prev.empty) return true;
  if (prev.caseSensitive && !next.caseSensitive) return false;
  if (next.groups.length < prev.groups.length) return false;
  // Each previous group must be implied by the group at the same place in the new query.
  for (let g = 0; g < prev.groups.length; g++) {
    const a = prev.groups[g]!;
    const b = next.groups[g]!;
    if (a.length !== 1 || b.length !== 1) {
      if (!sameGroup(a, b)) return false;
      continue;
    }
    if (!termImplies(b[0]!, a[0]!)) return false;
  }
  return true;
}

/** Does every path matching `b` match `a`? Conservative. */
function termImplies(b: Term, a: Term): boolean {
  if (a.inverse || b.inverse) return a.inverse === b.inverse && a.kind === b.kind && a.text === b.text;
  if (a.kind === "fuzzy") return b.text.includes(a.text) || (b.kind === "fuzzy" && isSubseqText(a.text, b.text));
  if (a.kind !== b.kind) return false;
  if (a.kind === "exact") return b.text.includes(a.text);
  if (a.kind === "prefix") return b.text.startsWith(a.text);
  if (a.kind === "suffix") return b.text.endsWith(a.text);
  return a.text === b.text;
}

function isSubseqText(needle: string, hay: string): boolean {
  let i = 0;
  for (let j = 0; j < hay.length && i < needle.length; j++) if (hay[j] === needle[i]) i++;
  return i === needle.length;
}

function sameGroup(a: Term[], b: Term[]): boolean {
  return a.length === b.length && a.every((t, i) => t.kind === b[i]!.kind && t.inverse === b[i]!.inverse && t.text === b[i]!.text);
}

function splitTokens(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "\\" && text[i + 1] === " ") {
      current += " ";
      i++;
    } else if (c === " " || c === "\t" || c === "\n") {
      if (current) tokens.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

function parseTerm(token: string): Term | null {
  let text = token;
  let kind: TermKind = "fuzzy";
  let inverse = false;
  if (text.startsWith("!")) {
    inverse = true;
    kind = "exact";
    text = text.slice(1);
  }
  if (text !== "$" && text.endsWith("$")) {
    kind = "suffix";
    text = text.slice(0, -1);
  }
  if (text.startsWith("'")) {
    kind = kind === "fuzzy" && !inverse ? "exact" : "fuzzy";
    text = text.slice(1);
  } else if (text.startsWith("^")) {
    kind = kind === "suffix" ? "equal" : "prefix";
    text = text.slice(1);
  }
  if (text === "") return null;
  const utf16 = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) utf16[i] = text.charCodeAt(i);
  return { kind, inverse, text, utf8: new TextEncoder().encode(text), utf16 };
}

/**
 * A 32-bit summary of which characters a path contains (ASCII folded): a query term whose bits
 * are not all present cannot match, which rejects most paths with two integer operations.
 */
export function charMask(bytes: Units, start: number, end: number): number {
  let mask = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 97 && c <= 122) mask |= 1 << (c - 97);
    else if (c >= 65 && c <= 90) mask |= 1 << (c - 65);
    else if (c >= 48 && c <= 57) mask |= 1 << (c < 53 ? 26 : 27);
    else if (c === 46) mask |= 1 << 28;
    else if (c === 95) mask |= 1 << 29;
    else if (c === 45) mask |= 1 << 30;
    else if (c >= 128) mask |= 1 << 31;
  }
  // A non-ASCII path is matched in its Latin-normalised form: `naïve` has the bits of `naive`.
  if (mask & (1 << 31) && bytes instanceof Uint8Array) {
    const codes = latinCodes(utf8.decode(bytes.subarray(start, end)), true);
    mask |= charMask(codes, 0, codes.length);
  }
  return mask;
}

/**
 * Cheap necessary condition for scorePath >= 0: every positive single-term group's text is a
 * subsequence of the path. Run before scoring so no term is scored for a path another term rejects.
 */
export function couldMatch(q: ParsedQuery, enc: Encoding, text: Units, start: number, end: number): boolean {
  const required = q.required;
  for (let i = 0; i < required.length; i++) {
    const t = required[i]!;
    if (!isSubsequence(text, start, end, enc === "utf8" ? t.utf8 : t.utf16, q.caseSensitive)) return false;
  }
  return true;
}

type ScoreFn = (text: Units, start: number, end: number, pattern: Units, cs: boolean, positions: number[] | null) => number;
const scorers: Record<TermKind, ScoreFn> = {
  fuzzy: fuzzyScore,
  exact: exactScore,
  prefix: prefixScore,
  suffix: suffixScore,
  equal: equalScore,
};

/** A basename match this good is the term itself, a run starting a word, not letters picked across the name. */
function cleanInBasename(term: Term, baseScore: number): boolean {
  return baseScore >= term.utf16.length * (SCORE_MATCH + BONUS_BOUNDARY) + BONUS_BOUNDARY;
}

/**
 * Sum of the terms' scores (fzf sums over terms), each fuzzy/exact term scored on the whole path
 * and on the basename alone (the better counts), plus BASENAME_BONUS once, for the term that
 * matches inside the basename with the most to gain: one basename hit lifts a path, but terms
 * smeared across a long basename do not outrank clean matches on folder boundaries. Then the
 * path rules (path-rules.ts): a file named by a term, every term cleanly in the basename, terms
 * that are whole segments, and folders the query does not name going below the files.
 */
export function scorePath(
  q: ParsedQuery,
  enc: Encoding,
  text: Units,
  start: number,
  end: number,
  fileStart: number,
  isDir: boolean,
  positions: number[] | null,
): number {
  if (q.empty) return isDir ? 0 : 1;
  // The basename rules look at an entry file's folder too (index.js is its package).
  const baseStart = nameStartOf(text, start, end, fileStart, isDir);
  let total = 0;
  let bestGain = 0;
  let bestGroup = -1;
  let named = 0;
  let inBase = 0;
  let nameable = 0;
  // Terms other than the last that are whole segments of the path (FOLDERS_THEN_NAME).
  let wholeOthers = 0;
  // Only built when positions are wanted (final results): the scan itself allocates nothing.
  const chosen: Array<{ term: Term; useBase: boolean } | null> | null = positions ? [] : null;
  const groups = q.groups;
  for (let g = 0; g < groups.length; g++) {
    const group = groups[g]!;
    let pickedTerm: Term | null = null;
    let pickedUseBase = false;
    let pickedScore = 0;
    let pickedGain = 0;
    let inverseOk = false;
    for (let t = 0; t < group.length; t++) {
      const term = group[t]!;
      const pattern = enc === "utf8" ? term.utf8 : term.utf16;
      if (term.inverse) {
        const found =
          term.kind === "fuzzy"
            ? isSubsequence(text, start, end, pattern, q.caseSensitive)
            : scorers[term.kind](text, start, end, pattern, q.caseSensitive, null) >= 0;
        if (!found) {
          inverseOk = true;
          break;
        }
        continue;
      }
      const fn = scorers[term.kind];
      // (fuzzyScore itself rejects a non-subsequence; this only skips its setup for OR-groups.)
      if (term.kind === "fuzzy" && group.length > 1 && !isSubsequence(text, start, end, pattern, q.caseSensitive)) continue;
      const nameTerm = term.kind === "fuzzy" || term.kind === "exact";
      let base = -1;
      let full: number;
      if (nameTerm && baseStart > start) {
        if (term.kind !== "fuzzy" || isSubsequence(text, baseStart, end, pattern, q.caseSensitive)) {
          base = fn(text, baseStart, end, pattern, q.caseSensitive, null);
        }
        // A perfect match in the basename is the most the term can score: the whole path cannot
        // beat it, so its (longer) alignment is not needed. The best candidates are such paths.
        // With one term the path scores max(full, base + BASENAME_BONUS): full is not needed
        // either once that bonus already reaches the term's best score.
        const best = maxScoreOf(pattern.length);
        if (base === best || (groups.length === 1 && base >= 0 && base + BASENAME_BONUS >= best)) full = base;
        else {
          full = fn(text, start, end, pattern, q.caseSensitive, null);
          if (full < 0) continue;
        }
      } else {
        full = fn(text, start, end, pattern, q.caseSensitive, null);
        if (full < 0) continue;
        if (nameTerm) base = full;
      }
      if (nameTerm) {
        nameable++;
        if (base >= 0 && cleanInBasename(term, base)) inBase++;
        if (!isDir && term === q.last) named = nameBonus(text, end, fileStart, baseStart, pattern, q.caseSensitive);
        const whole = wholeSegments(text, start, end, fileStart, pattern, isDir, q.caseSensitive);
        total += WHOLE_SEGMENT * whole;
        if (whole > 0 && term !== q.last) wholeOthers++;
      }
      pickedTerm = term;
      pickedScore = full > base ? full : base;
      pickedUseBase = base >= 0 && base >= full;
      pickedGain = base >= 0 ? base + BASENAME_BONUS - pickedScore : 0;
      break;
    }
    if (pickedTerm) {
      total += pickedScore;
      if (pickedGain > bestGain) {
        bestGain = pickedGain;
        bestGroup = g;
      }
      chosen?.push({ term: pickedTerm, useBase: pickedUseBase });
    } else if (inverseOk) {
      chosen?.push(null);
    } else {
      return -1;
    }
  }
  if (positions && chosen) {
    for (let g = 0; g < chosen.length; g++) {
      const c = chosen[g];
      if (!c) continue;
      const pattern = enc === "utf8" ? c.term.utf8 : c.term.utf16;
      const fromBase = g === bestGroup || c.useBase;
      scorers[c.term.kind](text, fromBase ? Math.max(baseStart, start) : start, end, pattern, q.caseSensitive, positions);
    }
  }
  let rules = named;
  const tailTerms = q.pathTerms && (enc === "utf8" ? q.pathTerms.utf8 : q.pathTerms.utf16);
  rules += pathTailBonus(named, text, start, end, fileStart, baseStart, tailTerms, q.caseSensitive);
  if (named === STEM_EQUAL && nameable >= 2 && wholeOthers === nameable - 1) rules += FOLDERS_THEN_NAME;
  if (isTestPath(text, start, end) !== q.wantsTests) rules += TEST_UNASKED;
  if (nameable >= 2 && inBase === nameable) {
    rules += ALL_IN_BASENAME;
    if (tailTerms && nameIsTerms(text, baseStart, end, tailTerms, q.caseSensitive)) rules += NAME_IS_TERMS;
  }
  if (isDir) {
    const last = q.last && (enc === "utf8" ? q.last.utf8 : q.last.utf16);
    const folderNamed = last !== null && namesFolder(text, start, end, last, q.caseSensitive);
    if (folderNamed && q.wantsFolder) rules += STEM_EQUAL;
    else if (!folderNamed) rules += FOLDER_UNNAMED;
  }
  return Math.max(0, total + bestGain + rules);
}
