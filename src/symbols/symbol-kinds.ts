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
/** Kinds servers give a name holding a value (an enum member, a function): property, field, variable, constant. */
const VALUE_KINDS = new Set([7, 8, 13, 14]);
const MEMBER_VALUE_KINDS = new Set([7, 8]);

/** Where a symbol is declared, as far as its kind depends on it. */
export interface KindContext {
  /** The kind of the symbol it is declared directly inside (after this rule). */
  parentKind?: number;
  /** The file's lines and where the symbol's name ends (its selectionRange end), when known. */
  lines?: readonly string[];
  nameEnd?: { line: number; character: number };
}

/**
 * The one kind rule, for every source (a server's outline, the cache, the syntax tier), so a
 * `kind` filter finds the same symbols whoever answered:
 * - a value of an enum is an enum member whatever the server calls it (tsserver and pyright say
 *   constant), so `kind: enumMember` finds TypeScript and Python enum members as it finds C ones;
 * - a name assigned a function (`export const f = () =>`, `f = lambda x: ...`) is a function
 *   (a method, in a class): servers call it a constant, variable or property, people look for it
 *   as a function.
 */
export function declaredKind(kind: number, at: KindContext = {}): number {
  if (at.parentKind === ENUM && VALUE_KINDS.has(kind)) return ENUM_MEMBER;
  if (at.lines && at.nameEnd && VALUE_KINDS.has(kind) && functionValued(at.lines, at.nameEnd)) return MEMBER_VALUE_KINDS.has(kind) ? 6 : 12;
  return kind;
}

/** Whether the name ending at `end` is assigned a function. */
function functionValued(lines: readonly string[], end: { line: number; character: number }): boolean {
  const line = lines[end.line];
  if (line === undefined) return false;
  let rest = line.slice(end.character);
  for (let i = end.line + 1; rest.length < 300 && i < lines.length && i <= end.line + 3; i++) rest += "\n" + lines[i];
  return FUNCTION_VALUE.test(rest);
}

// `=` (after an optional type annotation), then `function`, `lambda`, `(params) =>`, `x =>` or a generic arrow `<T>(`.
const FUNCTION_VALUE = /^\s*(?::[^=;]*?)?=\s*(?:async\b\s*)?(?:function\b|lambda\b|\([^)]*\)\s*(?::[^=;{]*)?=>|[A-Za-z_$][\w$]*\s*=>|<[^;{}]*?>\s*\()/;
