// Tool arguments checked against the tool's input schema with the one JSON Schema validator
// (workspace/json-schema.ts, ajv), built-in and plugin tools alike, so every transport answers
// wrong params with one clear message naming the argument (and the one meant, for a mistyped
// one), before a tool spends any work on oversized input.
import { compileSchema, schemaProblemText } from "../workspace/json-schema.js";

/** The first problem with a tool's `args` against its `inputSchema` (`arguments.limit must be integer, got ...`), or undefined when they conform. */
export function argumentsProblem(args: Record<string, unknown>, inputSchema: object): string | undefined {
  const compiled = compileSchema(inputSchema);
  if (!compiled.validate) throw new Error(`the input schema does not compile: ${compiled.error}`);
  return schemaProblemText(compiled.validate, args, "arguments", "parameter")?.replaceAll(PROTO_KEY_STAND_IN, "__proto__");
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
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
