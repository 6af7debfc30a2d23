// codeintel.json `pluginLimits`: how long codeintel waits on plugin code, and how it keeps a
// fileChanged hook that writes under a root from feeding itself. Defaults suit real plugins;
// tests set them short.
//
//   "pluginLimits": { "initTimeoutMs": 10000, "hookTimeoutMs": 5000,
//                     "echoMs": 1000, "echoRepeats": 2, "echoWindowMs": 10000 }
import { DEFAULT_HOOK_TIMEOUT_MS } from "../core/dispatch.js";
import type { CodeintelConfig } from "../workspace/config.js";

export interface PluginLimits {
  /** Importing a plugin and calling its default export; a plugin that takes longer is disabled. */
  initTimeoutMs: number;
  /** One hook call (beforeTool, afterTool, fileChanged, diagnostics); a later one is skipped. */
  hookTimeoutMs: number;
  /** A change seen while a plugin's fileChanged hook runs, or this long after, may be its own write. */
  echoMs: number;
  /** Such changes of one path reach that plugin at most this often per echoWindowMs. */
  echoRepeats: number;
  echoWindowMs: number;
}

export const defaultPluginLimits: PluginLimits = { initTimeoutMs: 10_000, hookTimeoutMs: DEFAULT_HOOK_TIMEOUT_MS, echoMs: 1_000, echoRepeats: 2, echoWindowMs: 10_000 };

/** codeintel.json's pluginLimits (checked against the schema when loaded) over the defaults. */
export function pluginLimitsOf(config: CodeintelConfig): PluginLimits {
  return { ...defaultPluginLimits, ...(config.raw.pluginLimits as Partial<PluginLimits> | undefined) };
}
