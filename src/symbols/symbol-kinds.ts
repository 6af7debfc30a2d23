// LSP SymbolKind numbers and their names: the one vocabulary for what tools print
// (`enum member`) and what people type to filter (`--kind enumMember`, `enum_member`, `22`).

const kindNames = [
  "file", "module", "namespace", "package", "class", "method", "property", "field", "constructor", "enum",
  "interface", "function", "variable", "constant", "string", "number", "boolean", "array", "object", "key",
  "null", "enum member", "struct", "event", "operator", "type parameter",
] as const;

/** Filters compare names without case, spaces, `_` or `-`: "enumMember" = "enum_member" = "enum member". */
const filterForms: readonly string[] = kindNames.map((n) => filterForm(n));

function filterForm(name: string): string {
  return name.trim().toLowerCase().replace(/[_\s-]/g, "");
}

/** Display name of an LSP SymbolKind number ("class" for 5, "enum member" for 22); "symbol" for none or one outside 1..26. */
export function kindName(kind: number | undefined): string {
  return (kind !== undefined && kindNames[kind - 1]) || "symbol";
}

/**
 * Parses kind filters given as numbers or names, case-insensitive ("Class", "enum_member", "12").
 * Throws with the list of valid names on an unknown one.
 */
export function parseKinds(values: readonly (string | number)[]): number[] {
  return values.map((v) => {
    if (typeof v === "number") return checkNumber(v);
    const form = filterForm(v);
    if (/^\d+$/.test(form)) return checkNumber(Number(form));
    const i = filterForms.indexOf(form);
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

const ENUM = 10;
const ENUM_MEMBER = 22;
/** Kinds servers give enum members instead of EnumMember (tsserver and pyright: constant). */
const ENUM_MEMBER_STAND_INS = new Set([7, 8, 13, 14]); // property, field, variable, constant

/**
 * The kind of a symbol declared directly inside `parentKind`, evened out across servers: a value
 * of an enum is an enum member whatever the server calls it, so `kind: enumMember` finds
 * TypeScript and Python enum members as it finds C ones.
 */
export function declaredKind(kind: number, parentKind: number | undefined): number {
  return parentKind === ENUM && ENUM_MEMBER_STAND_INS.has(kind) ? ENUM_MEMBER : kind;
}
