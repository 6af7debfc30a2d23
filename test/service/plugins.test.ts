// Plugins named in codeintel.json, as real module files in a scratch project, through real
// transports: the MCP SDK client over `codeintel serve` and JSON-RPC over `codeintel
// app-server`. A plugin's tool is listed and callable, a hook amends its output, a throwing
// hook is logged and skipped, a broken plugin is reported and the rest start, a plugin's
// language-server entry is used, a file change reaches a fileChanged hook, and the diagnostics a
// real server publishes reach a diagnostics hook.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, repoRoot, spawnCodeintel, StdioRpcClient } from "./helpers.js";

const stubServer = join(repoRoot, "test/fixtures/servers/stubborn-ls.mjs");
const root = mkdtempSync(join(tmpdir(), "ci-plugins-"));
const touched = join(root, "touched.log");
const published = join(root, "diagnostics.log");

function write(rel: string, text: string): void {
  mkdirSync(join(root, rel, ".."), { recursive: true });
  writeFileSync(join(root, rel), text);
}

write(
  "codeintel.json",
  JSON.stringify({ plugins: ["./plugins/echo.mjs", "./plugins/broken.mjs", "./plugins/throwing.mjs", "stub-ls-plugin"] }),
);
write(
  "plugins/echo.mjs",
  `import { appendFileSync } from "node:fs";
export default (ctx) => ({
  tools: [{
    name: "echo",
    description: "Echoes its text.",
    inputSchema: { type: "object", properties: { text: { type: "string" } }, required: ["text"], additionalProperties: false },
    outputSchema: { type: "object", properties: { echoed: { type: "string" }, roots: { type: "integer" }, restarted: { type: "integer" } }, required: ["echoed"] },
    async run(input) {
      const report = await ctx.tools.restart();
      return { text: "echo: " + input.text, structured: { echoed: input.text, roots: ctx.roots.length, restarted: report.stopped.length } };
    },
  }],
  hooks: {
    afterTool: ({ tool, result }) => (tool === "echo" ? { ...result, text: result.text + " (amended)" } : undefined),
    fileChanged: (change) => appendFileSync(${JSON.stringify(touched)}, change.kind + " " + change.path + "\\n"),
    diagnostics: (d) => appendFileSync(${JSON.stringify(published)}, d.serverId + " " + d.absPath + " " + d.diagnostics.map((x) => x.code).join(",") + "\\n"),
  },
});
`,
);
write("plugins/broken.mjs", "export default 42;\n");
write(
  "plugins/throwing.mjs",
  `export default () => ({ hooks: {
  beforeTool() { throw new Error("boom before"); },
  afterTool() { throw new Error("boom after"); },
} });
`,
);
write("node_modules/stub-ls-plugin/package.json", JSON.stringify({ name: "stub-ls-plugin", main: "index.mjs" }));
write(
  "node_modules/stub-ls-plugin/index.mjs",
  `export default () => ({ servers: { stub: { command: ["node", ${JSON.stringify(stubServer)}], extensions: [".stub"], languageId: "stub" } } });\n`,
);
write("notes.stub", "hello\n");
// shellcheck SC2086: an unquoted expansion.
write("greet.sh", "#!/bin/bash\necho $1\n");

describe("plugins over MCP (the SDK client)", () => {
  let child: ReturnType<typeof spawnCodeintel>["child"];
  let client: Client;
  let stderr = "";

  beforeAll(async () => {
    ({ child } = spawnCodeintel(["serve", "--symbol-index", "off", "--trust", root]));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    client = new Client({ name: "plugins-test", version: "0" });
    await client.connect(new StdioServerTransport(child.stdout, child.stdin));
  });

  afterAll(async () => {
    await client?.close();
    if (child.exitCode === null) child.kill("SIGKILL");
  });

  it("lists a plugin's tool beside the built-ins and calls it, a hook amending its output", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "find_files", "hover"]));
    const echo = (await client.callTool({ name: "echo", arguments: { text: "hi" } })) as CallToolResult;
    expect(echo.isError).toBeFalsy();
    expect(echo.content).toEqual([{ type: "text", text: "echo: hi (amended)" }]);
    expect(echo.structuredContent).toEqual({ echoed: "hi", roots: 1, restarted: 0 });
    const bad = (await client.callTool({ name: "echo", arguments: { txt: "hi" } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect(bad.content).toEqual([{ type: "text", text: "invalid_input: echo: arguments.text is required" }]);
  });

  it("logs a throwing hook and skips it; reports a broken plugin with its path while the rest start", async () => {
    await client.callTool({ name: "echo", arguments: { text: "again" } });
    await eventually(() => /boom after/.test(stderr), "the throwing hook to be logged");
    expect(stderr).toMatch(/plugin .*throwing\.mjs: beforeTool hook failed on echo, skipped: boom before/);
    expect(stderr).toMatch(/plugin .*throwing\.mjs: afterTool hook failed on echo, skipped: boom after/);
    expect(stderr).toContain(`plugin ${join(root, "plugins/broken.mjs")} failed to load, skipped: its default export must be a function`);
  });

  it("uses a plugin's language-server entry (an npm package plugin)", async () => {
    const r = (await client.callTool({ name: "document_symbols", arguments: { file: "notes.stub" } }, undefined, { timeout: 60_000 })) as CallToolResult;
    expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
    expect(JSON.stringify(r.structuredContent)).toContain("notes");
  });

  it("tells a fileChanged hook about a file created under a root", async () => {
    write("new-file.txt", "x\n");
    await eventually(() => existsSync(touched) && readFileSync(touched, "utf8").includes("add new-file.txt"), "the fileChanged hook to run");
  });
});

describe("a diagnostics hook", () => {
  it("sees what a real language server publishes (bash-language-server with shellcheck)", async () => {
    const { child } = spawnCodeintel(["serve", "--symbol-index", "off", "--trust", root]);
    const client = new Client({ name: "plugins-diagnostics", version: "0" });
    try {
      await client.connect(new StdioServerTransport(child.stdout, child.stdin));
      const r = (await client.callTool({ name: "diagnostics", arguments: { file: "greet.sh" } }, undefined, { timeout: 60_000 })) as CallToolResult;
      expect(r.isError, JSON.stringify(r.content)).toBeFalsy();
      await eventually(
        () => existsSync(published) && readFileSync(published, "utf8").includes(`bash ${join(root, "greet.sh")} `) && /SC?2086/.test(readFileSync(published, "utf8")),
        "the diagnostics hook to see shellcheck's SC2086",
      );
    } finally {
      await client.close();
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

describe("plugins over the app-server", () => {
  let rpc: StdioRpcClient;

  beforeAll(async () => {
    rpc = new StdioRpcClient(spawnCodeintel(["app-server", "--symbol-index", "off", "--trust", root]).child);
    await rpc.initialize();
  });

  afterAll(() => {
    if (rpc.child.exitCode === null) rpc.child.kill("SIGKILL");
  });

  it("lists and calls a plugin's tool, as tools/call and as its own method", async () => {
    const { tools } = await rpc.request<{ tools: Array<{ name: string }> }>("tools/list");
    expect(tools.map((t) => t.name)).toContain("echo");
    expect(await rpc.request("tools/call", { name: "echo", arguments: { text: "yo" } })).toEqual({
      structured: { echoed: "yo", roots: 1, restarted: 0 },
      text: "echo: yo (amended)",
    });
    expect(await rpc.request("echo", { text: "direct" })).toMatchObject({ echoed: "direct" });
    await expect(rpc.request("echo", {})).rejects.toMatchObject({ code: -32602 });
  });
});
