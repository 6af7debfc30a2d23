// What a path's shape says beyond fzf's character score: the rules that pick the file a person
// means among paths fzf scores alike. Run only on paths that matched (never in the scan's hot loop).
//
//   a file named by the query's last term (`inode` → inode.c; an index.* / __init__.* file is
//     named by its folder) beats a folder of that name; a name starting with it, or whose words
//     start with its letters (`covrep` → CoverageReporter.ts), comes next;
//   folder words then a file word: the file the last term names, in folders the others name
//     (`sched core` → kernel/sched/core.c), beats a name that holds all the terms (core_sched.c);
//   every term in the basename beats terms spread over folders (`http client` → http_client.c),
//     the more so when the name is nothing but the terms;
//   a term that is a whole path segment beats a prefix of a longer one (`vfs` → vfs/, not vfsx/),
//     the name and its own folder (a folder's main file, printk/printk.c) more so;
//   a folder ranks as a file only when the query names it (its last segments are the last term)
//     or asks for folders (ends with `/`); otherwise it goes below the files;
//   a file whose path ends in the terms, segment by segment (`net core dev` → net/core/dev.c), beats
//     the terms spread over a longer path (…/mlx5/core/sf/dev/dev.c): the query spells its tail
//     (three terms or more; two only when they are the whole path, `mm page_alloc`);
//   test, fixture and example code goes a little below the rest unless the query says test or
//     spec, and then the rest goes below it (`normalize test` → __tests__/normalize.test.ts);
//   ties: shorter path, then fewer folders, then source over test, own over vendored, visible
//     over hidden (tieBreak), never over a better match.
//
// Public surface:
//   STEM_EQUAL, STEM_PREFIX, ALL_IN_BASENAME, NAME_IS_TERMS, WHOLE_SEGMENT, PATH_TAIL,
//   FOLDER_UNNAMED, FOLDERS_THEN_NAME, TEST_UNASKED (score adjustments)
//   INTENT_TEST_WORDS                          query words that ask for tests
//   nameIsTerms(text, nameStart, end, terms, cs): boolean   the name spells the terms in order
//   nameStartOf(text, start, end, baseStart, isDir): number   where the basename rules look
//   nameBonus(text, end, baseStart, nameStart, lastTerm, cs): number
//   wholeSegments(text, start, end, baseStart, term, isDir, cs): number   0..2
//   namesFolder(text, start, end, term, cs): boolean
//   pathTailBonus(named, text, start, end, baseStart, nameStart, terms, cs): number   PATH_TAIL or 0
//   tieBreak(text, start, end): number        0..4095, higher ranks first
//   isTestPath(text, start, end): boolean     test, fixture or example code
import type { Units } from "./fuzzy-score.js";

export const STEM_EQUAL = 48;
export const STEM_PREFIX = 16;
export const ALL_IN_BASENAME = 40;
/**
 * The name spells the query: the terms in order and nothing else (`http client` → http_client.c,
 * `token cycler` → tokenCycler.js). With ALL_IN_BASENAME more than STEM_EQUAL + FOLDERS_THEN_NAME
 * + WHOLE_SEGMENT, so it beats http/client.c; onboard_usb_hub.c (more than the terms) and
 * core_sched.c for `sched core` (another order) do not get it.
 */
export const NAME_IS_TERMS = 80;
export const WHOLE_SEGMENT = 16;
/** More than a second whole segment (a folder's main file), so the spelled tail wins over it. */
export const PATH_TAIL = 24;
export const FOLDER_UNNAMED = -48;
/**
 * The last term names the file and every other term is a whole segment of its path (`<folder…>
 * <file>`: `sched core` → kernel/sched/core.c): more than ALL_IN_BASENAME + STEM_PREFIX -
 * STEM_EQUAL, so it beats a name that merely holds all the terms (core_sched.c).
 */
export const FOLDERS_THEN_NAME = 48;

/** Is the name [nameStart, end) up to its first `.` the terms in order, each joined to the next by one separator or none? */
export function nameIsTerms(text: Units, nameStart: number, end: number, terms: Units[], cs: boolean): boolean {
  const stop = stemEnd(text, nameStart, end);
  let at = nameStart;
  for (let k = 0; k < terms.length; k++) {
    if (k > 0 && at < stop && isSeparator(text[at]!)) at++;
    const term = terms[k]!;
    if (stop - at < term.length || !equalAt(text, at, term, cs)) return false;
    at += term.length;
  }
  return at === stop;
}

const SLASH = 47;
const DOT = 46;

function fold(c: number, cs: boolean): number {
  return !cs && c >= 65 && c <= 90 ? c + 32 : c;
}

function equalAt(text: Units, at: number, term: Units, cs: boolean): boolean {
  for (let k = 0; k < term.length; k++) if (fold(text[at + k]!, cs) !== term[k]) return false;
  return true;
}

function startsWithAt(text: Units, at: number, end: number, word: string): boolean {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) if (fold(text[at + k]!, false) !== word.charCodeAt(k)) return false;
  return true;
}

/** A package's entry file, which stands for its folder (index.js, __init__.py, mod.rs). */
function isEntryFile(text: Units, baseStart: number, end: number): boolean {
  // Runs for every scored path: rule out almost all names by length and first letter first.
  const length = end - baseStart;
  if (length < ENTRY_MIN_LENGTH || length > ENTRY_MAX_LENGTH) return false;
  const first = fold(text[baseStart]!, false);
  if (first !== 105 && first !== 95 && first !== 109) return false; // i _ m
  for (const name of ENTRY_FILES) if (length === name.length && startsWithAt(text, baseStart, end, name)) return true;
  return false;
}

const ENTRY_FILES = [
  ...["js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "d.ts"].map((ext) => `index.${ext}`),
  "__init__.py",
  "__init__.pyi",
  "mod.rs",
];
const ENTRY_MIN_LENGTH = Math.min(...ENTRY_FILES.map((n) => n.length));
const ENTRY_MAX_LENGTH = Math.max(...ENTRY_FILES.map((n) => n.length));

/** Does `term` name the file in [nameStart, nameEnd): the whole name, or the name less its extensions? */
function namesFile(text: Units, nameStart: number, nameEnd: number, term: Units, cs: boolean, extensions: boolean): boolean {
  const m = term.length;
  if (nameEnd - nameStart < m || !equalAt(text, nameStart, term, cs)) return false;
  return nameStart + m === nameEnd || (extensions && text[nameStart + m] === DOT);
}

/**
 * STEM_EQUAL, STEM_PREFIX or 0: how a file's name holds the query's last term (nameStart: see
 * nameStartOf). A prefix of the name, or the starts of its words in order (an abbreviation:
 * `covrep` → CoverageReporter.ts, `pagall` → page_alloc.c), is STEM_PREFIX.
 */
export function nameBonus(text: Units, end: number, baseStart: number, nameStart: number, term: Units, cs: boolean): number {
  if (namesFile(text, baseStart, end, term, cs, true)) return STEM_EQUAL;
  if (nameStart < baseStart && namesFile(text, nameStart, baseStart - 1, term, cs, false)) return STEM_EQUAL;
  if (end - baseStart > term.length && equalAt(text, baseStart, term, cs)) return STEM_PREFIX;
  if (fold(text[baseStart]!, cs) === term[0] && abbreviates(text, baseStart, stemEnd(text, baseStart, end), term, 0, cs)) return STEM_PREFIX;
  return 0;
}

/** Where the name's stem ends: its first `.` after the first character (a dotfile's dot is its name), or a `/` (an entry file's folder). */
function stemEnd(text: Units, from: number, end: number): number {
  let at = from + 1;
  while (at < end && text[at] !== DOT && text[at] !== SLASH) at++;
  return at;
}

/** A word starts after `_`, `-`, `.` or a space, and at a capital after a lowercase letter (camelCase). */
function wordStartsAt(text: Units, at: number): boolean {
  const prev = text[at - 1]!;
  if (prev === 95 || prev === 45 || prev === DOT || prev === 32) return !isSeparator(text[at]!);
  const c = text[at]!;
  return c >= 65 && c <= 90 && prev >= 97 && prev <= 122;
}

function isSeparator(c: number): boolean {
  return c === 95 || c === 45 || c === DOT || c === 32;
}

/**
 * Does term[k..] take one letter or more from the start of each word in turn, from the word at
 * `at` on, in [at, to)? Tries the longest take of each word first; a name has few words.
 */
function abbreviates(text: Units, at: number, to: number, term: Units, k: number, cs: boolean): boolean {
  let i = at;
  while (i < to && k < term.length && fold(text[i]!, cs) === term[k]) {
    i++;
    k++;
    if (k === term.length) return true;
    if (i < to && wordStartsAt(text, i)) break;
  }
  // From the longest take back to one letter, continue at the next word start.
  for (let take = i - at; take >= 1; take--) {
    let next = at + take;
    while (next < to && !wordStartsAt(text, next)) next++;
    if (next < to && abbreviates(text, next, to, term, k - (i - at) + take, cs)) return true;
  }
  return false;
}

/**
 * How `term` occurs as whole segments (0..2): after the start or a `/`, before a `/`, the end, or
 * (in a file's basename) a `.`; `dev` is whole in `net/dev/x.c` and `core/dev.c`, not in
 * `devices/`. 1 for whole in a folder or in the name; 2 for the name and the folder holding it, a
 * folder's main file (`printk/printk.c`, `linter/linter.js`): not a name in some folder of that name
 * further up (src/router/trie-router/router.ts is one more router.ts, src/router.ts the canonical one).
 */
export function wholeSegments(text: Units, start: number, end: number, baseStart: number, term: Units, isDir: boolean, cs: boolean): number {
  const m = term.length;
  const first = term[0]!;
  let inFolder = false;
  let inParent = false;
  let inName = false;
  // Only segment starts can begin a whole segment: hop from one `/` to the next.
  for (let at = start; at + m <= end; at = nextSegment(text, at, end)) {
    if (fold(text[at]!, cs) !== first) continue;
    const after = at + m;
    const isName = at >= baseStart;
    const next = after === end ? SLASH : text[after];
    if (next !== SLASH && !(next === DOT && !isDir && isName)) continue;
    if (!equalAt(text, at, term, cs)) continue;
    if (isName) inName = true;
    else {
      inFolder = true;
      inParent = after + 1 === baseStart;
    }
  }
  return inName && inParent ? 2 : inName || inFolder ? 1 : 0;
}

/** The start of the segment after the one at `at` (past `end` when there is none). */
function nextSegment(text: Units, at: number, end: number): number {
  while (at < end && text[at] !== SLASH) at++;
  return at + 1;
}

/**
 * Where a file's name begins for the basename rules: at its folder for a package's entry file
 * (index.js, __init__.py, mod.rs stand for their folder), else at its basename.
 */
export function nameStartOf(text: Units, start: number, end: number, baseStart: number, isDir: boolean): number {
  if (isDir || baseStart <= start + 1 || !isEntryFile(text, baseStart, end)) return baseStart;
  let folderStart = baseStart - 1;
  while (folderStart > start && text[folderStart - 1] !== SLASH) folderStart--;
  return folderStart;
}

/** Is the folder [start, end) named by `term`: its last segments are the term? */
export function namesFolder(text: Units, start: number, end: number, term: Units, cs: boolean): boolean {
  const at = end - term.length;
  return at >= start && (at === start || text[at - 1] === SLASH) && equalAt(text, at, term, cs);
}

/**
 * Do the path's last segments spell `terms` in order: the last term the file's name (its stem, or
 * for an entry file its folder: nameStart), each term before it the whole segment before that?
 * Two terms count only when they spell the whole path (arch/x86/entry/entry_64.S is what
 * `x86 entry_64` wants, not Documentation/x86/entry_64.rst); three or more in a row are the
 * path's tail whatever comes before.
 */
function endsWithTerms(text: Units, start: number, end: number, baseStart: number, nameStart: number, terms: Units[], cs: boolean): boolean {
  // The name's segment: the basename less its extensions, or an entry file's folder.
  let segEnd = nameStart < baseStart ? baseStart - 1 : end;
  let segStart = nameStart;
  for (let k = terms.length - 1; k >= 0; k--) {
    const term = terms[k]!;
    if (segStart < start || segEnd - segStart < term.length || !equalAt(text, segStart, term, cs)) return false;
    const after = segStart + term.length;
    const whole = after === segEnd || (k === terms.length - 1 && segEnd === end && nameStart === baseStart && text[after] === DOT);
    if (!whole) return false;
    if (k === 0) return terms.length >= 3 || segStart === start;
    // Step to the segment before.
    segEnd = segStart - 1;
    if (segEnd <= start) return false;
    segStart = segEnd;
    while (segStart > start && text[segStart - 1] !== SLASH) segStart--;
  }
  return true;
}

/**
 * PATH_TAIL when the path's tail spells the query's terms (`terms`: null unless the query has two
 * or more plain terms), else 0. Only a file its last term names (`named`, nameBonus's answer, is
 * STEM_EQUAL) can have such a tail, which keeps the check off most paths.
 */
export function pathTailBonus(named: number, text: Units, start: number, end: number, baseStart: number, nameStart: number, terms: Units[] | null, cs: boolean): number {
  return named === STEM_EQUAL && terms !== null && endsWithTerms(text, start, end, baseStart, nameStart, terms, cs) ? PATH_TAIL : 0;
}

/** Folders of test, fixture and example code: not what a query means unless it says test or spec. */
const TEST_SEGMENTS = ["test", "tests", "__tests__", "spec", "specs", "testing", "testdata", "selftests", "fixtures", "fixture", "__fixtures__", "__mocks__", "e2e", "examples", "example"];
/** Query words that ask for tests (`normalize test` → __tests__/normalize.test.ts). */
export const INTENT_TEST_WORDS = ["test", "tests", "spec", "specs"];
/**
 * A test, fixture or example path when the query does not ask for tests, or another path when it
 * does: less than a whole segment's difference and far less than a name, so the canonical copy
 * of a name wins among equals (a root Makefile over tests/fixtures/…/Makefile) and no exact name
 * is buried under a loose match for being a test.
 */
export const TEST_UNASKED = -20;
const VENDOR_SEGMENTS = ["vendor", "_vendor", "node_modules", "third_party", "thirdparty", "external", "deps"];

/**
 * The tie-break between equally scored paths of equal length: fewer folders, then source over
 * test, own over vendored, visible over hidden. 0..4095, higher first.
 */
export function tieBreak(text: Units, start: number, end: number): number {
  let depth = 0;
  let vendored = false;
  let hidden = false;
  let segStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && text[i] !== SLASH) continue;
    if (i < end) depth++;
    if (text[segStart] === DOT && i - segStart > 1) hidden = true;
    if (i < end && !vendored && segmentIn(text, segStart, i, VENDOR_SEGMENTS)) vendored = true;
    segStart = i + 1;
  }
  const conventions = (hidden ? 0 : 4) + (vendored ? 0 : 2) + (isTestPath(text, start, end) ? 0 : 1);
  return ((255 - Math.min(depth, 255)) << 4) | conventions;
}

/** Is the path test, fixture or example code: a folder of TEST_SEGMENTS, or a test file's name? */
export function isTestPath(text: Units, start: number, end: number): boolean {
  let segStart = start;
  for (let i = start; i < end; i++) {
    if (text[i] !== SLASH) continue;
    if (segmentIn(text, segStart, i, TEST_SEGMENTS)) return true;
    segStart = i + 1;
  }
  return isTestFileName(text, segStart, end);
}

/** First letters of the test and vendor words: most segments start with none of them. */
const SEGMENT_WORD_FIRSTS = new Uint8Array(128);
for (const w of [...TEST_SEGMENTS, ...VENDOR_SEGMENTS]) SEGMENT_WORD_FIRSTS[w.charCodeAt(0)] = 1;

function segmentIn(text: Units, from: number, to: number, words: string[]): boolean {
  const first = fold(text[from]!, false);
  if (first >= 128 || SEGMENT_WORD_FIRSTS[first] === 0) return false;
  for (const w of words) if (to - from === w.length && startsWithAt(text, from, to, w)) return true;
  return false;
}

/** foo_test.go, foo.test.ts, foo.spec.js, test_foo.py. */
function isTestFileName(text: Units, from: number, to: number): boolean {
  if (startsWithAt(text, from, to, "test_")) return true;
  for (let i = from; i + 5 <= to; i++) {
    const c = text[i]!;
    if ((c === 95 || c === DOT) && (startsWithAt(text, i + 1, to, "test.") || startsWithAt(text, i + 1, to, "spec."))) return true;
  }
  return false;
}
