// The one tool catalog every transport serves, and the single way a tool is run:
// input checked against its schema, abort honoured, errors normalised.
import { ToolError, type Tool, type ToolContext, type ToolResult } from "./tool.js";
import { argumentsProblem, isPlainObject } from "./schema-check.js";
import { compileSchema } from "../workspace/json-schema.js";
import type { ToolDescription } from "../protocol/index.js";

export type { ToolDescription } from "../protocol/index.js";

const toolName = /^[A-Za-z0-9_.-]{1,64}$/;

export class ToolCatalog {
  private readonly byName = new Map<string, Tool>();

  constructor(tools: Iterable<Tool>) {
    for (const tool of tools) {
      if (!toolName.test(tool.name)) throw new Error(`tool name '${tool.name}' must match [A-Za-z0-9_.-]{1,64}`);
      if (this.byName.has(tool.name)) throw new Error(`two tools are named '${tool.name}'`);
      // At startup, not at a call: a built-in schema that ajv cannot compile is codeintel's bug.
      for (const schema of [tool.inputSchema, tool.outputSchema]) {
        const problem = schema && compileSchema(schema).error;
        if (problem) throw new Error(`tool '${tool.name}': a schema does not compile: ${problem}`);
      }
      this.byName.set(tool.name, tool);
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  list(): Tool[] {
    return [...this.byName.values()];
  }

  get(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  describe(): ToolDescription[] {
    return this.list().map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: t.inputSchema,
      outputSchema: t.outputSchema,
      annotations: t.annotations,
    }));
  }
}

/** Untrusted input as the tool's arguments (none is {}), or ToolError invalid_input naming the first problem. */
export function checkToolInput(tool: Tool, input: unknown): Record<string, unknown> {
  const args = input === undefined || input === null ? {} : input;
  if (!isPlainObject(args)) throw new ToolError("invalid_input", `${tool.name}: arguments must be an object`);
  const problem = argumentsProblem(args, tool.inputSchema);
  if (problem) throw new ToolError("invalid_input", `${tool.name}: ${problem}`);
  return args;
}

/**
 * Runs a tool on untrusted input. Throws ToolError: invalid_input for schema violations,
 * cancelled when the signal fires (even if the tool ignores it, unless it answersWhenCancelled),
 * internal for crashes.
 */
export async function runTool(tool: Tool, input: unknown, ctx: ToolContext): Promise<ToolResult> {
  const args = checkToolInput(tool, input);
  if (ctx.signal.aborted) throw new ToolError("cancelled", `${tool.name}: cancelled`);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ToolError("cancelled", `${tool.name}: cancelled`));
    ctx.signal.addEventListener("abort", onAbort, { once: true });
  });
  // Not raced for a tool that answers when cancelled: its rejection must not go unhandled.
  aborted.catch(() => undefined);
  try {
    // The race answers a cancelled caller promptly; the tool still sees the signal and stops its own work.
    const work = tool.run(args, ctx);
    return await (tool.answersWhenCancelled ? work : Promise.race([work, aborted]));
  } catch (err) {
    if (err instanceof ToolError) throw err;
    if (ctx.signal.aborted) throw new ToolError("cancelled", `${tool.name}: cancelled`);
    throw new ToolError("internal", `${tool.name} failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort!);
  }
}
