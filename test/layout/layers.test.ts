// The layer rule (eslint.config.js) as a user of it meets it: an upward import in a file of each
// layer is an error naming the rule; the same import where the layers allow it is not.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/compiled.js";

const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: repoRoot + filePath });
  return result!.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("layers enforced by lint", () => {
  it.each([
    ["src/lsp/new-file.ts", 'import { defineTool } from "../core/tool.js";'],
    ["src/symbols/new-file.ts", 'import { createFindFilesTool } from "../tools/find-files.js";'],
    ["src/files/new-file.ts", 'import type { CodeIntel } from "../codeintel.js";'],
    ["src/core/new-file.ts", 'import { LspPool } from "../lsp/pool.js";'],
    ["src/workspace/new-file.ts", 'import { FileFinder } from "../files/finder.js";'],
    ["src/tools/new-file.ts", 'import { startMcpHttp } from "../transports/mcp-http.js";'],
    ["src/plugins/new-file.ts", 'import type { CodeIntel } from "../codeintel.js";'],
    ["workers/new-worker.ts", 'import { defineTool } from "../src/core/tool.js";'],
  ])("%s may not `%s`", async (file, code) => {
    expect(await restrictedImports(file, code + "\nexport const x = 1;\n")).toEqual([expect.stringMatching(/import is restricted/)]);
  });

  it.each([
    ["src/tools/new-file.ts", 'import { LspPool } from "../lsp/pool.js";'],
    ["src/lsp/new-file.ts", 'import { LspClient } from "./client.js";'],
    ["src/transports/new-file.ts", 'import { ToolDispatch } from "../core/dispatch.js";'],
    ["src/codeintel2.ts", 'import { LspPool } from "./lsp/pool.js";'],
  ])("%s may `%s`", async (file, code) => {
    expect(await restrictedImports(file, code + "\nexport const x = 1;\n")).toEqual([]);
  });
});
