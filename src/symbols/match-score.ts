// One score for a symbol against a query, whichever index found it: how well the name matches
// (exact > prefix > initials ≈ word prefixes > substring > fuzzy, each a band with room for
// how good the match is inside it), plus how much the symbol is a declaration (top-level >
// member; standing.ts). Locals and noise (test callbacks, data-file keys) sort after every
// declaration instead of competing on score, so they never tie with one.
//
//   const scorer = new MatchScorer(query);  scorer.score(name, kind, standing) → Scored | undefined
//   ranked.sort(byRank)
import { FuzzyMatcher } from "./fuzzy-score.js";
import { humps } from "./name-forms.js";
import { inTestFile, Place, placeIn, type Standing } from "./standing.js";
import { kindWeight } from "./symbol-kinds.js";
import type { MatchTier } from "./types.js";
import { wordStarts } from "./word-starts.js";

export interface Scored {
  tier: MatchTier;
  score: number;
  /** 0 declarations, 1 locals, 2 noise: compared before the score. */
  group: number;
  /** Test files lose ties with source files. */
  test: boolean;
}

// Bands are at least 1000 apart where the order is strict, and the declaration bonus (at most 430) never
// lifts a match over a whole band: a member named exactly `port` beats any prefix match. Prefix
// and initials are 100 apart, so a top-level `PrettyOptions` for `po` ranks beside a member `port`.
const BAND: Record<MatchTier, number> = { exact: 5000, prefix: 4000, humps: 3900, substring: 2500, fuzzy: 1000 };
const PLACE_BONUS = [400, 200, 0, 0];
// A test file's declarations are helpers of the tests: one step down (a top-level `lint` in a
// test stands like the `lint` member of the source's Linter, and loses the tie to it).
const TEST_PLACE_BONUS = [200, 100, 0, 0];

export class MatchScorer {
  readonly #text: string;
  readonly #lower: string;
  readonly #initials: boolean;
  readonly #cased: boolean;
  /** The query's words run together: a word-prefix match needs them as a subsequence of the name. */
  readonly #letters: string;
  readonly #chunks: string[];
  #fuzzy: FuzzyMatcher | undefined;

  constructor(query: string) {
    this.#text = query;
    this.#lower = query.toLowerCase();
    this.#initials = this.#lower.length >= 2 && /^[\p{L}\p{N}]+$/u.test(this.#lower);
    this.#chunks = queryWords(query);
    this.#cased = /\p{Lu}/u.test(query);
    this.#letters = this.#chunks.join("");
  }

  /** The name's match and rank, or undefined when it does not match the query at all. */
  score(name: string, kind: number, standing: Standing): Scored | undefined {
    const match = this.#match(name);
    if (!match) return undefined;
    const place = placeIn(standing);
    const test = inTestFile(standing);
    const band = match.caseMismatch ? BAND.substring : BAND[match.tier];
    return {
      tier: match.tier,
      score: band + Math.max(0, Math.min(match.tier === "fuzzy" ? 900 : 90, match.quality)) + (test ? TEST_PLACE_BONUS : PLACE_BONUS)[place]! + kindWeight(kind) * 10,
      group: place === Place.Noise ? 2 : place === Place.Local ? 1 : 0,
      test,
    };
  }

  #match(name: string): { tier: MatchTier; quality: number; caseMismatch?: boolean } | undefined {
    const text = this.#text;
    const lower = this.#lower;
    const nameLower = name.toLowerCase();
    if (nameLower === lower) return { tier: "exact", quality: name === text ? 90 : 60 };
    if (nameLower.startsWith(lower)) {
      // Smart case, as in the file finder: a query with a capital means its case, so `Formatter`
      // as a prefix of `formatter_class` ranks with substrings (beside HelpFormatter), not above.
      const sameCase = name.startsWith(text);
      return { tier: "prefix", quality: (sameCase ? 30 : 0) + 60 - (name.length - text.length), caseMismatch: !sameCase && this.#cased };
    }
    if (this.#initials) {
      const h = humps(name);
      if (h.startsWith(lower)) return { tier: "humps", quality: 90 - (h.length - lower.length) * 15 };
    }
    if (this.#chunks.length >= 2 && isSubsequence(this.#letters, nameLower)) {
      const q = wordPrefixQuality(this.#chunks, name);
      if (q !== undefined) return { tier: "humps", quality: q };
    }
    const at = nameLower.indexOf(lower);
    if (at >= 0 && lower.length >= 3) {
      const boundary = at === 0 || wordStarts(name)[at] === 1;
      return { tier: "substring", quality: (boundary ? 60 : 20) - Math.min(20, at) + Math.max(0, 30 - (name.length - text.length) / 2) };
    }
    this.#fuzzy ??= new FuzzyMatcher(lower);
    const raw = this.#fuzzy.score(name);
    if (raw <= 0) return undefined;
    // Fuzzy has a wide band of its own (typos near 870, subsequences 300-400, bigrams under 150).
    return { tier: "fuzzy", quality: raw * 0.3 };
  }
}

/** Declarations first, then the better score; a source file before a test; then the shorter name. */
export function byRank<T extends { s: Scored; name: string; id: number }>(a: T, b: T): number {
  return a.s.group - b.s.group || b.s.score - a.s.score || Number(a.s.test) - Number(b.s.test) || a.name.length - b.name.length || a.id - b.id;
}

/** The words of a name or query as typed (`findOrigDecl` → find, orig, decl; `get_comp_cls` → get, comp, cls), lowercased. */
function queryWords(text: string): string[] {
  const starts = wordStarts(text);
  const lower = text.toLowerCase();
  const words: string[] = [];
  let from = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 32;
    // ASCII that is not a letter or digit separates words (as in word-starts.ts); anything else is a letter.
    const sep = c < 128 && !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122));
    if (from >= 0 && (sep || starts[i] === 1)) {
      words.push(lower.slice(from, i));
      from = -1;
    }
    if (!sep && from < 0) from = i;
  }
  return words;
}

/**
 * How well each query word abbreviates a word of the name, in order (`findOrigDecl` →
 * findOriginalDeclaration, `uniqBasedHash` → uniqueBasedOnHash): a prefix, or letters of the
 * word from its first on (`cls` for class). Skipped name words and a late start cost quality.
 */
function wordPrefixQuality(chunks: string[], name: string): number | undefined {
  const words = queryWords(name);
  let w = 0;
  let quality = 80;
  let first = -1;
  for (const chunk of chunks) {
    let found = -1;
    for (let j = w; j < words.length; j++) {
      const word = words[j]!;
      if (word.startsWith(chunk)) {
        found = j;
        break;
      }
      if (word[0] === chunk[0] && isSubsequence(chunk, word)) {
        found = j;
        quality -= 10;
        break;
      }
    }
    if (found < 0) return undefined;
    if (first < 0) first = found;
    else quality -= (found - w) * 15;
    w = found + 1;
  }
  return quality - first * 20 - (words.length - w) * 5;
}

function isSubsequence(needle: string, hay: string): boolean {
  let j = 0;
  for (let i = 0; i < hay.length && j < needle.length; i++) if (hay[i] === needle[j]) j++;
  return j === needle.length;
}
