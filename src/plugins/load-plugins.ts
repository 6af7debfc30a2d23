// Loads the plugins codeintel.json names, in order: each module is imported, its default
// export called with the context, and what it returns checked and turned into catalog tools,
// server entries and hooks. A plugin that fails anywhere on the way is reported with its
// path and error and left out; the others, and the service, start.
//
//   loadPlugins(config, context, log)   → LoadedPlugins (never throws)
//   withPluginServers(config, servers)  → config whose servers include the plugins'
import { createRequire } from "node:module";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { NamedHooks } from "../core/dispatch.js";
import { checkAgainstSchema, isPlainObject } from "../core/schema-check.js";
import { defineTool, ToolError, type JsonSchema, type Tool } from "../core/tool.js";
import { parseServerEntry, type CodeintelConfig, type ServerConfigEntry } from "../workspace/config.js";
import type { FileChange, Plugin, PluginContext, PluginContribution, PluginTool, PublishedDiagnostics } from "./plugin-api.js";

export interface LoadedPlugins {
  tools: Tool[];
  servers: Record<string, ServerConfigEntry | false>;
  hooks: NamedHooks[];
  fileChanged: Array<{ source: string; fn: (change: FileChange) => void | Promise<void> }>;
  diagnostics: Array<{ source: string; fn: (published: PublishedDiagnostics) => void | Promise<void> }>;
}

const toolName = /^[A-Za-z0-9_.-]{1,64}$/;
const anyObject: JsonSchema = { type: "object" };

export async function loadPlugins(
  config: CodeintelConfig,
  context: Omit<PluginContext, "log">,
  log: (line: string) => void,
): Promise<LoadedPlugins> {
  const loaded: LoadedPlugins = { tools: [], servers: {}, hooks: [], fileChanged: [], diagnostics: [] };
  const taken = new Set<string>();
  for (const spec of config.plugins ?? []) {
    try {
      const plugin = await importPlugin(spec, config.source);
      const contribution = await plugin({ ...context, log: (line) => log(`codeintel: plugin ${spec}: ${line}`) });
      const tools = toolsOf(contribution ?? {}, taken);
      const servers = serversOf(contribution ?? {});
      // Only a plugin that loaded whole takes part.
      for (const t of tools) taken.add(t.name);
      loaded.tools.push(...tools);
      Object.assign(loaded.servers, servers);
      const hooks = contribution?.hooks;
      if (hooks) {
        loaded.hooks.push({ source: `plugin ${spec}`, hooks });
        if (typeof hooks.fileChanged === "function") loaded.fileChanged.push({ source: `plugin ${spec}`, fn: hooks.fileChanged.bind(hooks) });
        if (typeof hooks.diagnostics === "function") loaded.diagnostics.push({ source: `plugin ${spec}`, fn: hooks.diagnostics.bind(hooks) });
      }
    } catch (err) {
      log(`codeintel: plugin ${spec} failed to load, skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return loaded;
}

/** The config with the plugins' server entries under its own (an entry in the file wins, field by field). */
export function withPluginServers(config: CodeintelConfig, servers: Record<string, ServerConfigEntry | false>): CodeintelConfig {
  const merged: Record<string, ServerConfigEntry | false> = { ...servers };
  for (const [id, entry] of Object.entries(config.servers)) {
    const fromPlugin = merged[id];
    merged[id] = entry === false || !fromPlugin ? entry : { ...fromPlugin, ...entry };
  }
  return { ...config, servers: merged };
}

async function importPlugin(spec: string, configSource: string | undefined): Promise<Plugin> {
  // A package is found from the config file's folder, as Node would from a module there.
  const base = configSource && isAbsolute(configSource) ? configSource : join(process.cwd(), "codeintel.json");
  const path = isAbsolute(spec) ? spec : createRequire(base).resolve(spec);
  const module = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (typeof module.default !== "function") throw new Error("its default export must be a function (context) => { tools?, servers?, hooks? }");
  return module.default as Plugin;
}

function toolsOf(contribution: PluginContribution, taken: Set<string>): Tool[] {
  if (contribution.tools === undefined) return [];
  if (!Array.isArray(contribution.tools)) throw new Error("tools must be an array");
  return contribution.tools.map((t: PluginTool, i) => {
    if (!isPlainObject(t) || typeof t.name !== "string" || !toolName.test(t.name)) throw new Error(`tools[${i}].name must match [A-Za-z0-9_.-]{1,64}`);
    if (taken.has(t.name)) throw new Error(`tool '${t.name}' is already defined`);
    if (typeof t.description !== "string") throw new Error(`tool '${t.name}': description must be a string`);
    if (typeof t.run !== "function") throw new Error(`tool '${t.name}': run must be a function`);
    for (const key of ["inputSchema", "outputSchema"] as const) {
      const schema = t[key];
      if ((key === "inputSchema" || schema !== undefined) && !(isPlainObject(schema) && schema.type === "object")) {
        throw new Error(`tool '${t.name}': ${key} must be a JSON Schema with type "object"`);
      }
    }
    return asCatalogTool(t);
  });
}

function asCatalogTool(t: PluginTool): Tool {
  return defineTool<Record<string, unknown>, unknown>({
    name: t.name,
    title: t.title ?? t.name,
    description: t.description,
    inputSchema: t.inputSchema,
    outputSchema: t.outputSchema ?? anyObject,
    annotations: { readOnlyHint: false, idempotentHint: false, ...t.annotations },
    async run(input, ctx) {
      const out = await t.run(input, { signal: ctx.signal, progress: ctx.progress ?? (() => undefined) });
      if (!isPlainObject(out) || typeof out.text !== "string") throw new ToolError("internal", `${t.name}: the plugin's run must return { text, structured? }`);
      if (!t.outputSchema) return { structured: {}, text: out.text };
      const problem = isPlainObject(out.structured) ? checkAgainstSchema(out.structured, t.outputSchema, "structured") : "structured must be an object";
      if (problem) throw new ToolError("internal", `${t.name}: the plugin's result does not match its outputSchema: ${problem}`);
      return { structured: out.structured, text: out.text };
    },
  });
}

function serversOf(contribution: PluginContribution): Record<string, ServerConfigEntry | false> {
  if (contribution.servers === undefined) return {};
  if (!isPlainObject(contribution.servers)) throw new Error("servers must be an object of server entries, as in codeintel.json");
  const servers: Record<string, ServerConfigEntry | false> = {};
  for (const [id, entry] of Object.entries(contribution.servers)) servers[id] = parseServerEntry(entry, `servers.${id}`);
  return servers;
}
