// A small JSON Schema check for tool inputs (the subset tool schemas use: type, required,
// properties, additionalProperties, enum, items, maxItems, minimum/maximum, minLength/maxLength). It exists so
// every transport answers wrong params with one clear message naming the field (and the field
// meant, for a mistyped one), before a tool spends any work on oversized input.
import { closestName } from "../workspace/edit-distance.js";

type Schema = Record<string, unknown>;

/** The first problem with `value` against `schema`, or undefined when it conforms. */
export function checkAgainstSchema(value: unknown, schema: Schema, path = "params"): string | undefined {
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
  if (types && !types.some((t) => hasType(value, t))) {
    return `${path} must be ${types.join(" or ")}, got ${describe(value)}`;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    return `${path} must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`;
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) return `${path} must be >= ${schema.minimum}`;
    if (typeof schema.maximum === "number" && value > schema.maximum) return `${path} must be <= ${schema.maximum}`;
  }
  if (typeof value === "string" && typeof schema.minLength === "number" && value.length < schema.minLength) {
    return `${path} must have at least ${schema.minLength} characters`;
  }
  if (typeof value === "string" && typeof schema.maxLength === "number" && value.length > schema.maxLength) {
    return `${path} must have at most ${schema.maxLength} characters (got ${value.length})`;
  }
  // Before the items: a huge array is refused without looking at each element.
  if (Array.isArray(value) && typeof schema.maxItems === "number" && value.length > schema.maxItems) {
    return `${path} must have at most ${schema.maxItems} items (got ${value.length})`;
  }
  if (Array.isArray(value) && schema.items && typeof schema.items === "object") {
    for (let i = 0; i < value.length; i++) {
      const problem = checkAgainstSchema(value[i], schema.items as Schema, `${path}[${i}]`);
      if (problem) return problem;
    }
  }
  if (isPlainObject(value)) {
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const key of (schema.required as string[] | undefined) ?? []) {
      if (value[key] === undefined) return `${path}.${key} is required`;
    }
    for (const [key, v] of Object.entries(value)) {
      // Own properties only: `constructor`, `toString` or `__proto__` are not parameters because
      // every object inherits them.
      const sub = Object.hasOwn(props, key) ? props[key] : undefined;
      if (sub) {
        if (v === undefined) continue;
        const problem = checkAgainstSchema(v, sub, `${path}.${key}`);
        if (problem) return problem;
      } else if (schema.additionalProperties === false) {
        const meant = closestName(key, Object.keys(props));
        return `${path}.${(key === PROTO_KEY_STAND_IN ? "__proto__" : key).slice(0, 64)} is not a known parameter${meant ? `; did you mean \`${meant}\`?` : ""} (known: ${Object.keys(props).join(", ") || "none"})`;
      }
    }
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isPlainObject(value);
    case "null":
      return value === null;
    default:
      return true;
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)?.slice(0, 40)}`;
}

/**
 * An own `__proto__` key survives JSON.parse but not the MCP SDK's message parsing (zod copies
 * objects by assignment, which sets a prototype instead of a key), so over MCP it would vanish
 * before the unknown-parameter check instead of being refused as on every other entry point.
 * The MCP transports rename it first to this stand-in, which the check reports as `__proto__`.
 */
export const PROTO_KEY_STAND_IN = "\u0000__proto__";

/** Renames an own `__proto__` key of a `tools/call` request's arguments to PROTO_KEY_STAND_IN, in place. */
export function keepProtoKey(message: unknown): void {
  if (!isPlainObject(message) || message.method !== "tools/call" || !isPlainObject(message.params)) return;
  const args = message.params.arguments;
  if (!isPlainObject(args) || !Object.hasOwn(args, "__proto__")) return;
  Object.defineProperty(args, PROTO_KEY_STAND_IN, { value: Object.getOwnPropertyDescriptor(args, "__proto__")!.value, enumerable: true, writable: true, configurable: true });
  delete (args as Record<string, unknown>)["__proto__"];
}
