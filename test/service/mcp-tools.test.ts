// Every tool of the catalog through MCP (the SDK's Client over `codeintel serve`'s stdio) on
// the fixture projects, with real language servers; then stdin EOF ends the server and every
// language server it started.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, repoRoot, spawnCodeintel } from "./helpers.js";

// Scratch copies of the fixture projects (outside any git work tree), so a test run never
// depends on, or disturbs, the checked-in fixtures.
const fixtures = mkdtempSync(join(tmpdir(), "ci-mcp-fixtures-"));
for (const d of ["ts", "py", "sh", "c"]) cpSync(join(repoRoot, "test/fixtures", d), join(fixtures, d), { recursive: true });
const ts = join(fixtures, "ts");
const roots = ["ts", "py", "sh", "c"].map((d) => join(fixtures, d));
let child: ReturnType<typeof spawnCodeintel>["child"];
let marker: string;
let client: Client;

beforeAll(async () => {
  ({ child, marker } = spawnCodeintel(["serve", ...roots]));
  // The server side of the SDK's stdio framing is symmetric: over the child's pipes it is a client transport.
  const transport = new StdioServerTransport(child.stdout, child.stdin);
  client = new Client({ name: "mcp-tools-test", version: "0" });
  await client.connect(transport);
});

afterAll(() => {
  if (child.exitCode === null) child.kill("SIGKILL");
});

/** Calls a tool; a language server still loading answers "indexing": ask again. */
async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const result = await eventually(
    async () => {
      const r = (await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
      const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
      if (r.isError && /^indexing:/.test(text)) return undefined;
      if (r.isError) throw new Error(`${name} failed: ${text}`);
      return r;
    },
    `${name} answers`,
    120_000,
  );
  expect(result.content[0]).toMatchObject({ type: "text" });
  return result.structuredContent as Record<string, unknown>;
}

function position(file: string, needle: string, nth = 0): { line: number; column: number } {
  const lines = readFileSync(file, "utf8").split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) {
    let at = lines[i].indexOf(needle);
    while (at >= 0) {
      if (seen++ === nth) return { line: i + 1, column: at + 1 };
      at = lines[i].indexOf(needle, at + 1);
    }
  }
  throw new Error(`${needle} not in ${file}`);
}

describe("the whole catalog over MCP stdio", () => {
  it("lists every tool with schemas and read-only annotations", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    for (const expected of [
      "call_hierarchy",
      "definition",
      "diagnostics",
      "document_symbols",
      "find_files",
      "hover",
      "implementation",
      "references",
      "type_definition",
      "workspace_symbols",
    ]) {
      expect(names).toContain(expected);
    }
    for (const t of tools) {
      expect(t.inputSchema.type).toBe("object");
      expect(t.outputSchema?.type).toBe("object");
      // Only restart (it stops language servers), index and import_scip (they write the cache) change anything.
      expect(t.annotations?.readOnlyHint).toBe(!["restart", "index", "import_scip"].includes(t.name));
      expect(t.description?.length).toBeGreaterThan(20);
    }
  });

  it("find_files across the four roots", async () => {
    const out = await call("find_files", { query: "shapes" });
    const paths = (out.results as Array<{ root: string; path: string }>).map((r) => join(r.root, r.path));
    expect(paths).toEqual(expect.arrayContaining([join(ts, "src/shapes.ts"), join(fixtures, "py/pkg/shapes.py"), join(fixtures, "c/shapes.c")]));
  });

  it("document_symbols in TypeScript, Python, shell and C", async () => {
    const names = async (file: string) => ((await call("document_symbols", { file })).results as Array<{ name: string }>).map((s) => s.name);
    expect(await names(join(ts, "src/shapes.ts"))).toEqual(expect.arrayContaining(["Shape", "Circle", "Square", "totalArea"]));
    expect(await names(join(fixtures, "py/pkg/shapes.py"))).toEqual(expect.arrayContaining(["Circle", "total_area"]));
    expect(await names(join(fixtures, "sh/lib.sh"))).toContain("greet");
    expect(await names(join(fixtures, "c/shapes.c"))).toContain("circle_area");
  }, 180_000);

  it("hover, definition, type_definition, implementation, references, call_hierarchy, diagnostics on TypeScript", async () => {
    const main = join(ts, "src/main.ts");
    const shapes = join(ts, "src/shapes.ts");
    const hover = await call("hover", { file: shapes, symbol: "Circle" });
    expect(JSON.stringify(hover.contents)).toContain("Circle");

    const use = position(main, "totalArea", 1);
    const def = await call("definition", { file: main, ...use });
    expect(JSON.stringify(def.results)).toContain("shapes.ts");

    const typeDef = await call("type_definition", { file: main, ...position(main, "new Circle", 0), column: position(main, "new Circle").column + 4 });
    expect(typeDef.total).toBeGreaterThanOrEqual(0);

    const impl = await call("implementation", { file: shapes, symbol: "Shape" });
    expect(JSON.stringify(impl.results)).toMatch(/Circle|Square|shapes\.ts/);

    const refs = await call("references", { file: shapes, symbol: "Circle" });
    expect(refs.total as number).toBeGreaterThanOrEqual(2);

    const calls = await call("call_hierarchy", { file: shapes, symbol: "totalArea", direction: "incoming" });
    expect(JSON.stringify(calls)).toContain("report");

    const diags = await call("diagnostics", { file: main });
    expect(diags.total).toBe(0);
  }, 180_000);

  it("workspace_symbols finds a class by name", async () => {
    const found = await eventually(
      async () => {
        const out = await call("workspace_symbols", { query: "Circle" });
        return (out.total as number) > 0 ? out : undefined;
      },
      "workspace_symbols finds Circle",
      120_000,
    );
    expect(JSON.stringify(found.results)).toContain("Circle");
  }, 180_000);

  it("exits 0 on stdin EOF and leaves no language server behind", async () => {
    expect(processesWithMarker(marker).length).toBeGreaterThan(1);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
    await eventually(() => processesWithMarker(marker).length === 0, "every process of the server is gone");
  }, 60_000);
});
