// restart: the one way to restart language servers, whichever transport asks (an MCP tool,
// the app-server method `restart`, `codeintel restart` against a running app-server).
// Stops the matching servers and clears their failure records, including "broken", so the
// next call starts them fresh.

import type { LspPool, RestartReport } from "../lsp/pool.js";
import { guarded } from "./navigation/common.js";
import type { Tool } from "../core/tool.js";
import type { RestartInput } from "../protocol/index.js";
export type { RestartInput } from "../protocol/index.js";


export function createRestartTool(deps: { pool: LspPool }): Tool<RestartInput, RestartReport> {
  const locationList = {
    type: "array",
    items: { type: "object", properties: { serverId: { type: "string" }, root: { type: "string" } }, required: ["serverId", "root"] },
  };
  return {
    name: "restart",
    title: "Restart language servers",
    description:
      "Restart language servers: stops them and clears their failure state, including a server marked broken, so the next query starts them fresh. " +
      "Give `server` (e.g. `typescript`, `pyright`) to restart one kind, or nothing for all. Use it after fixing what made a server fail, or when one answers wrongly.",
    inputSchema: {
      type: "object",
      properties: { server: { type: "string", description: "Server id as in error messages and codeintel.json `servers` (default: every server)." } },
      additionalProperties: false,
    },
    outputSchema: { type: "object", properties: { stopped: locationList, cleared: locationList }, required: ["stopped", "cleared"] },
    // It stops processes, so it is not read-only; doing it twice leaves the same state.
    annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    run: (input) =>
      guarded(async () => {
        const report = await deps.pool.restart(input.server);
        const which = input.server ? `'${input.server}'` : "every language server";
        const describe = (list: RestartReport["stopped"]) => list.map((l) => `${l.serverId} (${l.root})`).join(", ");
        const lines = [
          report.stopped.length > 0 ? `restarted ${which}: stopped ${describe(report.stopped)}` : `no running server to stop for ${which}`,
          ...(report.cleared.length > 0 ? [`cleared failure records: ${describe(report.cleared)}`] : []),
          "servers start again on their next query",
        ];
        return { structured: report, text: lines.join("\n") };
      }),
  };
}
