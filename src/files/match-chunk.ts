// Scores one slice of a path table against a query: the body of a match worker task, kept free of
// worker plumbing so it can also run in-process. A task is a few pieces, each within one segment
// of the table (see path-table.ts), and the loop over a piece reads that segment's arrays by
// slot: it scores every entry of a slot range (or of an explicit slot list, when a query extends
// the previous one), keeps the task's top N over all its pieces, and stops early when the shared
// cancellation flag no longer holds this task's generation.
//
// Public surface:
//   matchChunk(task: MatchTask): MatchChunkResult
//   interface MatchTask, interface MatchPiece, interface MatchChunkResult
//   rankKey(score, pathLength, tie): number    higher ranks first; ties then break on path bytes
//   scoreOfKey(key): number
// A path with non-ASCII characters is scored on its Latin-normalised UTF-16 form (normalizedCodes).
import { attachSegment, FLAG_DELETED, FLAG_DIR, type SegmentViews, type SharedSegment } from "./path-table.js";
import { isSubsequence, maxScoreOf } from "./fuzzy-score.js";
import { ALL_IN_BASENAME, FOLDERS_THEN_NAME, NAME_IS_TERMS, nameBonus, nameStartOf, PATH_TAIL, pathTailBonus, STEM_EQUAL, tieBreak, WHOLE_SEGMENT, wholeSegments } from "./path-rules.js";
import { BASENAME_BONUS, couldMatch, normalizedCodes, parseQuery, scorePath, type ParsedQuery } from "./query.js";

/** Slots of one segment. */
export interface MatchPiece {
  /** The segment's buffers (TableSegment.shared). */
  segment: SharedSegment;
  /** The table index of the segment's slot 0 (TableSegment.base): topIndex is given as table indices. */
  base: number;
  /** Slots [from, to) of the segment, unless `list` (slots) is given. */
  from: number;
  to: number;
  list?: Int32Array;
}

export interface MatchTask {
  pieces: MatchPiece[];
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
  /** Per piece, every matching slot, so a query extending this one re-scores only these. */
  matched: Int32Array[];
  /** The local top N as table indices, best first. */
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

type Bound = ReturnType<typeof scoreBound>;

export function matchChunk(task: MatchTask): MatchChunkResult {
  const empty = { scanned: 0, matched: [], topIndex: new Int32Array(0), topKey: new Float64Array(0) };
  if (Atomics.load(task.cancel, 0) !== task.generation) return { cancelled: true, ...empty };
  const q = cachedQuery && cachedQuery.raw === task.query ? cachedQuery : (cachedQuery = parseQuery(task.query));
  // No cache of views: in a worker each task brings new SharedArrayBuffer objects (structured
  // clone), so a cache keyed by them never hits and would only keep them alive. Six views per
  // piece cost microseconds.
  const views = task.pieces.map((p) => attachSegment(p.segment));
  const heap = new TopHeap(task.limit, task.pieces, views);
  const bound = scoreBound(q);
  const matched: Int32Array[] = [];
  let scanned = 0;
  for (let k = 0; k < task.pieces.length; k++) {
    const r = scanPiece(task, task.pieces[k]!, views[k]!, q, heap, bound);
    scanned += r.scanned;
    if (!r.matched) return { cancelled: true, ...empty, scanned };
    matched.push(r.matched);
  }
  if (task.floor && heap.full) raiseFloor(task.floor, scoreOfKey(heap.worstKey));
  const top = heap.sorted();
  return { cancelled: false, scanned, matched, topIndex: top.index, topKey: top.key };
}

/** One piece into the task's heap (table indices); its matching slots, or null once cancelled. */
function scanPiece(task: MatchTask, piece: MatchPiece, v: SegmentViews, q: ParsedQuery, heap: TopHeap, bound: Bound): { scanned: number; matched: Int32Array | null } {
  const { bytes, starts, lengths, baseStarts, masks, flags } = v;
  const required = q.requiredMask;
  const skipFlags = task.filesOnly ? FLAG_DELETED | FLAG_DIR : FLAG_DELETED;
  const list = piece.list;
  const total = list ? list.length : piece.to - piece.from;
  const matched = new Int32Array(total);
  let matchCount = 0;
  const base = piece.base;
  const sharedFloor = task.floor;
  let floor = sharedFloor ? Atomics.load(sharedFloor, 0) : FLOOR_NONE;
  let scanned = 0;

  for (let n = 0; n < total; n++) {
    if ((n & (CANCEL_CHECK_EVERY - 1)) === 0 && n > 0) {
      if (Atomics.load(task.cancel, 0) !== task.generation) return { scanned, matched: null };
      if (sharedFloor) floor = raiseFloor(sharedFloor, heap.full ? scoreOfKey(heap.worstKey) : FLOOR_NONE);
    }
    scanned++;
    const i = list ? list[n]! : piece.from + n;
    if (flags[i]! & skipFlags) continue;
    if ((masks[i]! & required) !== required) continue;
    const start = starts[i]!;
    const len = lengths[i]!;
    if (masks[i]! & NON_ASCII) {
      const codes = normalizedCodes(decoder.decode(bytes.subarray(start, start + len)), q);
      if (!couldMatch(q, "utf16", codes, 0, codes.length)) continue;
      const score = scorePath(q, "utf16", codes, 0, codes.length, codes.lastIndexOf(47) + 1, (flags[i]! & FLAG_DIR) !== 0, null);
      if (score < 0) continue;
      matched[matchCount++] = i;
      heap.offer(base + i, rankKey(score, len, tieBreak(codes, 0, codes.length)));
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
    const score = scorePath(q, "utf8", bytes, start, start + len, start + baseStarts[i]!, isDir, null);
    if (score < 0) continue;
    matched[matchCount++] = i;
    // The tie-break reads the whole path: only for paths that can enter the top N.
    if (score < floor || (heap.full && rankKey(score, len, TIE_BEST) < heap.worstKey)) continue;
    heap.offer(base + i, rankKey(score, len, tieBreak(bytes, start, start + len)));
  }
  return { scanned, matched: matched.slice(0, matchCount) };
}

/**
 * For queries made only of plain fuzzy terms (no OR, no negation, no anchors), the highest
 * score fzf's scheme can give them: every char a match with the top bonus, the first doubled.
 * Null when the query has other kinds of terms (matching then needs real scoring).
 */
function scoreBound(q: ParsedQuery): { maxScore: number; maxRules: number } | null {
  if (q.empty) return null;
  let maxScore = 0;
  for (const group of q.groups) {
    if (group.length !== 1) return null;
    const t = group[0]!;
    if (t.inverse || t.kind !== "fuzzy") return null;
    maxScore += maxScoreOf(t.utf8.length);
  }
  // Only what this query's shape allows: the all-in-basename and tail rules need two terms or more.
  const several = q.groups.length >= 2;
  const maxRules = BASENAME_BONUS + STEM_EQUAL + (several ? ALL_IN_BASENAME + NAME_IS_TERMS + PATH_TAIL + FOLDERS_THEN_NAME : 0) + 2 * WHOLE_SEGMENT * q.groups.length;
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
    extra += named + pathTailBonus(named, bytes, start, end, baseStart, nameStart, q.pathTerms && q.pathTerms.utf8, cs);
    // Whether the other terms are whole segments is not worth checking for a bound.
    if (named === STEM_EQUAL && q.required.length >= 2) extra += FOLDERS_THEN_NAME;
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

/** Bounded min-heap on (key, then path bytes descending) so the root is the worst kept entry; by table index. */
class TopHeap {
  private readonly index: Int32Array;
  private readonly key: Float64Array;
  private size = 0;

  constructor(
    private readonly limit: number,
    private readonly pieces: MatchPiece[],
    private readonly views: SegmentViews[],
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
    const pa = this.pieceOf(ai);
    const pb = this.pieceOf(bi);
    return comparePathBytes(this.views[pa]!, ai - this.pieces[pa]!.base, this.views[pb]!, bi - this.pieces[pb]!.base) > 0;
  }

  /** The piece holding a kept entry (for equal keys only: rare, and a task has few pieces). */
  private pieceOf(i: number): number {
    for (let k = 0; k < this.pieces.length; k++) {
      const base = this.pieces[k]!.base;
      if (i >= base && i - base < this.views[k]!.starts.length) return k;
    }
    throw new Error(`index ${i} is in none of the task's segments`);
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

/** Compares two entries' paths by bytes, each by its segment's views and slot. */
function comparePathBytes(va: SegmentViews, a: number, vb: SegmentViews, b: number): number {
  const sa = va.starts[a]!;
  const sb = vb.starts[b]!;
  const la = va.lengths[a]!;
  const lb = vb.lengths[b]!;
  const n = Math.min(la, lb);
  for (let k = 0; k < n; k++) {
    const d = va.bytes[sa + k]! - vb.bytes[sb + k]!;
    if (d !== 0) return d;
  }
  return la - lb;
}
