// The one JSON Schema validator (ajv) and the one way its findings are told: codeintel.json
// against schema/codeintel.schema.json, tool arguments against their input schemas, plugin
// tools' results against their output schemas. ajv is configured as the MCP SDK client
// configures its own (draft-07 with ajv-formats, not strict about unknown keywords), so a schema
// that compiles here compiles in an agent's client and a value that passes here passes there;
// schemas are also checked against the meta-schema (the client skips that and then fails on
// `required: 5` in its tool-list parse).
//
//   compileSchema(schema)            → { validate } or { error }   (one cache, by schema object)
//   schemaProblem(validate, value, noun) → { path, message } of the first break, or undefined
//   schemaProblemText(validate, value, name, noun) → the same as one line under `name`
//   describePath(path, name)         → `arguments.paths[2]`, for a message
//
// A message names the place (a path into the value), says what was wanted, and for an unknown
// key, which known key was probably meant.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { closestName } from "./edit-distance.js";

export type { ValidateFunction };
export type Compiled = { validate: ValidateFunction; error?: undefined } | { validate?: undefined; error: string };

/** Where a value breaks its schema: the path of keys and indexes to the offending value (or the unknown key itself). */
export interface SchemaProblem {
  path: (string | number)[];
  /** What is wrong, to follow the path's name (`must be integer, got string "x"`). */
  message: string;
}

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
// verbose: errors carry the failing schema and data, for "known: ..." and "got ...".
// ownProperties: an inherited `toString` is not a property of the arguments.
const ajv = addFormats(new Ajv({ strict: false, validateSchema: true, allErrors: false, verbose: true, ownProperties: true, strictNumbers: true }));
const cache = new WeakMap<object, Compiled>();

/** The compiled validator of `schema`, or why it does not compile; compiled once per schema object. */
export function compileSchema(schema: object): Compiled {
  const hit = cache.get(schema);
  if (hit) return hit;
  let compiled: Compiled;
  try {
    compiled = { validate: ajv.compile(schema) };
  } catch (err) {
    compiled = { error: err instanceof Error ? err.message : String(err) };
  }
  cache.set(schema, compiled);
  return compiled;
}

/**
 * The first way `value` breaks the schema, or undefined when it conforms; `noun` names what an
 * unknown key is (`key`, `parameter`). Properties set to undefined count as absent, as they do
 * for JSON (an in-process caller's `{ limit: undefined }`).
 */
export function schemaProblem(validate: ValidateFunction, value: unknown, noun = "key"): SchemaProblem | undefined {
  value = withoutUndefined(value);
  if (validate(value)) return undefined;
  const errors = validate.errors!;
  // `if` reports only that its branch failed; the branch's own error says how. A wrong type
  // under anyOf is told as the alternatives' types, not as the first alternative's.
  let error = errors.find((e) => e.keyword !== "if" && e.keyword !== "anyOf") ?? errors[0]!;
  const alternatives = errors.find((e) => e.keyword === "anyOf" && e.instancePath === error.instancePath);
  if (alternatives && error.keyword === "type") error = alternatives;
  return explain(error, pointerPath(error.instancePath, value), noun);
}

/** The first break as one line naming its place under `name` (`arguments.limit must be integer, got string "x"`), or undefined. */
export function schemaProblemText(validate: ValidateFunction, value: unknown, name: string, noun = "key"): string | undefined {
  const problem = schemaProblem(validate, value, noun);
  return problem && `${describePath(problem.path, name)} ${problem.message}`;
}

/** A path for a message: `name.key[3].other`. */
export function describePath(path: readonly (string | number)[], name: string): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : `${s}.${p.slice(0, 64)}`), name);
}

function explain(error: ErrorObject, path: (string | number)[], noun: string): SchemaProblem {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = String(p.additionalProperty);
      const known = Object.keys(error.parentSchema?.properties ?? {});
      const meant = closestName(key, known);
      return { path: [...path, key], message: `is not a known ${noun}${meant ? `; did you mean \`${meant}\`?` : ""} (known: ${known.join(", ") || "none"})` };
    }
    case "anyOf": {
      const types = (error.schema as { type?: string }[]).map((s) => s.type ?? "something else");
      return { path, message: `must be ${types.join(" or ")}, got ${describe(error.data)}` };
    }
    case "required":
      return { path: [...path, String(p.missingProperty)], message: "is required" };
    case "type":
      return { path, message: `must be ${String(p.type).split(",").join(" or ")}, got ${describe(error.data)}` };
    case "enum":
      return { path, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case "maxLength":
    case "minLength":
      return { path, message: `must have ${error.keyword === "maxLength" ? "at most" : "at least"} ${String(p.limit)} characters (got ${[...String(error.data)].length})` };
    case "maxItems":
    case "minItems":
      return { path, message: `must have ${error.keyword === "maxItems" ? "at most" : "at least"} ${String(p.limit)} item${p.limit === 1 ? "" : "s"} (got ${(error.data as unknown[]).length})` };
    default:
      return { path, message: error.message ?? `breaks the schema's ${error.keyword}` };
  }
}

/** ajv's instancePath (a JSON pointer) as keys and indexes of `root`. */
function pointerPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let at = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const index = Array.isArray(at) ? Number(key) : NaN;
    path.push(Number.isInteger(index) ? index : key);
    at = at !== null && typeof at === "object" ? (at as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

/**
 * Drops undefined-valued keys and array items, as JSON would. Only the first levels: an argument
 * is never deeply nested, and hostile input can be (200,000 levels would overflow the stack here;
 * below the cut the schema check sees the value as it is).
 */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth >= UNDEFINED_STRIP_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((v, i) => {
      const w = withoutUndefined(v, depth + 1);
      if (w !== v) (copy ??= [...value])[i] = w;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const w = withoutUndefined(v, depth + 1);
    if (w === v) continue;
    copy ??= { ...value };
    if (w === undefined) delete copy[k];
    else copy[k] = w;
  }
  return copy ?? value;
}

const UNDEFINED_STRIP_DEPTH = 32;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}
