// Loads the plugins codeintel.json names, in order: each module is imported, its default
// export called with the context (both under a deadline), and what it returns checked and turned
// into catalog tools (src/plugins/plugin-tools.ts), server entries and hooks. A plugin that fails
// or times out on the way is reported with its path and left out; the others, and the service, start.
//
//   loadPlugins(config, context, log)   → LoadedPlugins (never throws)
//   withPluginServers(config, servers)  → config whose servers include the plugins'
import { createRequire } from "node:module";
import { isAbsolute, join } from "node:path";
import { pathToFileURL } from "node:url";
import { withinDeadline } from "../core/deadline.js";
import type { NamedHooks } from "../core/dispatch.js";
import { isPlainObject } from "../core/schema-check.js";
import type { Tool } from "../core/tool.js";
import { parseServerEntry, type CodeintelConfig, type ServerConfigEntry } from "../workspace/config.js";
import type { FileChange, Plugin, PluginContext, PluginContribution, PublishedDiagnostics } from "./plugin-api.js";
import { pluginLimitsOf, type PluginLimits } from "./plugin-settings.js";
import { pluginTools } from "./plugin-tools.js";

export interface LoadedPlugins {
  tools: Tool[];
  servers: Record<string, ServerConfigEntry | false>;
  hooks: NamedHooks[];
  fileChanged: Array<{ source: string; fn: (change: FileChange) => void | Promise<void> }>;
  diagnostics: Array<{ source: string; fn: (published: PublishedDiagnostics) => void | Promise<void> }>;
  /** The deadlines and loop limits every plugin runs under (codeintel.json `pluginLimits`). */
  limits: PluginLimits;
}

export async function loadPlugins(
  config: CodeintelConfig,
  context: Omit<PluginContext, "log">,
  log: (line: string) => void,
): Promise<LoadedPlugins> {
  const limits = pluginLimitsOf(config);
  const loaded: LoadedPlugins = { tools: [], servers: {}, hooks: [], fileChanged: [], diagnostics: [], limits };
  const taken = new Set<string>();
  for (const spec of config.plugins ?? []) {
    const source = `plugin ${spec}`;
    try {
      // Import and init under one deadline: a top-level await or an init that never settles
      // would otherwise hold the whole service (and a one-shot command would end printing nothing).
      const init = await withinDeadline(async () => {
        const plugin = await importPlugin(spec, config.source);
        return plugin({ ...context, log: (line) => log(`codeintel: ${source}: ${line}`) });
      }, limits.initTimeoutMs);
      if (init.late) {
        log(`codeintel: ${source} did not finish loading within ${limits.initTimeoutMs} ms (pluginLimits.initTimeoutMs), disabled`);
        continue;
      }
      const contribution = init.value ?? {};
      const { tools, refused } = pluginTools(contribution, source, taken);
      const servers = serversOf(contribution);
      for (const line of refused) log(line);
      // Only a plugin that loaded whole takes part (a refused tool is left out alone).
      for (const t of tools) taken.add(t.name);
      loaded.tools.push(...tools);
      Object.assign(loaded.servers, servers);
      const hooks = contribution.hooks;
      if (hooks) {
        loaded.hooks.push({ source, hooks });
        if (typeof hooks.fileChanged === "function") loaded.fileChanged.push({ source, fn: hooks.fileChanged.bind(hooks) });
        if (typeof hooks.diagnostics === "function") loaded.diagnostics.push({ source, fn: hooks.diagnostics.bind(hooks) });
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

function serversOf(contribution: PluginContribution): Record<string, ServerConfigEntry | false> {
  if (contribution.servers === undefined) return {};
  if (!isPlainObject(contribution.servers)) throw new Error("servers must be an object of server entries, as in codeintel.json");
  const servers: Record<string, ServerConfigEntry | false> = {};
  for (const [id, entry] of Object.entries(contribution.servers)) servers[id] = parseServerEntry(entry, `servers.${id}`);
  return servers;
}
