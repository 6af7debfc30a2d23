// A document's occurrences as stored: one Int32Array of sextets (symbol id, start line, start
// character, end line, end character, roles), sorted by start, packed as little-endian bytes.
// 24 bytes an occurrence, decoded without parsing (a typed-array view over the blob).
//
//   packOccurrences(list) → Buffer      unpackOccurrences(blob) → Int32Array
//   mergeOccurrences(a, b) → the union (documents that share a path, one per tsconfig project)
//   occurrenceAt(occ, line, character) → index of the innermost occurrence there, or -1

export const FIELDS = 6;
export const SYMBOL = 0;
export const START_LINE = 1;
export const START_CHAR = 2;
export const END_LINE = 3;
export const END_CHAR = 4;
export const ROLES = 5;

/** Occurrence.symbol_roles bit: the occurrence defines the symbol. */
export const ROLE_DEFINITION = 0x1;

export interface PackedOccurrence {
  symbolId: number;
  /** [startLine, startChar, endLine, endChar]. */
  range: [number, number, number, number];
  roles: number;
}

/** SCIP's three- or four-number range as four numbers, or undefined when malformed. */
export function normalizeRange(range: readonly number[]): [number, number, number, number] | undefined {
  if (range.length === 3) return [range[0]!, range[1]!, range[0]!, range[2]!];
  if (range.length === 4) return [range[0]!, range[1]!, range[2]!, range[3]!];
  return undefined;
}

export function packOccurrences(list: readonly PackedOccurrence[]): Buffer {
  const out = new Int32Array(list.length * FIELDS);
  list.forEach((o, i) => {
    out.set([o.symbolId, ...o.range, o.roles], i * FIELDS);
  });
  return sortedBytes(out);
}

/** A view over a stored blob (copied once, so the ints are aligned). */
export function unpackOccurrences(blob: Uint8Array): Int32Array {
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Int32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** The union of two documents' occurrences, duplicates (same symbol, range and roles) once. */
export function mergeOccurrences(a: Int32Array, b: Int32Array): Buffer {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const occ of [a, b]) {
    for (let i = 0; i < occ.length; i += FIELDS) {
      const row = occ.subarray(i, i + FIELDS);
      const key = row.join(",");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(...row);
    }
  }
  return sortedBytes(Int32Array.from(out));
}

function sortedBytes(occ: Int32Array): Buffer {
  const n = occ.length / FIELDS;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((x, y) => compareAt(occ, x * FIELDS, y * FIELDS));
  const sorted = new Int32Array(occ.length);
  order.forEach((from, to) => sorted.set(occ.subarray(from * FIELDS, from * FIELDS + FIELDS), to * FIELDS));
  return Buffer.from(sorted.buffer, sorted.byteOffset, sorted.byteLength);
}

function compareAt(occ: Int32Array, x: number, y: number): number {
  return occ[x + START_LINE]! - occ[y + START_LINE]! || occ[x + START_CHAR]! - occ[y + START_CHAR]! || occ[x + SYMBOL]! - occ[y + SYMBOL]!;
}

/**
 * The occurrence whose range holds (line, character), end included (a cursor just after a name
 * is on it); the innermost when ranges nest. -1 when none does.
 */
export function occurrenceAt(occ: Int32Array, line: number, character: number): number {
  let best = -1;
  for (let i = 0; i < occ.length; i += FIELDS) {
    const sl = occ[i + START_LINE]!;
    if (sl > line) break; // sorted by start: nothing later starts before the position
    const sc = occ[i + START_CHAR]!;
    const el = occ[i + END_LINE]!;
    const ec = occ[i + END_CHAR]!;
    const starts = sl < line || (sl === line && sc <= character);
    const ends = el > line || (el === line && ec >= character);
    if (starts && ends && (best < 0 || contains(occ, best, i))) best = i;
  }
  return best < 0 ? -1 : best / FIELDS;
}

/** Whether the range at `outer` holds the one at `inner`. */
function contains(occ: Int32Array, outer: number, inner: number): boolean {
  const before = (l1: number, c1: number, l2: number, c2: number) => l1 < l2 || (l1 === l2 && c1 <= c2);
  return (
    before(occ[outer + START_LINE]!, occ[outer + START_CHAR]!, occ[inner + START_LINE]!, occ[inner + START_CHAR]!) &&
    before(occ[inner + END_LINE]!, occ[inner + END_CHAR]!, occ[outer + END_LINE]!, occ[outer + END_CHAR]!)
  );
}
