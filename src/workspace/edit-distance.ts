// Edit distance, the one definition: fuzzy symbol matching (a typo or two), "did you mean" hints
// for unknown symbols, tool parameters and CLI options. Inputs are cut to a bounded length
// first: a comparison never costs more than a few thousand steps, whatever a caller sends.

const MAX_COMPARED = 128;

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps
 * cost 1 each. With `max`, gives up with max + 1 as soon as every alignment costs more.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  a = a.slice(0, MAX_COMPARED);
  b = b.slice(0, MAX_COMPARED);
  const m = b.length;
  let prev2 = new Array<number>(m + 1).fill(0);
  let prev = Array.from({ length: m + 1 }, (_, j) => j);
  let cur = new Array<number>(m + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[m]!;
}

/** The known name a mistyped one most likely meant (`col` → `column`), or undefined when none is close. */
export function closestName(wanted: string, known: readonly string[]): string | undefined {
  const w = wanted.toLowerCase().slice(0, MAX_COMPARED);
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const n = name.toLowerCase();
    const d = n.startsWith(w) || w.startsWith(n) ? 0.5 : editDistance(w, n);
    if (d <= Math.max(1, Math.min(2, w.length - 2)) && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
