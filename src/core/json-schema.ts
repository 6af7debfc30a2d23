// A real JSON Schema validator (ajv) for schemas codeintel did not write: plugin tools' input and
// output schemas. It is configured as the MCP SDK client configures its own (draft-07 ajv with
// ajv-formats, not strict about unknown keywords), so a schema that compiles here compiles in an
// agent's client and a value that passes here passes there. Schemas are also checked against the
// meta-schema (the client skips that and then fails on `required: 5` in its tool-list parse).
//
//   compileSchema(schema)                   → { validate } or { error }   (one cache, by schema object)
//   schemaProblem(validate, value, name)    → ajv's message for `value`, or undefined when it conforms
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

export type Compiled = { validate: ValidateFunction; error?: undefined } | { validate?: undefined; error: string };

// ajv-formats is CommonJS: its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, validateSchema: true, allErrors: false }));
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

/** ajv's message for the first way `value` breaks the schema (`arguments/file must be string`). */
export function schemaProblem(validate: ValidateFunction, value: unknown, name: string): string | undefined {
  if (validate(value)) return undefined;
  return ajv.errorsText(validate.errors, { dataVar: name });
}
