// Where a symbol stands as a declaration, worked out once when it is written: what an agent
// searching by name means is a top-level declaration, then a member, rarely a local, and almost
// never a test callback (`describe('parser') callback`) or a key of a JSON/YAML file. The query
// ranks by it (query.ts); it is stored as one small integer so the covering indexes carry it.
//
//   placeOfSymbol(name, parent, dataFile) → Place;  standing(place, isTestFile(path)) → the stored value

/** A symbol's declaration class, best first. */
export const Place = {
  /** Declared at file level (or in a module/namespace that is). */
  TopLevel: 0,
  /** Inside a class, interface, enum, struct or object. */
  Member: 1,
  /** Inside a function or method body. */
  Local: 2,
  /** A test-framework callback, anything inside one, or a key of a data file. */
  Noise: 3,
} as const;
export type Place = (typeof Place)[keyof typeof Place];

/** Place in the high bits, whether the file is a test in the low bit: `place * 2 + test`. */
export type Standing = number;

export function standing(place: Place, test: boolean): Standing {
  return place * 2 + (test ? 1 : 0);
}

export function placeIn(s: Standing): Place {
  return (s >> 1) as Place;
}

export function inTestFile(s: Standing): boolean {
  return (s & 1) === 1;
}

const CONTAINERS = new Set([2, 3, 4]); // module, namespace, package: their declarations are top-level
const BODIES = new Set([6, 9, 12]); // method, constructor, function

/**
 * The place of a symbol from its name, its parent's place and kind (null at file level), and
 * whether its file holds data rather than code.
 */
export function placeOfSymbol(name: string, parent: { place: Place; kind: number } | null, dataFile: boolean): Place {
  if (dataFile || isTestCallback(name)) return Place.Noise;
  if (parent === null) return Place.TopLevel;
  if (parent.place === Place.Noise) return Place.Noise;
  if (parent.place === Place.Local || BODIES.has(parent.kind)) return Place.Local;
  if (CONTAINERS.has(parent.kind)) return parent.place;
  // Inside a type, or a variable or property holding an object literal: a member of it.
  return Place.Member;
}

/** tsserver names the functions passed to describe/it/test/beforeEach... `describe('x') callback`. */
export function isTestCallback(name: string): boolean {
  return name.endsWith(") callback");
}

/** Files whose "symbols" are keys of data, not declarations. */
export function isDataFile(path: string): boolean {
  return /\.(json|jsonc|json5|ya?ml|toml)$/i.test(path);
}

/** Test sources by the usual conventions: a tests folder, `*.test.*` / `*.spec.*`, `test_*.py`, `*_test.go`. */
export function isTestFile(path: string): boolean {
  return /(^|\/)(__tests__|__mocks__|tests?|spec)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path) || /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(path) || /_test\.go$/.test(path);
}
