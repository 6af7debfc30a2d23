// LSP SymbolKind numbers and the names people type for them (`--kind class`).

const kindNames = [
  "file", "module", "namespace", "package", "class", "method", "property", "field", "constructor", "enum",
  "interface", "function", "variable", "constant", "string", "number", "boolean", "array", "object", "key",
  "null", "enummember", "struct", "event", "operator", "typeparameter",
] as const;

/** Lowercase name of an LSP SymbolKind number ("class" for 5); "unknown" outside 1..26. */
export function kindName(kind: number): string {
  return kindNames[kind - 1] ?? "unknown";
}

/**
 * Parses kind filters given as numbers or names, case-insensitive ("Class", "enum_member", "12").
 * Throws with the list of valid names on an unknown one.
 */
export function parseKinds(values: readonly (string | number)[]): number[] {
  return values.map((v) => {
    if (typeof v === "number") return checkNumber(v);
    const trimmed = v.trim().toLowerCase().replace(/[_\s-]/g, "");
    if (/^\d+$/.test(trimmed)) return checkNumber(Number(trimmed));
    const i = kindNames.indexOf(trimmed as (typeof kindNames)[number]);
    if (i < 0) throw new Error(`unknown symbol kind '${v}'; expected one of ${kindNames.join(", ")}`);
    return i + 1;
  });
}

function checkNumber(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > kindNames.length) throw new Error(`symbol kind ${n} is outside 1..${kindNames.length}`);
  return n;
}

/**
 * How much a kind matters when two matches are otherwise equal: declarations people search for
 * (types, functions) before members, before locals.
 */
export function kindWeight(kind: number): number {
  switch (kind) {
    case 5: case 10: case 11: case 23: case 2: case 3: case 4: // class, enum, interface, struct, module, namespace, package
      return 3;
    case 12: case 6: case 9: case 14: // function, method, constructor, constant
      return 2;
    case 7: case 8: case 22: case 26: // property, field, enum member, type parameter
      return 1;
    default:
      return 0;
  }
}
