// `codeintel servers [--json]`: every language server codeintel knows for a root, through
// the `servers` tool agents call: installed or not (and where), version, install hint, and
// which ones run. Asked of the project's daemon when one runs (the servers that run are its
// servers; none is started for this), else answered in this process, where none runs.

import { ClientError } from "../client/errors.js";
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import { ToolError, type ToolResult } from "../core/tool.js";
import { defineCommand } from "./command.js";

export const servers = defineCommand(
  {
    name: "servers",
    usage: ["servers [-r DIR] [--config PATH] [--json]"],
    description: `Lists every language server codeintel knows: its languages, whether it is installed
(with codeintel, on PATH, in the project's node_modules/.bin or virtualenv) and its version, opt-in
and disabled ones, how to install the missing ones, and which run in the project's daemon (when one
runs; none is started for this). Use it when a file gets no answer.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root (default: the current folder)" },
      config: { type: "string", value: "PATH", help: "codeintel.json to use (default: the one at the root, if any)" },
      trust: { type: "boolean", help: "include the project codeintel.json's plugins and server commands this once\n(see codeintel trust; also CODEINTEL_TRUST=1)" },
      json: { type: "boolean", short: "j", help: "print the structured result as JSON" },
    },
    footer: "Examples:\n  codeintel servers\n  codeintel servers --json | jq '.servers[] | select(.installed) | .id'",
  },
  async ({ values }) => {
    const root = values.root ?? process.cwd();
    try {
      // A daemon decides trust once, for every call: a --trust run is answered here.
      const trusted = values.trust || process.env.CODEINTEL_TRUST === "1";
      const result = (!trusted && (await fromDaemon(root, values.config))) || (await inProcess(root, values.config, values.trust));
      process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n");
      return 0;
    } catch (e) {
      const code = e instanceof ToolError || e instanceof ClientError ? e.code : "error";
      process.stderr.write(`codeintel servers: ${code === "error" ? "" : `[${code}] `}${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    }
  },
);

/** The running daemon's answer for this root, or undefined when none runs (or it cannot be reached). */
async function fromDaemon(root: string, configPath: string | undefined): Promise<ToolResult | undefined> {
  if (process.env.CODEINTEL_NO_DAEMON === "1") return undefined;
  const { runningDaemon } = await import("../daemon/ensure.js");
  const client = await runningDaemon({ roots: [root], configPath }).catch(() => undefined);
  if (!client) return undefined;
  try {
    return await client.call("servers", {});
  } finally {
    await client.close();
  }
}

async function inProcess(root: string, configPath: string | undefined, trust: boolean | undefined): Promise<ToolResult> {
  let ci: CodeIntel | undefined;
  try {
    ci = await createCodeIntel({ roots: [root], configPath, trust: trust || undefined, watch: false, symbolIndex: "off" });
    return await ci.call("servers", {});
  } finally {
    await ci?.close();
  }
}
