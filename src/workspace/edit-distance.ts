// Levenshtein distance for "did you mean" hints (unknown symbols, unknown parameters). Inputs are
// cut to a bounded length first: a hint never costs more than a few thousand steps per name,
// whatever a caller sends.

const MAX_COMPARED = 128;

export function editDistance(a: string, b: string): number {
  a = a.slice(0, MAX_COMPARED);
  b = b.slice(0, MAX_COMPARED);
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
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
