// Tool arguments are checked by ajv against the tool's input schema, with messages that name
// the argument, what was wanted and, for a mistyped name, the one meant: the same for built-in
// and plugin tools, on every transport (they all run tools through runTool).
import { describe, expect, it } from "vitest";
import { runTool, ToolCatalog } from "../../src/core/catalog.js";
import { PROTO_KEY_STAND_IN } from "../../src/core/schema-check.js";
import { defineTool, type Tool } from "../../src/core/tool.js";

const echo = defineTool<Record<string, unknown>, unknown>({
  name: "echo",
  title: "echo",
  description: "answers its arguments",
  inputSchema: {
    type: "object",
    additionalProperties: false,
    required: ["file"],
    properties: {
      file: { type: "string", maxLength: 8 },
      line: { type: "integer", minimum: 1 },
      kind: { type: "string", enum: ["function", "class"] },
      paths: { type: "array", maxItems: 3, items: { type: "string" } },
      column: { type: "integer" },
    },
  },
  outputSchema: { type: "object" },
  annotations: { readOnlyHint: true, idempotentHint: true },
  async run(args) {
    return { structured: args, text: JSON.stringify(args) };
  },
});

const call = (args: unknown) => runTool(echo, args, { signal: new AbortController().signal });
const refusal = (args: unknown) => call(args).then(() => "accepted", (e: Error) => e.message);

describe("tool arguments against the input schema", () => {
  it("names the argument and what it must be", async () => {
    expect(await refusal({})).toBe("echo: arguments.file is required");
    expect(await refusal({ file: 5 })).toBe("echo: arguments.file must be string, got number 5");
    expect(await refusal({ file: "a", line: 0 })).toBe("echo: arguments.line must be >= 1");
    expect(await refusal({ file: "a", line: 1.5 })).toBe("echo: arguments.line must be integer, got number 1.5");
    expect(await refusal({ file: "a", kind: "klass" })).toBe('echo: arguments.kind must be one of "function", "class"');
    expect(await refusal({ file: "a", paths: ["x", 2] })).toBe("echo: arguments.paths[1] must be string, got number 2");
    expect(await refusal({ file: "abcdefghij" })).toBe("echo: arguments.file must have at most 8 characters (got 10)");
    expect(await refusal([])).toBe("echo: arguments must be an object");
  });

  it("refuses a huge array by its length, before its items", async () => {
    expect(await refusal({ file: "a", paths: [1, 2, 3, 4] })).toBe("echo: arguments.paths must have at most 3 items (got 4)");
  });

  it("names an unknown argument, the one meant and the known ones", async () => {
    expect(await refusal({ file: "a", col: 3 })).toBe("echo: arguments.col is not a known parameter; did you mean `column`? (known: file, line, kind, paths, column)");
    // Inherited names are not parameters; an own __proto__ (renamed by the MCP transports) is named as sent.
    expect(await refusal(JSON.parse('{ "file": "a", "constructor": 1 }'))).toMatch(/^echo: arguments.constructor is not a known parameter/);
    expect(await refusal({ file: "a", [PROTO_KEY_STAND_IN]: 1 })).toMatch(/^echo: arguments.__proto__ is not a known parameter/);
    expect(await refusal({ file: "a", ["k".repeat(1000)]: 1 })).toMatch(new RegExp(`^echo: arguments.${"k".repeat(64)} is not`));
  });

  it("takes an argument set to undefined as absent, as JSON would", async () => {
    expect((await call({ file: "a", line: undefined })).structured).toEqual({ file: "a", line: undefined });
  });

  it("refuses at startup a tool whose schema does not compile", () => {
    const broken: Tool = { ...echo, name: "broken", inputSchema: { type: "object", required: 5 } as unknown as Tool["inputSchema"] };
    expect(() => new ToolCatalog([broken])).toThrow(/tool 'broken': a schema does not compile: schema is invalid/);
  });
});
