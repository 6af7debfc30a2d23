// What a plugin module sees: `codeintel.json` `"plugins": ["./tools/my-plugin.js", "pkg"]`
// names modules whose default export is a `Plugin`. It is called once at start with a
// `PluginContext` and returns any of tools, language-server entries and hooks.
import type { Diagnostic } from "vscode-languageserver-protocol";
import type { TypedTools } from "../protocol/index.js";
import type { ToolHooks } from "../core/dispatch.js";
import type { JsonSchema, ToolAnnotations, ToolProgress } from "../core/tool.js";
import type { CodeintelConfig, ServerConfigEntry } from "../workspace/config.js";

export interface PluginContext {
  /** The project roots (absolute). */
  readonly roots: readonly string[];
  /** The parsed codeintel.json. */
  readonly config: Readonly<CodeintelConfig>;
  /** A line for codeintel's log, prefixed with the plugin's name. */
  log(line: string): void;
  /** The built-in tools as typed functions; call them from a tool's run or a hook, not while loading. */
  readonly tools: TypedTools;
}

export interface PluginTool {
  /** [A-Za-z0-9_.-]{1,64}, not a built-in tool's name. */
  name: string;
  title?: string;
  description: string;
  /** Compiled with ajv when the plugin loads (a schema that does not compile refuses the tool); arguments that do not match are refused before run. */
  inputSchema: JsonSchema;
  /** When given, run must return `structured` matching it; without it `structured` is `{}`. */
  outputSchema?: JsonSchema;
  /** Default: neither read-only nor idempotent. */
  annotations?: Partial<ToolAnnotations>;
  run(input: Record<string, unknown>, ctx: { signal: AbortSignal; progress: (p: ToolProgress) => void }): Promise<{ text: string; structured?: unknown }>;
}

export interface FileChange {
  root: string;
  /** Root-relative, "/"-separated. */
  path: string;
  kind: "add" | "change" | "unlink" | "addDir" | "unlinkDir";
}

export interface PublishedDiagnostics {
  /** The language server that published them (its registry id). */
  serverId: string;
  /** Absolute path of the file. */
  absPath: string;
  /** The document version they belong to, when the server says. */
  version?: number;
  diagnostics: Diagnostic[];
}

export interface PluginHooks extends ToolHooks {
  /**
   * A file under a root was created, changed or deleted (the service's watcher). Called one at a
   * time per plugin, changes meanwhile coalesced per path; repeats of a path that changes while the
   * hook runs (its own writes, likely) are capped (src/plugins/file-change-hooks.ts).
   */
  fileChanged?(change: FileChange): void | Promise<void>;
  /** A language server published diagnostics for a file (as it sends them: unrequested too). */
  diagnostics?(published: PublishedDiagnostics): void | Promise<void>;
}

export interface PluginContribution {
  tools?: PluginTool[];
  /** Language-server entries, as in codeintel.json `servers`; the file's own entries win. */
  servers?: Record<string, ServerConfigEntry | false>;
  hooks?: PluginHooks;
}

export type Plugin = (ctx: PluginContext) => PluginContribution | void | Promise<PluginContribution | void>;
