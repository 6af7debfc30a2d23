// The layer rule (eslint.config.js) as a user of it meets it: an upward import in a file of each
// layer is an error naming the rule; the same import where the layers allow it is not. The
// protocol (src/protocol) imports nothing from src/ nor a package; the client SDK only the protocol.
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
    // The protocol imports nothing from src/ and no package.
    ["src/protocol/new-file.ts", 'import { ToolError } from "../core/tool.js";'],
    ["src/protocol/new-file.ts", 'import type { FileMatch } from "../core/file-search.js";'],
    ["src/protocol/new-file.ts", 'import { homedir } from "../workspace/paths.js";'],
    ["src/protocol/new-file.ts", 'import { z } from "zod";'],
    // The client SDK imports the protocol, never the server.
    ["src/client/new-file.ts", 'import type { RpcErrorObject } from "../core/jsonrpc.js";'],
    ["src/client/new-file.ts", 'import { LineSplitter } from "../transports/stdio-lines.js";'],
    ["src/client/new-file.ts", 'import type { IndexOutput } from "../tools/index-symbols.js";'],
    ["src/client/new-file.ts", 'import type { CodeIntel } from "../codeintel.js";'],
    ["src/client/new-file.ts", 'import { confinePath } from "../workspace/paths.js";'],
  ])("%s may not `%s`", async (file, code) => {
    expect(await restrictedImports(file, code + "\nexport const x = 1;\n")).toEqual([expect.stringMatching(/import is restricted/)]);
  });

  it.each([
    ["src/tools/new-file.ts", 'import { LspPool } from "../lsp/pool.js";'],
    ["src/lsp/new-file.ts", 'import { LspClient } from "./client.js";'],
    ["src/transports/new-file.ts", 'import { ToolDispatch } from "../core/dispatch.js";'],
    ["src/codeintel2.ts", 'import { LspPool } from "./lsp/pool.js";'],
    ["src/protocol/new-file.ts", 'import type { FileMatch } from "./files.js";'],
    ["src/client/new-file.ts", 'import { METHODS, type FileMatch } from "../protocol/index.js";'],
    ["src/client/new-file.ts", 'import { createConnection } from "node:net";'],
    ["src/client/new-file.ts", 'import { packageRoot } from "../workspace/package-root.js";'],
    ["src/core/new-file.ts", 'import { ErrorCodes } from "../protocol/index.js";'],
    ["src/lsp/new-file.ts", 'import type { ServerLocation } from "../protocol/index.js";'],
  ])("%s may `%s`", async (file, code) => {
    expect(await restrictedImports(file, code + "\nexport const x = 1;\n")).toEqual([]);
  });
});
