// A plugin's `tools`, checked one by one and turned into catalog tools. A tool whose definition
// is wrong (its name, its run, a schema ajv cannot compile or MCP clients would refuse) is refused
// alone, with a message naming the plugin, the tool and the problem: served, one bad schema would
// make an MCP client reject the whole tool list. The catalog checks arguments against inputSchema
// before run, with the validator built-in tools use; a result that breaks the tool's outputSchema
// is answered as an error naming the plugin, never served (the client would throw on it).
//
//   pluginTools(contribution, source, taken)   → { tools, refused }   (refused: one line each)
import { compileSchema, schemaProblemText } from "../workspace/json-schema.js";
import { isPlainObject } from "../core/schema-check.js";
import { defineTool, ToolError, type JsonSchema, type Tool } from "../core/tool.js";
import type { PluginContribution, PluginTool } from "./plugin-api.js";

const toolName = /^[A-Za-z0-9_.-]{1,64}$/;
const anyObject: JsonSchema = { type: "object" };

export function pluginTools(contribution: PluginContribution, source: string, taken: ReadonlySet<string>): { tools: Tool[]; refused: string[] } {
  if (contribution.tools === undefined) return { tools: [], refused: [] };
  if (!Array.isArray(contribution.tools)) throw new Error("tools must be an array");
  const tools: Tool[] = [];
  const refused: string[] = [];
  const names = new Set(taken);
  contribution.tools.forEach((t: PluginTool, i) => {
    const name = isPlainObject(t) && typeof t.name === "string" ? t.name : `tools[${i}]`;
    const problem = definitionProblem(t, names);
    if (problem) {
      refused.push(`codeintel: ${source}: tool '${name.slice(0, 64)}' refused: ${problem}`);
      return;
    }
    names.add(t.name);
    tools.push(asCatalogTool(t, source));
  });
  return { tools, refused };
}

function definitionProblem(t: PluginTool, taken: ReadonlySet<string>): string | undefined {
  if (!isPlainObject(t) || typeof t.name !== "string" || !toolName.test(t.name)) return "name must match [A-Za-z0-9_.-]{1,64}";
  if (taken.has(t.name)) return "the name is already taken";
  if (typeof t.description !== "string") return "description must be a string";
  if (typeof t.run !== "function") return "run must be a function";
  for (const key of ["inputSchema", "outputSchema"] as const) {
    const schema: unknown = t[key];
    if (key === "outputSchema" && schema === undefined) continue;
    const problem = schemaDefinitionProblem(schema);
    if (problem) return `${key}: ${problem}`;
  }
  return undefined;
}

/** What MCP requires of a tool schema's top level (the SDK client parses tool lists with these rules), then ajv's compile. */
function schemaDefinitionProblem(schema: unknown): string | undefined {
  if (!isPlainObject(schema) || schema.type !== "object") return 'must be a JSON Schema object with type "object"';
  if (schema.properties !== undefined) {
    if (!isPlainObject(schema.properties)) return "properties must be an object";
    for (const [key, sub] of Object.entries(schema.properties)) if (!isPlainObject(sub)) return `properties.${key} must be a schema object`;
  }
  const compiled = compileSchema(schema);
  return compiled.error;
}

function asCatalogTool(t: PluginTool, source: string): Tool {
  // Compiled in definitionProblem; a cache hit. The catalog checks the arguments with the same validator.
  const output = t.outputSchema ? compileSchema(t.outputSchema).validate! : undefined;
  return defineTool<Record<string, unknown>, unknown>({
    name: t.name,
    title: t.title ?? t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    outputSchema: t.outputSchema ?? anyObject,
    annotations: { readOnlyHint: false, idempotentHint: false, ...t.annotations },
    async run(args, ctx) {
      const out = await t.run(args, { signal: ctx.signal, progress: ctx.progress ?? (() => undefined) });
      if (!isPlainObject(out) || typeof out.text !== "string") throw new ToolError("internal", `${source}: tool ${t.name}: run must return { text, structured? }`);
      if (!output) return { structured: {}, text: out.text };
      const problem = isPlainObject(out.structured) ? schemaProblemText(output, out.structured, "structured") : "structured must be an object";
      if (problem) throw new ToolError("internal", `${source}: tool ${t.name} returned a result that does not match its outputSchema: ${problem}`);
      return { structured: out.structured, text: out.text };
    },
  });
}
