// workspace_symbols and document_symbols give the same answer through the in-process API, the
// client SDK over the app-server (stdio) and MCP (stdio), on a Ruby project whose language
// servers are not installed: every answer comes from the syntax tier and says so (index.source,
// precision, each result's source), the same way through each door. The servers are real
// `codeintel` processes (bin/codeintel.js, compiled); each fills its own cache (index tool first).
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type CodeIntelClient } from "../../src/client/index.js";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { compiled } from "../support/compiled.js";
import { removeTree } from "../support/tree.js";
import { spawnCodeintel } from "./helpers.js";

const base = mkdtempSync(join(tmpdir(), "ci-symbol-parity-"));
const project = join(base, "project");
mkdirSync(join(project, "lib"), { recursive: true });
writeFileSync(join(project, "lib", "greeter.rb"), "# Says hello.\nclass Greeter\n  def greet(name)\n    puts name\n  end\nend\n\ndef greet_all(names)\n  names.each { |n| Greeter.new.greet(n) }\nend\n");

type Call = (name: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>;
const doors: { name: string; call: Call; close: () => Promise<void> }[] = [];

beforeAll(async () => {
  compiled("src/cli/main.js"); // the spawned servers run the build: a clear error when it is missing or stale
  const local: CodeIntel = await createCodeIntel({ roots: [project], watch: false, cacheDir: join(base, "cache-in-process"), log: () => undefined });
  doors.push({ name: "in-process", call: async (name, args) => (await local.call<Record<string, unknown>>(name, args)).structured, close: () => local.close() });
  const sdk: CodeIntelClient = await connect({ spawn: { roots: [project], env: { CODEINTEL_CACHE_DIR: join(base, "cache-sdk") } } });
  doors.push({ name: "client SDK (app-server stdio)", call: async (name, args) => (await sdk.call<Record<string, unknown>>(name, args)).structured, close: () => sdk.close() });
  const { child } = spawnCodeintel(["serve", project], { CODEINTEL_CACHE_DIR: join(base, "cache-mcp") });
  const mcp = new Client({ name: "symbol-parity-test", version: "0" });
  await mcp.connect(new StdioServerTransport(child.stdout, child.stdin));
  doors.push({
    name: "MCP stdio",
    call: async (name, args) => {
      const r = (await mcp.callTool({ name, arguments: args }, undefined, { timeout: 120_000 })) as CallToolResult;
      if (r.isError) throw new Error(`${name} failed: ${r.content.map((c) => (c.type === "text" ? c.text : "")).join("")}`);
      return r.structuredContent as Record<string, unknown>;
    },
    close: async () => {
      await mcp.close();
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  });
  // The same starting point everywhere: a finished pass (the servers are not installed, so it is the syntax tier's).
  for (const door of doors) await door.call("index", {});
}, 180_000);

afterAll(async () => {
  for (const door of doors) await door.close().catch(() => undefined);
  removeTree(base);
});

/** The answer's facts, without the wording of its notes. */
const facts = (s: Record<string, unknown>) => ({ results: s.results, total: s.total, index: { source: (s.index as { source: string }).source }, precision: s.precision, complete: s.complete });

describe("symbol tools through every door", () => {
  it("workspace_symbols: the same results, source and precision", async () => {
    const answers = await Promise.all(doors.map((d) => d.call("workspace_symbols", { query: "greet" })));
    const first = answers[0]!;
    expect(first).toMatchObject({ index: { source: "cache", complete: true }, precision: "approximate" });
    expect((first.results as { name: string; source: string }[]).map((e) => [e.name, e.source])).toEqual(expect.arrayContaining([["greet", "syntax"], ["greet_all", "syntax"]]));
    for (const [i, answer] of answers.entries()) expect(facts(answer), doors[i]!.name).toEqual(facts(first));
  });

  it("workspace_symbols with a kind filter: the same through each door", async () => {
    const answers = await Promise.all(doors.map((d) => d.call("workspace_symbols", { query: "Greeter", kind: "class" })));
    expect((answers[0]!.results as { name: string }[]).map((e) => e.name)).toEqual(["Greeter"]);
    for (const [i, answer] of answers.entries()) expect(facts(answer), doors[i]!.name).toEqual(facts(answers[0]!));
  });

  it("document_symbols: the same outline, labelled approximate", async () => {
    const answers = await Promise.all(doors.map((d) => d.call("document_symbols", { file: "lib/greeter.rb" })));
    expect(answers[0]).toMatchObject({ precision: "approximate", index: { source: "cache" } });
    expect((answers[0]!.results as { name: string; depth: number }[]).map((e) => [e.name, e.depth])).toEqual([["Greeter", 0], ["greet", 1], ["greet_all", 0]]);
    for (const [i, answer] of answers.entries()) expect(answer, doors[i]!.name).toEqual(answers[0]);
  });
});
