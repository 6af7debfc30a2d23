// Where plugin code meets the service (issue 18, "hardened seams"), with real plugin files in
// scratch projects: tool schemas are validated with ajv when loading (a broken one is refused
// alone, so an MCP client still gets the tool list), arguments with ajv before run, results against
// the outputSchema before serving; an init or a hook that never settles runs into a deadline
// naming the plugin; a fileChanged hook that writes under the root does not feed itself.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { runCli } from "../support/compiled.js";
import { eventually, repoRoot, spawnCodeintel } from "./helpers.js";

const stubServer = join(repoRoot, "test/fixtures/servers/stubborn-ls.mjs");

function project(prefix: string, files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

const count = (text: string, re: RegExp) => (text.match(new RegExp(re, "g")) ?? []).length;

describe("plugin tool schemas and results over MCP (the SDK client)", () => {
  const root = project("ci-seams-mcp-", {
    "codeintel.json": JSON.stringify({
      plugins: ["./plugins/schemas.mjs", "./plugins/stuck-init.mjs", "./plugins/stuck-hook.mjs"],
      pluginLimits: { initTimeoutMs: 1000, hookTimeoutMs: 1000 },
    }),
    "plugins/schemas.mjs": `export default () => ({ tools: [
  { name: "bad_required", description: "x", inputSchema: { type: "object", required: 5 }, async run() { return { text: "no" }; } },
  { name: "bad_output", description: "x", inputSchema: { type: "object" }, outputSchema: { type: "object", properties: { n: { type: "strin" } } }, async run() { return { text: "no" }; } },
  {
    name: "strict_echo",
    description: "Echoes lowercase words.",
    inputSchema: {
      type: "object",
      properties: { text: { type: "string", pattern: "^[a-z]+$" }, size: { anyOf: [{ type: "integer" }, { enum: ["small", "large"] }] }, broken: { type: "boolean" } },
      required: ["text"],
      additionalProperties: false,
    },
    outputSchema: { type: "object", properties: { echoed: { type: "string", pattern: "^[a-z]+$" } }, required: ["echoed"] },
    async run(input) { return { text: "echo " + input.text, structured: { echoed: input.broken ? "NOT lowercase" : input.text } }; },
  },
] });
`,
    "plugins/stuck-init.mjs": "export default () => new Promise(() => {});\n",
    "plugins/stuck-hook.mjs": `export default () => ({ hooks: {
  beforeTool: ({ tool, input }) => (tool === "strict_echo" && input.text === "hang" ? new Promise(() => {}) : undefined),
} });
`,
  });
  let child: ReturnType<typeof spawnCodeintel>["child"];
  let client: Client;
  let stderr = "";

  beforeAll(async () => {
    ({ child } = spawnCodeintel(["serve", "--symbol-index", "off", "--max-in-flight", "1", "--trust", root]));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    client = new Client({ name: "seams-test", version: "0" });
    await client.connect(new StdioServerTransport(child.stdout, child.stdin));
  });

  afterAll(async () => {
    await client?.close();
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("refuses only the tools whose schema does not compile, naming plugin, tool and error, once", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["strict_echo", "find_files", "hover"]));
    expect(names).not.toContain("bad_required");
    expect(names).not.toContain("bad_output");
    const plugin = join(root, "plugins/schemas.mjs");
    expect(stderr).toContain(`codeintel: plugin ${plugin}: tool 'bad_required' refused: inputSchema: schema is invalid: data/required must be array`);
    expect(stderr).toContain(`codeintel: plugin ${plugin}: tool 'bad_output' refused: outputSchema: schema is invalid: data/properties/n/type`);
    expect(count(stderr, /tool 'bad_required' refused/)).toBe(1);
  });

  it("checks arguments with the full schema (pattern, anyOf), answering ajv's message", async () => {
    const upper = (await client.callTool({ name: "strict_echo", arguments: { text: "ABC" } })) as CallToolResult;
    expect(upper.isError).toBe(true);
    expect(upper.content).toEqual([{ type: "text", text: 'invalid_input: strict_echo: arguments.text must match pattern "^[a-z]+$"' }]);
    const size = (await client.callTool({ name: "strict_echo", arguments: { text: "abc", size: "huge" } })) as CallToolResult;
    expect(size.isError).toBe(true);
    expect(JSON.stringify(size.content)).toContain("invalid_input: strict_echo: arguments.size must be integer");
    const ok = (await client.callTool({ name: "strict_echo", arguments: { text: "abc", size: "small" } })) as CallToolResult;
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toEqual({ echoed: "abc" });
  });

  it("answers a result that breaks the outputSchema as an error naming the plugin, not a broken result", async () => {
    const r = (await client.callTool({ name: "strict_echo", arguments: { text: "abc", broken: true } })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toBeUndefined();
    expect((r.content as Array<{ text: string }>)[0]!.text).toBe(
      `internal: plugin ${join(root, "plugins/schemas.mjs")}: tool strict_echo returned a result that does not match its outputSchema: structured.echoed must match pattern "^[a-z]+$"`,
    );
  });

  it("disables a plugin whose init never settles with one line naming it; the rest serves", () => {
    const line = `codeintel: plugin ${join(root, "plugins/stuck-init.mjs")} did not finish loading within 1000 ms (pluginLimits.initTimeoutMs), disabled`;
    expect(stderr).toContain(line);
    expect(count(stderr, /stuck-init\.mjs/)).toBe(1);
  });

  it("skips a beforeTool hook that never settles after its deadline, naming the plugin, and frees the slot", async () => {
    // --max-in-flight 1: a slot still held by the hung call would make the next call "overloaded".
    const hung = (await client.callTool({ name: "strict_echo", arguments: { text: "hang" } }, undefined, { timeout: 60_000 })) as CallToolResult;
    expect(hung.isError).toBeFalsy();
    expect(hung.structuredContent).toEqual({ echoed: "hang" });
    expect(stderr).toContain(`codeintel: plugin ${join(root, "plugins/stuck-hook.mjs")}: beforeTool hook on strict_echo did not settle within 1000 ms, skipped`);
    const next = (await client.callTool({ name: "strict_echo", arguments: { text: "next" } })) as CallToolResult;
    expect(next.isError, JSON.stringify(next.content)).toBeFalsy();
  });
});

describe("a one-shot CLI command with a plugin whose init never settles", () => {
  it("answers, with one stderr line naming the plugin (it printed nothing and exited 0)", async () => {
    const root = project("ci-seams-cli-", {
      "codeintel.json": JSON.stringify({
        plugins: ["./stuck.mjs"],
        servers: { stub: { command: ["node", stubServer], extensions: [".stub"], languageId: "stub" } },
        pluginLimits: { initTimeoutMs: 500 },
      }),
      "stuck.mjs": "export default () => new Promise(() => {});\n",
      "notes.stub": "hello\n",
    });
    const { done } = runCli(["symbols", join(root, "notes.stub"), "--root", root, "--no-daemon", "--trust"]);
    const r = await done;
    expect(r.err).toContain(`codeintel: plugin ${join(root, "stuck.mjs")} did not finish loading within 500 ms (pluginLimits.initTimeoutMs), disabled`);
    expect(r.out).toContain("notes");
    expect(r.code).toBe(0);
  });
});

describe("a fileChanged hook that writes under the root (a real watcher)", () => {
  const seen = join(mkdtempSync(join(tmpdir(), "ci-seams-loop-log-")), "seen.log");
  const root = project("ci-seams-loop-", {
    // Echo limits far beyond the test's length, so a loaded machine cannot outlast them.
    "codeintel.json": JSON.stringify({ plugins: ["./looper.mjs"], pluginLimits: { echoMs: 60_000, echoWindowMs: 120_000 } }),
    // On every change it is told of, it records the path and rewrites out.txt in the root.
    "looper.mjs": `import { appendFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
let n = 0;
export default ({ roots }) => ({ hooks: { fileChanged: ({ path }) => {
  appendFileSync(${JSON.stringify(seen)}, path + "\\n");
  writeFileSync(join(roots[0], "out.txt"), String(++n));
} } });
`,
  });
  let ci: CodeIntel;
  const logs: string[] = [];
  const seenText = () => (existsSync(seen) ? readFileSync(seen, "utf8") : "");

  beforeAll(async () => {
    ci = await createCodeIntel({ roots: [root], symbolIndex: "off", trust: true, log: (l) => logs.push(l) });
  });

  afterAll(async () => {
    await ci?.close();
  });

  it("runs a bounded number of times after one edit, and warns once naming the plugin", async () => {
    // The first edit is repeated until the watcher (started after the listing) reports it.
    let edits = 0;
    await eventually(() => {
      if (seenText().includes("in.txt")) return true;
      writeFileSync(join(root, "in.txt"), String(++edits));
      return false;
    }, "the hook to be told of the edit of in.txt");
    // Later edits of other files, each awaited: the hook's own loop, unbroken, would go on
    // meanwhile, once per watcher round trip.
    for (let i = 1; i <= 5; i++) {
      writeFileSync(join(root, `marker-${i}.txt`), "m");
      await eventually(() => seenText().includes(`marker-${i}.txt`), `the hook to be told of marker-${i}.txt`);
    }
    const text = seenText();
    expect(count(text, /^out\.txt$/m), text).toBeLessThanOrEqual(2);
    expect(count(text, /^in\.txt$/m), text).toBeLessThanOrEqual(3);
    const warnings = logs.filter((l) => l.includes("keeps being told of"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`codeintel: plugin ${join(root, "looper.mjs")}: its fileChanged hook keeps being told of out.txt`);
  });
});
