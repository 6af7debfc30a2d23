// Bounds on a glob before picomatch sees it. picomatch compiles on the calling thread and its
// regexes backtrack: a 4,000-character nested-brace `path` glob cost 4.7 s of event loop (every
// client waited 14 s), nested extglobs 8 s to compile, and `a*a*a*a*b` 0.5 s per long file name
// matched. Every glob input (workspace_symbols' `path`, a tsconfig's include/exclude) is checked
// here first; past a bound it is refused, never compiled.
//
//   globProblem(pattern) → why the glob is refused (naming the limit), or undefined
//   GLOB_LIMITS

export const GLOB_LIMITS = {
  /** Characters in one glob: real ones are a few dozen. */
  maxChars: 256,
  /** `{…}` and extglob `@(…)` groups, in all. */
  maxGroups: 16,
  /** Groups inside groups. */
  maxDepth: 4,
  /** `*` / `?` / `[…]` in one path segment (`**` is a folder wildcard, not counted): each more multiplies the backtracking. */
  maxWildcardsPerSegment: 3,
} as const;

const EXTGLOB_OPENERS = new Set(["@", "!", "+", "*", "?"]);

export function globProblem(pattern: string): string | undefined {
  const L = GLOB_LIMITS;
  if (pattern.length > L.maxChars) return `the path glob has ${pattern.length} characters; at most ${L.maxChars} are allowed`;
  let groups = 0;
  let depth = 0;
  let wildcards = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === "\\") {
      i++; // an escaped character is literal
      continue;
    }
    const extglob = EXTGLOB_OPENERS.has(c) && pattern[i + 1] === "(";
    if (c === "{" || extglob) {
      if (extglob) i++;
      if (++groups > L.maxGroups) return `the path glob has more than ${L.maxGroups} {…} or (…) groups; at most ${L.maxGroups} are allowed`;
      if (++depth > L.maxDepth) return `the path glob nests {…} or (…) groups more than ${L.maxDepth} deep; at most ${L.maxDepth} levels are allowed`;
    } else if ((c === "}" || c === ")") && depth > 0) {
      depth--;
    } else if (c === "/") {
      wildcards = 0;
    } else if (c === "*" && pattern[i + 1] === "*") {
      while (pattern[i + 1] === "*") i++; // `**`
    } else if (c === "*" || c === "?" || c === "[") {
      if (c === "[") i = classEnd(pattern, i);
      if (++wildcards > L.maxWildcardsPerSegment) {
        return `the path glob has more than ${L.maxWildcardsPerSegment} wildcards (*, ?, […]) in one path segment; at most ${L.maxWildcardsPerSegment} are allowed`;
      }
    }
  }
  return undefined;
}

/** Index of the `]` closing the class opened at `start` (a `]` first in the class is literal), or `start` when unclosed. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "!" || pattern[i] === "^") i++;
  if (pattern[i] === "]") i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === "\\") i++;
    else if (pattern[i] === "]") return i;
  }
  return start;
}
