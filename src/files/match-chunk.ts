// Scores one slice of a path table against a query: the body of a match worker task, kept free of
// worker plumbing so it can also run in-process. Scores every entry of a range (or of an explicit
// index list, when a query extends the previous one), keeps the local top N, and stops early
// when the shared cancellation flag no longer holds this task's generation.
//
// Public surface:
//   matchChunk(task: MatchTask): MatchChunkResult
//   interface MatchTask, interface MatchChunkResult
//   rankKey(score, pathLength, tie): number    higher ranks first; ties then break on path bytes
//   scoreOfKey(key): number
// A path with non-ASCII characters is scored on its Latin-normalised UTF-16 form (normalizedCodes).
import { attachTable, FLAG_DELETED, FLAG_DIR, type SharedPathTable, type TableViews } from "./path-table.js";
import { BONUS_FIRST_CHAR_MULTIPLIER, isSubsequence, maxBonus, SCORE_MATCH } from "./fuzzy-score.js";
import { ALL_IN_BASENAME, endsWithTerms, NAME_IS_TERMS, nameBonus, nameStartOf, PATH_TAIL, STEM_EQUAL, tieBreak, WHOLE_SEGMENT, wholeSegments } from "./path-rules.js";
import { BASENAME_BONUS, couldMatch, normalizedCodes, parseQuery, scorePath, type ParsedQuery } from "./query.js";

export interface MatchTask {
  table: SharedPathTable;
  /** Entries [from, to) of the table, unless `list` is given. */
  from: number;
  to: number;
  list?: Int32Array;
  query: string;
  limit: number;
  /** Cancelled as soon as cancel[0] !== generation. */
  cancel: Int32Array;
  generation: number;
  /** Skip folders (files only). */
  filesOnly?: boolean;
  /**
   * Shared by every chunk of one query: [0] is a score some chunk already holds `limit` paths at
   * or above, so no path below it can make the final top N. Each chunk raises it as its own top
   * fills and prunes with it: later chunks start with the bar the first ones set.
   */
  floor?: Int32Array;
}

export interface MatchChunkResult {
  cancelled: boolean;
  scanned: number;
  /** Every matching index, so a query extending this one re-scores only these. */
  matched: Int32Array;
  topIndex: Int32Array;
  topKey: Float64Array;
}

const CANCEL_CHECK_EVERY = 1024;

const TIE_BITS = 4096;
const TIE_BEST = TIE_BITS - 1;

/** Score first, then the shorter path, then tieBreak (path-rules.ts). Exact in a double. */
export function rankKey(score: number, pathLength: number, tie: number): number {
  return (score * 65536 + (65535 - pathLength)) * TIE_BITS + tie;
}

export function scoreOfKey(key: number): number {
  return Math.floor(key / (65536 * TIE_BITS));
}

/** No floor yet: every score can enter. */
export const FLOOR_NONE = -0x80000000;

/** Raises the shared floor to `score` unless it is higher already; returns the floor. */
function raiseFloor(shared: Int32Array, score: number): number {
  for (;;) {
    const current = Atomics.load(shared, 0);
    if (score <= current) return current;
    if (Atomics.compareExchange(shared, 0, current, score) === current) return score;
  }
}

/** The least score with which a path of this length, best tie-break, reaches `key`. */
function scoreToEnter(key: number, pathLength: number): number {
  return Math.ceil((Math.ceil((key - TIE_BEST) / TIE_BITS) - (65535 - pathLength)) / 65536);
}

const NON_ASCII = 1 << 31;
const decoder = new TextDecoder();

let cachedQuery: ParsedQuery | null = null;
const viewCache = new WeakMap<SharedArrayBuffer, TableViews>();

export function matchChunk(task: MatchTask): MatchChunkResult {
  const empty = { scanned: 0, matched: new Int32Array(0), topIndex: new Int32Array(0), topKey: new Float64Array(0) };
  if (Atomics.load(task.cancel, 0) !== task.generation) return { cancelled: true, ...empty };
  const q = cachedQuery && cachedQuery.raw === task.query ? cachedQuery : (cachedQuery = parseQuery(task.query));
  let v = viewCache.get(task.table.bytes);
  if (!v) {
    v = attachTable(task.table);
    viewCache.set(task.table.bytes, v);
  }
  const { bytes, starts, lengths, baseStarts, masks, flags } = v;
  const required = q.requiredMask;
  const skipFlags = task.filesOnly ? FLAG_DELETED | FLAG_DIR : FLAG_DELETED;
  const list = task.list;
  const total = list ? list.length : task.to - task.from;
  const matched = new Int32Array(total);
  let matchCount = 0;
  const heap = new TopHeap(task.limit, v);
  const bound = scoreBound(q);
  const sharedFloor = task.floor;
  let floor = sharedFloor ? Atomics.load(sharedFloor, 0) : FLOOR_NONE;
  let scanned = 0;

  for (let n = 0; n < total; n++) {
    if ((n & (CANCEL_CHECK_EVERY - 1)) === 0 && n > 0) {
      if (Atomics.load(task.cancel, 0) !== task.generation) return { cancelled: true, ...empty, scanned };
      if (sharedFloor) floor = raiseFloor(sharedFloor, heap.full ? scoreOfKey(heap.worstKey) : FLOOR_NONE);
    }
    scanned++;
    const i = list ? list[n]! : task.from + n;
    if (flags[i]! & skipFlags) continue;
    if ((masks[i]! & required) !== required) continue;
    const start = starts[i]!;
    const len = lengths[i]!;
    if (masks[i]! & NON_ASCII) {
      const codes = normalizedCodes(decoder.decode(bytes.subarray(start, start + len)), q);
      if (!couldMatch(q, "utf16", codes, 0, codes.length)) continue;
      const score = q.empty ? 0 : scorePath(q, "utf16", codes, 0, codes.length, codes.lastIndexOf(47) + 1, (flags[i]! & FLAG_DIR) !== 0, null);
      if (score < 0) continue;
      matched[matchCount++] = i;
      heap.offer(i, rankKey(score, len, tieBreak(codes, 0, codes.length)));
      continue;
    }
    if (!couldMatch(q, "utf8", bytes, start, start + len)) continue;
    if (bound && (heap.full || floor !== FLOOR_NONE)) {
      // Plain fuzzy terms: passing couldMatch means it matches. Score it only if it could still
      // enter the top N, judged by fzf's best possible score plus what the path rules could add.
      // (The exact rule bound only when the coarse one does not already rule the path out.)
      const local = heap.full ? scoreToEnter(heap.worstKey, len) : FLOOR_NONE;
      const need = (local > floor ? local : floor) - bound.maxScore;
      if (need > bound.maxRules || ruleBound(q, bytes, start, start + len, start + baseStarts[i]!, (flags[i]! & FLAG_DIR) !== 0, need) < need) {
        matched[matchCount++] = i;
        continue;
      }
    }
    const isDir = (flags[i]! & FLAG_DIR) !== 0;
    const score = q.empty ? 0 : scorePath(q, "utf8", bytes, start, start + len, start + baseStarts[i]!, isDir, null);
    if (score < 0) continue;
    matched[matchCount++] = i;
    // The tie-break reads the whole path: only for paths that can enter the top N.
    if (score < floor || (heap.full && rankKey(score, len, TIE_BEST) < heap.worstKey)) continue;
    heap.offer(i, rankKey(score, len, tieBreak(bytes, start, start + len)));
  }
  if (sharedFloor && heap.full) raiseFloor(sharedFloor, scoreOfKey(heap.worstKey));
  const top = heap.sorted();
  return { cancelled: false, scanned, matched: matched.slice(0, matchCount), topIndex: top.index, topKey: top.key };
}

/**
 * For queries made only of plain fuzzy terms (no OR, no negation, no anchors), the highest
 * score fzf's scheme can give them: every char a match with the top bonus, the first doubled.
 * Null when the query has other kinds of terms (matching then needs real scoring).
 */
function scoreBound(q: ParsedQuery): { maxScore: number; maxRules: number } | null {
  if (q.empty) return null;
  let maxScore = 0;
  const bonus = maxBonus();
  for (const group of q.groups) {
    if (group.length !== 1) return null;
    const t = group[0]!;
    if (t.inverse || t.kind !== "fuzzy") return null;
    const m = t.utf8.length;
    maxScore += m * (SCORE_MATCH + bonus) + (BONUS_FIRST_CHAR_MULTIPLIER - 1) * bonus;
  }
  const maxRules = BASENAME_BONUS + ALL_IN_BASENAME + NAME_IS_TERMS + STEM_EQUAL + PATH_TAIL + 2 * WHOLE_SEGMENT * q.groups.length;
  return { maxScore, maxRules };
}

/**
 * The most the basename bonus and the path rules can add to a path's fzf score: the name and
 * segment rules exactly (cheap: no alignment), the basename ones from which terms fit the name.
 * Returns early once the sum reaches `enough` (the path gets scored then anyway).
 */
function ruleBound(q: ParsedQuery, bytes: Uint8Array, start: number, end: number, baseStart: number, isDir: boolean, enough: number): number {
  const nameStart = nameStartOf(bytes, start, end, baseStart, isDir);
  const cs = q.caseSensitive;
  const last = q.last;
  let extra = 0;
  if (last && !isDir) {
    const named = nameBonus(bytes, end, baseStart, nameStart, last.utf8, cs);
    extra += named;
    if (named === STEM_EQUAL && q.pathTerms && endsWithTerms(bytes, start, end, baseStart, nameStart, q.pathTerms.utf8, cs)) extra += PATH_TAIL;
  }
  if (isDir && q.wantsFolder) extra += STEM_EQUAL;
  const terms = q.required;
  let fitAny = false;
  let fitAll = true;
  for (const t of terms) {
    if (extra >= enough) return extra;
    const fits = isSubsequence(bytes, nameStart, end, t.utf8, cs);
    if (fits && !fitAny) extra += BASENAME_BONUS;
    fitAny ||= fits;
    fitAll &&= fits;
    extra += WHOLE_SEGMENT * wholeSegments(bytes, start, end, baseStart, t.utf8, isDir, cs);
  }
  if (fitAll && terms.length >= 2) extra += ALL_IN_BASENAME + NAME_IS_TERMS;
  return extra;
}

/** Bounded min-heap on (key, then path bytes descending) so the root is the worst kept entry. */
class TopHeap {
  private readonly index: Int32Array;
  private readonly key: Float64Array;
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly v: TableViews,
  ) {
    this.index = new Int32Array(Math.max(limit, 1));
    this.key = new Float64Array(Math.max(limit, 1));
  }

  get full(): boolean {
    return this.size >= this.limit;
  }

  /** The key of the worst entry kept (only meaningful when full). */
  get worstKey(): number {
    return this.key[0]!;
  }

  offer(i: number, key: number): void {
    if (this.limit <= 0) return;
    if (this.size < this.limit) {
      this.index[this.size] = i;
      this.key[this.size] = key;
      this.up(this.size++);
      return;
    }
    if (this.worse(i, key, this.index[0]!, this.key[0]!)) return;
    this.index[0] = i;
    this.key[0] = key;
    this.down(0);
  }

  sorted(): { index: Int32Array; key: Float64Array } {
    const order = Array.from({ length: this.size }, (_, k) => k);
    order.sort((a, b) => (this.worse(this.index[a]!, this.key[a]!, this.index[b]!, this.key[b]!) ? 1 : -1));
    return {
      index: Int32Array.from(order, (k) => this.index[k]!),
      key: Float64Array.from(order, (k) => this.key[k]!),
    };
  }

  /** Is (a) ranked after (b)? */
  private worse(ai: number, ak: number, bi: number, bk: number): boolean {
    if (ak !== bk) return ak < bk;
    return comparePathBytes(this.v, ai, bi) > 0;
  }

  private up(k: number): void {
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.worse(this.index[k]!, this.key[k]!, this.index[parent]!, this.key[parent]!)) break;
      this.swap(k, parent);
      k = parent;
    }
  }

  private down(k: number): void {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let worst = k;
      if (l < this.size && this.worse(this.index[l]!, this.key[l]!, this.index[worst]!, this.key[worst]!)) worst = l;
      if (r < this.size && this.worse(this.index[r]!, this.key[r]!, this.index[worst]!, this.key[worst]!)) worst = r;
      if (worst === k) return;
      this.swap(k, worst);
      k = worst;
    }
  }

  private swap(a: number, b: number): void {
    const ti = this.index[a]!;
    const tk = this.key[a]!;
    this.index[a] = this.index[b]!;
    this.key[a] = this.key[b]!;
    this.index[b] = ti;
    this.key[b] = tk;
  }
}

function comparePathBytes(v: TableViews, a: number, b: number): number {
  const sa = v.starts[a]!;
  const sb = v.starts[b]!;
  const la = v.lengths[a]!;
  const lb = v.lengths[b]!;
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = v.bytes[sa + k]! - v.bytes[sb + k]!;
    if (d !== 0) return d;
  }
  return la - lb;
}
