// `codeintel servers [--json]`: every language server codeintel knows for a root, through
// the `servers` tool agents call: installed or not (and where), version, install hint.
// A one-shot command starts no server, so "running" is only ever filled in by a service
// (`codeintel app-server`, MCP `serve`), where agents ask the same tool.

import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import { ToolError } from "../core/tool.js";
import { defineCommand } from "./command.js";

export const servers = defineCommand(
  {
    name: "servers",
    usage: ["servers [-r DIR] [--config PATH] [--json]"],
    description: `Lists every language server codeintel knows: its languages, whether it is installed
(with codeintel, on PATH, in the project's node_modules/.bin or virtualenv) and its version, opt-in
and disabled ones, and how to install the missing ones. Use it when a file gets no answer.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root (default: the current folder)" },
      config: { type: "string", value: "PATH", help: "codeintel.json to use (default: the one at the root, if any)" },
      trust: { type: "boolean", help: "include the project codeintel.json's plugins and server commands this once\n(see codeintel trust; also CODEINTEL_TRUST=1)" },
      json: { type: "boolean", short: "j", help: "print the structured result as JSON" },
    },
    footer: "Examples:\n  codeintel servers\n  codeintel servers --json | jq '.servers[] | select(.installed) | .id'",
  },
  async ({ values }) => {
    let ci: CodeIntel | undefined;
    try {
      ci = await createCodeIntel({ roots: [values.root ?? process.cwd()], configPath: values.config, trust: values.trust || undefined, watch: false, symbolIndex: "off" });
      const result = await ci.call("servers", {});
      process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n");
      return 0;
    } catch (e) {
      const code = e instanceof ToolError ? e.code : "error";
      process.stderr.write(`codeintel servers: ${code === "error" ? "" : `[${code}] `}${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    } finally {
      await ci?.close();
    }
  },
);
