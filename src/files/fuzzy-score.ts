// fzf's scoring (FuzzyMatchV2, ExactMatchNaive, prefix/suffix/equal and calculateScore) as of
// fzf 0.32+ (algo.go): bonuses by character class, with a word boundary after whitespace, after a
// delimiter or at the start each scored on its own, and fzf's path scheme (`--scheme=path`: `/`
// is the only delimiter, the start of a path counts as after one). Written over plain code-unit
// arrays so it runs on the shared UTF-8 path table in workers (Uint8Array) and on JS strings
// (Uint16Array) for highlighting and for non-ASCII paths, which callers first pass through
// normalizeLatin (fzf's --literal off: `naive` matches `naïve`). Case folding is ASCII here; the
// normalisation lower-cases the rest. Scratch memory is reused across calls: one call at a time
// per thread.
//
// Public surface:
//   fuzzyScore(text, start, end, pattern, caseSensitive, positions): number    -1 = no match
//   exactScore / prefixScore / suffixScore / equalScore (same signature; ^ and $ skip leading
//     and trailing whitespace of the text, as fzf's do, unless the pattern itself has it there)
//   isSubsequence(text, start, end, pattern, caseSensitive): boolean         the cheap prefilter
//   normalizeLatin(codes, foldCase): void   in place: accented Latin letters to their base letter
//   useScheme("path" | "default")           fzf's scoring scheme (the finder uses "path"; tests compare with both)
//   maxBonus(): number                      the largest bonus of a position in that scheme
//   `positions`, when given, receives matched offsets (absolute in `text`, unordered)

export type Units = Uint8Array | Uint16Array;

export const SCORE_MATCH = 16;
export const SCORE_GAP_START = -3;
export const SCORE_GAP_EXTENSION = -1;
export const BONUS_BOUNDARY = SCORE_MATCH / 2;
export const BONUS_NON_WORD = SCORE_MATCH / 2;
export const BONUS_CAMEL_123 = BONUS_BOUNDARY + SCORE_GAP_EXTENSION;
export const BONUS_CONSECUTIVE = -(SCORE_GAP_START + SCORE_GAP_EXTENSION);
export const BONUS_FIRST_CHAR_MULTIPLIER = 2;

const CLASS_WHITE = 0;
const CLASS_NON_WORD = 1;
const CLASS_DELIMITER = 2;
const CLASS_LOWER = 3;
const CLASS_UPPER = 4;
const CLASS_LETTER = 5;
const CLASS_NUMBER = 6;

export type Scheme = "path" | "default";

/** Bonus of a word start after whitespace / after a delimiter, per scheme (fzf's Init). */
let bonusBoundaryWhite = BONUS_BOUNDARY;
let bonusBoundaryDelimiter = BONUS_BOUNDARY + 1;
let initialClass = CLASS_DELIMITER;
// Lookup tables, filled in place by useScheme (const bindings keep the per-byte loads cheap).
const CLASS_TABLE = new Uint8Array(256);
const BONUS_TABLE = new Int8Array(64);

/** The largest bonus any position can get in the current scheme. */
export function maxBonus(): number {
  return Math.max(bonusBoundaryWhite, bonusBoundaryDelimiter, BONUS_NON_WORD);
}

/** The most a pattern of `m` units can score: a run at the best word start (every char at the top bonus, the first doubled). */
export function maxScoreOf(m: number): number {
  const bonus = maxBonus();
  return m * (SCORE_MATCH + bonus) + (BONUS_FIRST_CHAR_MULTIPLIER - 1) * bonus;
}

export function useScheme(scheme: Scheme): void {
  const path = scheme === "path";
  bonusBoundaryWhite = path ? BONUS_BOUNDARY : BONUS_BOUNDARY + 2;
  bonusBoundaryDelimiter = BONUS_BOUNDARY + 1;
  initialClass = path ? CLASS_DELIMITER : CLASS_WHITE;
  const delimiters = path ? "/" : "/,:;|";
  // The scan runs per byte of every candidate path: branches cost there, table loads do not.
  for (let c = 0; c < 256; c++) CLASS_TABLE[c] = classOf(c, delimiters);
  for (let k = 0; k < 64; k++) BONUS_TABLE[k] = bonusOf(k >> 3, k & 7);
}
useScheme("path");

function classOf(c: number, delimiters: string): number {
  if (c >= 97 && c <= 122) return CLASS_LOWER;
  if (c >= 65 && c <= 90) return CLASS_UPPER;
  if (c >= 48 && c <= 57) return CLASS_NUMBER;
  if (c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0) return CLASS_WHITE;
  if (c < 128 && delimiters.includes(String.fromCharCode(c))) return CLASS_DELIMITER;
  // UTF-8 lead and continuation bytes, and Latin-1 letters in UTF-16: one letter class.
  return c >= 128 ? CLASS_LETTER : CLASS_NON_WORD;
}

function bonusOf(prev: number, curr: number): number {
  if (curr > CLASS_NON_WORD) {
    if (prev === CLASS_WHITE) return bonusBoundaryWhite;
    if (prev === CLASS_DELIMITER) return bonusBoundaryDelimiter;
    if (prev === CLASS_NON_WORD) return BONUS_BOUNDARY;
  }
  if ((prev === CLASS_LOWER && curr === CLASS_UPPER) || (prev !== CLASS_NUMBER && curr === CLASS_NUMBER)) return BONUS_CAMEL_123;
  if (curr === CLASS_NON_WORD || curr === CLASS_DELIMITER) return BONUS_NON_WORD;
  if (curr === CLASS_WHITE) return bonusBoundaryWhite;
  return 0;
}

function charClass(c: number): number {
  return c < 256 ? CLASS_TABLE[c]! : CLASS_LETTER;
}

function bonusFor(prev: number, curr: number): number {
  return BONUS_TABLE[(prev << 3) | curr]!;
}

function bonusAt(text: Units, start: number, idx: number): number {
  if (idx === start) return bonusBoundaryWhite;
  return bonusFor(charClass(text[idx - 1]!), charClass(text[idx]!));
}

/** Base letters of the accented Latin letters U+00C0..U+024F (0 = none), built from Unicode's decompositions. */
const LATIN_BASE = (() => {
  const table = new Uint16Array(0x250 - 0xc0);
  const extra: Record<string, string> = { Ø: "O", ø: "o", Đ: "D", đ: "d", Ħ: "H", ħ: "h", ı: "i", Ł: "L", ł: "l", Ŧ: "T", ŧ: "t", ß: "s" };
  for (let c = 0xc0; c < 0x250; c++) {
    const ch = String.fromCharCode(c);
    const base = extra[ch] ?? ch.normalize("NFD")[0]!;
    if (/^[A-Za-z]$/.test(base)) table[c - 0xc0] = base.charCodeAt(0);
  }
  return table;
})();

export function normalizeLatin(codes: Uint16Array, foldCase: boolean): void {
  for (let i = 0; i < codes.length; i++) {
    let c = codes[i]!;
    if (c < 0xc0) continue;
    if (c < 0x250 && LATIN_BASE[c - 0xc0]) c = LATIN_BASE[c - 0xc0]!;
    else if (foldCase) {
      const lower = String.fromCharCode(c).toLowerCase();
      if (lower.length === 1) c = lower.charCodeAt(0);
    }
    codes[i] = c;
  }
}

function fold(c: number, caseSensitive: boolean): number {
  return !caseSensitive && c >= 65 && c <= 90 ? c + 32 : c;
}

export function isSubsequence(text: Units, start: number, end: number, pattern: Units, caseSensitive: boolean): boolean {
  const m = pattern.length;
  let p = 0;
  let want = pattern[0]!;
  if (caseSensitive) {
    for (let i = start; i < end && p < m; i++) {
      if (text[i] === want) want = pattern[++p]!;
    }
  } else {
    for (let i = start; i < end && p < m; i++) {
      let c = text[i]!;
      if (c >= 65 && c <= 90) c += 32;
      if (c === want) want = pattern[++p]!;
    }
  }
  return p === m;
}

// Scratch rows, grown on demand.
let H0 = new Int16Array(1024);
let C0 = new Int16Array(1024);
let B = new Int16Array(1024);
/** The text's code units as matched (case-folded), so the alignment rows need not fold again. */
let T = new Uint16Array(1024);
let F = new Int32Array(64);
let H = new Int16Array(16384);
let C = new Int16Array(16384);

function ensureScratch(n: number, m: number, cells: number): void {
  if (H0.length < n) {
    const size = Math.max(n, H0.length * 2);
    H0 = new Int16Array(size);
    C0 = new Int16Array(size);
    B = new Int16Array(size);
    T = new Uint16Array(size);
  }
  if (F.length < m) F = new Int32Array(Math.max(m, F.length * 2));
  if (H.length < cells) {
    const size = Math.max(cells, H.length * 2);
    H = new Int16Array(size);
    C = new Int16Array(size);
  }
}

/** fzf FuzzyMatchV2 (forward). Scratch arrays are indexed by offset from `start`. */
export function fuzzyScore(
  text: Units,
  start: number,
  end: number,
  pattern: Units,
  caseSensitive: boolean,
  positions: number[] | null,
): number {
  const M = pattern.length;
  if (M === 0) return 0;
  const N = end - start;
  // Skip to just before the first occurrence of the first pattern char, as fzf does.
  let first = -1;
  {
    const p0 = pattern[0]!;
    for (let i = start; i < end; i++) {
      if (fold(text[i]!, caseSensitive) === p0) {
        first = i;
        break;
      }
    }
    if (first < 0) return -1;
  }
  // With two or more chars, nothing after the last occurrence of the last one can be aligned:
  // fzf's backward scan; the first pass then stops there.
  let scanEnd = end;
  if (M > 1) {
    const pLast = pattern[M - 1]!;
    while (scanEnd > first && fold(text[scanEnd - 1]!, caseSensitive) !== pLast) scanEnd--;
    if (scanEnd === first) return -1;
  }
  ensureScratch(N, M, 0);
  let maxScore = 0;
  let maxScorePos = 0;
  let pidx = 0;
  let lastIdx = 0;
  const pchar0 = pattern[0]!;
  let pchar = pchar0;
  let prevH0 = 0;
  let inGap = false;
  let prevClass = first > start ? charClass(text[first - 1]!) : initialClass;
  for (let i = first; i < scanEnd; i++) {
    const raw = text[i]!;
    const cls = charClass(raw);
    const c = !caseSensitive && cls === CLASS_UPPER ? raw + 32 : raw;
    const k = i - start;
    const bonus = bonusFor(prevClass, cls);
    B[k] = bonus;
    T[k] = c;
    prevClass = cls;
    if (c === pchar) {
      if (pidx < M) {
        F[pidx] = k;
        pidx++;
        pchar = pattern[Math.min(pidx, M - 1)]!;
      }
      lastIdx = k;
    }
    if (c === pchar0) {
      const score = SCORE_MATCH + bonus * BONUS_FIRST_CHAR_MULTIPLIER;
      H0[k] = score;
      C0[k] = 1;
      if (M === 1 && score > maxScore) {
        maxScore = score;
        maxScorePos = k;
        if (bonus >= BONUS_BOUNDARY) break;
      }
      inGap = false;
    } else {
      H0[k] = Math.max(prevH0 + (inGap ? SCORE_GAP_EXTENSION : SCORE_GAP_START), 0);
      C0[k] = 0;
      inGap = true;
    }
    prevH0 = H0[k]!;
  }
  if (pidx !== M) return -1;
  if (M === 1) {
    if (positions) positions.push(start + maxScorePos);
    return maxScore;
  }

  const f0 = F[0]!;
  const width = lastIdx - f0 + 1;
  ensureScratch(N, M, width * M);
  for (let j = 0; j < width; j++) {
    H[j] = H0[f0 + j]!;
    C[j] = C0[f0 + j]!;
  }
  for (let p = 1; p < M; p++) {
    const f = F[p]!;
    const pc = pattern[p]!;
    const row = p * width;
    let inGap2 = false;
    H[row + f - f0 - 1] = 0;
    for (let col = f; col <= lastIdx; col++) {
      const c = T[col]!;
      const cell = row + col - f0;
      let s1 = 0;
      let consecutive = 0;
      const s2: number = H[cell - 1]! + (inGap2 ? SCORE_GAP_EXTENSION : SCORE_GAP_START);
      if (c === pc) {
        const diag = cell - width - 1;
        s1 = H[diag]! + SCORE_MATCH;
        let b = B[col]!;
        consecutive = C[diag]! + 1;
        if (consecutive > 1) {
          const fb = B[col - consecutive + 1]!;
          // A better word start inside a consecutive run starts a new run there.
          if (b >= BONUS_BOUNDARY && b > fb) consecutive = 1;
          else b = Math.max(b, BONUS_CONSECUTIVE, fb);
        }
        if (s1 + b < s2) {
          s1 += B[col]!;
          consecutive = 0;
        } else {
          s1 += b;
        }
      }
      C[cell] = consecutive;
      inGap2 = s1 < s2;
      const score = Math.max(s1, s2, 0);
      if (p === M - 1 && score > maxScore) {
        maxScore = score;
        maxScorePos = col;
      }
      H[cell] = score;
    }
  }

  if (positions) {
    let i = M - 1;
    let j = maxScorePos;
    let preferMatch = true;
    const used = width * M;
    for (;;) {
      const I = i * width;
      const j0 = j - f0;
      const s = H[I + j0]!;
      let s1 = 0;
      let s2 = 0;
      if (i > 0 && j >= F[i]!) s1 = H[I - width + j0 - 1]!;
      if (j > F[i]!) s2 = H[I + j0 - 1]!;
      if (s > s1 && (s > s2 || (s === s2 && preferMatch))) {
        positions.push(start + j);
        if (i === 0) break;
        i--;
      }
      preferMatch = C[I + j0]! > 1 || (I + width + j0 + 1 < used && C[I + width + j0 + 1]! > 0);
      j--;
    }
  }
  return maxScore;
}

/** fzf calculateScore over [sidx, eidx) where the pattern is known to match as a substring there. */
function calculateScore(text: Units, start: number, sidx: number, eidx: number, positions: number[] | null): number {
  let score = 0;
  let consecutive = 0;
  let firstBonus = 0;
  let prevClass = sidx > start ? charClass(text[sidx - 1]!) : initialClass;
  for (let idx = sidx; idx < eidx; idx++) {
    const cls = charClass(text[idx]!);
    if (positions) positions.push(idx);
    score += SCORE_MATCH;
    let bonus = bonusFor(prevClass, cls);
    if (consecutive === 0) {
      firstBonus = bonus;
    } else {
      if (bonus >= BONUS_BOUNDARY && bonus > firstBonus) firstBonus = bonus;
      bonus = Math.max(bonus, firstBonus, BONUS_CONSECUTIVE);
    }
    score += idx === sidx ? bonus * BONUS_FIRST_CHAR_MULTIPLIER : bonus;
    consecutive++;
    prevClass = cls;
  }
  return score;
}

function matchesAt(text: Units, at: number, pattern: Units, caseSensitive: boolean): boolean {
  for (let p = 0; p < pattern.length; p++) {
    if (fold(text[at + p]!, caseSensitive) !== pattern[p]) return false;
  }
  return true;
}

/** fzf ExactMatchNaive: the occurrence whose first char has the best bonus, then its score. */
export function exactScore(
  text: Units,
  start: number,
  end: number,
  pattern: Units,
  caseSensitive: boolean,
  positions: number[] | null,
): number {
  const M = pattern.length;
  if (M === 0) return 0;
  let best = -1;
  let bestBonus = -1;
  for (let i = start; i + M <= end; i++) {
    if (!matchesAt(text, i, pattern, caseSensitive)) continue;
    const bonus = bonusAt(text, start, i);
    if (bonus > bestBonus) {
      best = i;
      bestBonus = bonus;
      if (bonus >= BONUS_BOUNDARY) break;
    }
  }
  if (best < 0) return -1;
  return calculateScore(text, start, best, best + M, positions);
}

function isWhite(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0x85 || c === 0xa0;
}

/** Where the text starts once leading whitespace is skipped, unless the pattern starts with whitespace. */
function trimmedStart(text: Units, start: number, end: number, pattern: Units): number {
  if (isWhite(pattern[0]!)) return start;
  while (start < end && isWhite(text[start]!)) start++;
  return start;
}

function trimmedEnd(text: Units, start: number, end: number, pattern: Units): number {
  if (isWhite(pattern[pattern.length - 1]!)) return end;
  while (end > start && isWhite(text[end - 1]!)) end--;
  return end;
}

export function prefixScore(
  text: Units,
  start: number,
  end: number,
  pattern: Units,
  caseSensitive: boolean,
  positions: number[] | null,
): number {
  const M = pattern.length;
  if (M === 0) return 0;
  const from = trimmedStart(text, start, end, pattern);
  if (end - from < M || !matchesAt(text, from, pattern, caseSensitive)) return -1;
  return calculateScore(text, start, from, from + M, positions);
}

export function suffixScore(
  text: Units,
  start: number,
  end: number,
  pattern: Units,
  caseSensitive: boolean,
  positions: number[] | null,
): number {
  const M = pattern.length;
  if (M === 0) return 0;
  const to = trimmedEnd(text, start, end, pattern);
  if (to - start < M || !matchesAt(text, to - M, pattern, caseSensitive)) return -1;
  return calculateScore(text, start, to - M, to, positions);
}

/** fzf EqualMatch: the whole (trimmed) text, scored as fzf does, whatever the scheme. */
export function equalScore(
  text: Units,
  start: number,
  end: number,
  pattern: Units,
  caseSensitive: boolean,
  positions: number[] | null,
): number {
  const M = pattern.length;
  if (M === 0) return -1;
  const from = trimmedStart(text, start, end, pattern);
  const to = trimmedEnd(text, from, end, pattern);
  if (to - from !== M || !matchesAt(text, from, pattern, caseSensitive)) return -1;
  if (positions) for (let k = from; k < to; k++) positions.push(k);
  return (SCORE_MATCH + bonusBoundaryWhite) * M + (BONUS_FIRST_CHAR_MULTIPLIER - 1) * bonusBoundaryWhite;
}
