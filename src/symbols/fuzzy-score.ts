// Scores a symbol name against a query for the fuzzy tier: a subsequence match rewarded for
// landing on word starts and for consecutive runs; failing that, a typo-tolerant bigram
// overlap so `getUsreService` still finds `getUserService`.
import { editDistance } from "../workspace/edit-distance.js";
import { wordStarts } from "./word-starts.js";

/** A positive score when `name` matches `query` (lowercase), or 0 when it does not. */
export function fuzzyScore(queryLower: string, name: string): number {
  return new FuzzyMatcher(queryLower).score(name);
}

/** One query scored against many names: the query's bigrams are computed once. */
export class FuzzyMatcher {
  readonly #q: string;
  #bigrams: string[];
  constructor(queryLower: string) {
    this.#q = queryLower;
    this.#bigrams = [];
    for (let i = 0; i + 1 < queryLower.length; i++) this.#bigrams.push(queryLower.slice(i, i + 2));
    this.#bigrams = [...new Set(this.#bigrams)];
  }
  score(name: string): number {
    const lower = name.toLowerCase();
    // One or two typos in the whole name (swapped, missing, extra or wrong letters) is the
    // closest thing to an exact match: it ranks above any loose subsequence.
    const q = this.#q;
    if (q.length >= 4 && Math.abs(lower.length - q.length) <= 2) {
      const d = editDistance(q, lower, q.length >= 8 ? 2 : 1);
      if (d > 0 && d <= (q.length >= 8 ? 2 : 1)) return 3000 - d * 100 - Math.abs(lower.length - q.length);
    }
    const sub = subsequenceScore(this.#q, name, lower);
    if (sub > 0) return 1000 + sub;
    if (this.#q.length < 4) return 0;
    const overlap = bigramOverlap(this.#bigrams, this.#q.length, lower);
    return overlap >= 0.6 ? Math.round(overlap * 500) : 0;
  }
}

let bufA = new Float64Array(64);
let bufB = new Float64Array(64);

/**
 * Best subsequence alignment by dynamic programming over (query char, name position):
 * +16 for a word start, +8 for continuing a run, -1 per skipped character, +10 at position 0.
 */
function subsequenceScore(q: string, name: string, lower: string): number {
  const n = name.length;
  const m = q.length;
  if (m === 0 || m > n) return 0;
  // Quick reject: not a subsequence at all.
  let j = 0;
  let end = -1;
  for (let i = 0; i < n && j < m; i++) {
    if (lower.charCodeAt(i) === q.charCodeAt(j)) {
      j++;
      end = i;
    }
  }
  if (j < m) return 0;
  // The tightest window ending where the earliest full match ends: letters strewn over a long
  // name (a test callback's description, a long path-like name) are a coincidence, not a match.
  let start = end;
  for (let k = m - 1; k >= 0; start--) if (lower.charCodeAt(start) === q.charCodeAt(k)) k--;
  if (end - start > 3 * m + 10) return 0;

  const starts = wordStarts(name);
  const NEG = -1e9;
  // best[i] = best score with query[0..k] matched and query[k] at name position i
  if (bufA.length < n) {
    bufA = new Float64Array(n * 2);
    bufB = new Float64Array(n * 2);
  }
  let prev = bufA;
  let cur = bufB;
  prev.fill(NEG, 0, n);
  for (let k = 0; k < m; k++) {
    const c = q.charCodeAt(k);
    let bestBefore = NEG; // best of prev[p] - gap penalty for p < i - 1
    for (let i = 0; i < n; i++) {
      cur[i] = NEG;
      if (lower.charCodeAt(i) === c) {
        const bonus = (starts[i] ? 16 : 0) + (i === 0 ? 10 : 0);
        if (k === 0) {
          cur[i] = bonus - i * 0.5;
        } else {
          const consecutive = i > 0 && prev[i - 1]! > NEG ? prev[i - 1]! + 8 : NEG;
          const gapped = bestBefore;
          const base = Math.max(consecutive, gapped);
          if (base > NEG) cur[i] = base + bonus;
        }
      }
      // A gap from position p to i costs (i - p - 1): carry the best start with a -1 per step.
      if (k > 0) bestBefore = Math.max(bestBefore - 1, i > 0 ? prev[i - 1]! - 1 : NEG);
    }
    [prev, cur] = [cur, prev];
  }
  let best = NEG;
  for (let i = 0; i < n; i++) if (prev[i]! > best) best = prev[i]!;
  if (best <= NEG / 2) return 0;
  // Shorter names win ties: a match covering more of the name is more specific.
  return Math.max(1, Math.round(best * 4 - (n - m)));
}

/** Share of the query's bigrams found in the name, discounted when the lengths differ a lot. */
function bigramOverlap(bigrams: string[], queryLength: number, lower: string): number {
  if (bigrams.length === 0) return 0;
  let shared = 0;
  for (const g of bigrams) if (lower.includes(g)) shared++;
  const lengthRatio = Math.min(queryLength, lower.length) / Math.max(queryLength, lower.length);
  return (shared / bigrams.length) * (0.5 + 0.5 * lengthRatio);
}
