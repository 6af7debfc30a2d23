// servers: every language server codeintel knows, so an agent (or `codeintel servers`) can
// tell why a file gets no answer: not installed (and how to install it), opt-in, disabled,
// another server taking the extension, or running and loading.

import type { LspPool, ServerInventoryEntry } from "../lsp/pool.js";
import { confinePath } from "../workspace/paths.js";
import { guarded, MAX_PATH_CHARS } from "./navigation/common.js";
import type { Tool } from "../core/tool.js";
import type { ServersInput, ServersOutput } from "../protocol/index.js";
export type { ServersInput, ServersOutput } from "../protocol/index.js";


export function createServersTool(deps: { pool: Pick<LspPool, "servers">; roots: readonly string[] }): Tool<ServersInput, ServersOutput> {
  const strings = { type: "array", items: { type: "string" } };
  return {
    name: "servers",
    title: "Known language servers",
    description:
      "List every language server codeintel knows: its languages and file extensions, whether it is installed (and where: shipped with codeintel, PATH, " +
      "the project's node_modules/.bin or virtualenv), its version, whether it is running for the project, which extensions it answers for now, and how to install it. " +
      "Use it when a file gets no language-server answer, to see why.",
    inputSchema: {
      type: "object",
      properties: { root: { type: "string", maxLength: MAX_PATH_CHARS, description: "A project root or a folder inside one: where project-local servers are looked for (default: the first root)." } },
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: {
        root: { type: "string" },
        servers: {
          type: "array",
          items: {
            type: "object",
            properties: {
              id: { type: "string" },
              languages: strings,
              extensions: strings,
              status: { enum: ["active", "opt-in", "disabled"] },
              installed: { type: "boolean" },
              location: { type: "object", properties: { path: { type: "string" }, where: { enum: ["codeintel", "PATH", "node_modules", "venv"] } }, required: ["path", "where"] },
              version: { type: "string" },
              problem: { type: "string" },
              answersFor: strings,
              running: { type: "array", items: { type: "object", properties: { root: { type: "string" }, state: { type: "string" }, pid: { type: "integer" } }, required: ["root", "state"] } },
              install: { type: "string" },
            },
            required: ["id", "languages", "extensions", "status", "installed", "answersFor", "running", "install"],
          },
        },
      },
      required: ["root", "servers"],
    },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    run: (input) =>
      guarded(async () => {
        const root = input.root === undefined ? deps.roots[0]! : confinePath(input.root, deps.roots).absPath;
        const within = input.root === undefined ? deps.roots : [root];
        const servers = await deps.pool.servers({ root, within });
        return { structured: { root, servers }, text: renderServers(servers) };
      }),
  };
}

/** One line per server: id, languages, state, then how to install it when it is missing. */
export function renderServers(servers: readonly ServerInventoryEntry[]): string {
  const installed = servers.filter((s) => s.installed).length;
  const idWidth = Math.max(...servers.map((s) => s.id.length));
  const langWidth = Math.max(...servers.map((s) => s.languages.join(", ").length));
  const lines = servers.map((s) => {
    const state = s.installed
      ? [
          `installed (${s.location!.where === "codeintel" ? "with codeintel" : `${s.location!.where}: ${s.location!.path}`})`,
          s.version && s.version !== "unknown" ? s.version : undefined,
          s.problem ? `but ${s.problem}` : undefined,
        ]
          .filter(Boolean)
          .join(" ")
      : `not installed; to install: ${s.install}`;
    const status = s.status === "active" ? (s.answersFor.length === 0 && s.installed ? "  [another server answers its files]" : "") : `  [${s.status}]`;
    const running = s.running.length > 0 ? `  running: ${s.running.map((r) => `${r.root} (${r.state})`).join(", ")}` : "";
    return `${s.id.padEnd(idWidth)}  ${s.languages.join(", ").padEnd(langWidth)}  ${state}${status}${running}`;
  });
  return [`${servers.length} language servers known, ${installed} installed`, ...lines].join("\n");
}
