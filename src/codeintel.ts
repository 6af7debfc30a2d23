// The composition root: builds the workspace roots, the engines and the one tool catalog,
// wires the file watcher into the engines that need change events, and shuts it all down.
// Every transport (MCP, app-server, CLI) and the in-process API start from here.
import { createRequire } from "node:module";
import { realpathSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { ToolCatalog, runTool, type ToolDescription } from "./core/catalog.js";
import { createSleepTool } from "./core/diagnostic-tools.js";
import type { FileMatch, FileSearchProvider } from "./core/file-search.js";
import { IntakeGate } from "./core/intake.js";
import { SearchSessionStream } from "./core/search-events.js";
import { ToolError, type Tool, type ToolProgress, type ToolResult } from "./tools/tool.js";

export interface CodeIntelOptions {
  /** Project roots (default: the current directory). */
  roots?: string[];
  /** Add diagnostics tools (debug_sleep); also CODEINTEL_DEBUG_TOOLS=1. */
  debugTools?: boolean;
  /** Requests in flight across all transports before new ones get "overloaded". */
  maxInFlight?: number;
  /** Extra tools to serve beside the built-in catalog. */
  extraTools?: Tool[];
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: ToolProgress) => void;
}

export interface FindOptions {
  roots?: string[];
  limit?: number;
  signal?: AbortSignal;
}

export interface CodeIntel {
  readonly roots: readonly string[];
  readonly catalog: ToolCatalog;
  readonly gate: IntakeGate;
  readonly fileSearch: FileSearchProvider | undefined;
  readonly serverInfo: { name: string; version: string };
  /** The catalog as MCP and the app-server publish it. */
  tools(): ToolDescription[];
  /** Runs a tool by name; throws ToolError (code, message) on failure. */
  call<O = unknown>(name: string, input?: Record<string, unknown>, options?: CallOptions): Promise<ToolResult<O>>;
  /** One-shot fuzzy file search: the final top matches. */
  findFiles(query: string, options?: FindOptions): Promise<FileMatch[]>;
  /** A streaming search session: call update(query) per keystroke, iterate for snapshots, stop() when done. */
  searchSession(options?: { roots?: string[] }): SearchSessionStream;
  /** True once the service can answer (engines started). */
  isReady(): boolean;
  /** Stops watchers and language servers, closes the database. Idempotent. */
  close(): Promise<void>;
}

export async function createCodeIntel(options: CodeIntelOptions = {}): Promise<CodeIntel> {
  const roots = resolveRootDirs(options.roots ?? [process.cwd()]);
  const debugTools = options.debugTools ?? process.env.CODEINTEL_DEBUG_TOOLS === "1";
  const tools: Tool[] = [...(options.extraTools ?? [])];
  if (debugTools) tools.push(createSleepTool() as unknown as Tool);
  const catalog = new ToolCatalog(tools);
  const gate = new IntakeGate(options.maxInFlight ?? 256);
  const fileSearch: FileSearchProvider | undefined = undefined;
  const closers: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | undefined;

  const requireSearch = (): FileSearchProvider => {
    if (!fileSearch) throw new ToolError("unavailable", "fuzzy file search is not available");
    return fileSearch;
  };

  return {
    roots,
    catalog,
    gate,
    fileSearch,
    serverInfo: { name: "codeintel", version: packageVersion() },
    tools: () => catalog.describe(),
    async call<O>(name: string, input: Record<string, unknown> = {}, callOptions: CallOptions = {}) {
      const tool = catalog.get(name);
      if (!tool) throw new ToolError("invalid_input", `unknown tool '${name}' (known: ${catalog.names.join(", ")})`);
      const signal = callOptions.signal ?? new AbortController().signal;
      return (await runTool(tool, input, { signal, progress: callOptions.onProgress })) as ToolResult<O>;
    },
    findFiles(query, findOptions = {}) {
      const provider = requireSearch();
      return provider.search(query, findOptions.roots ?? provider.defaultRoots, {
        signal: findOptions.signal ?? new AbortController().signal,
        limit: findOptions.limit,
      });
    },
    searchSession(sessionOptions = {}) {
      const provider = requireSearch();
      return new SearchSessionStream(provider, sessionOptions.roots ?? provider.defaultRoots);
    },
    isReady: () => closing === undefined,
    close() {
      closing ??= (async () => {
        gate.close();
        // Reverse order of construction: consumers of the watcher go before the watcher.
        for (const close of closers.reverse()) {
          try {
            await close();
          } catch {
            // Shutdown goes on: one engine failing to close must not leave the others running.
          }
        }
      })();
      return closing;
    },
  };
}

function resolveRootDirs(dirs: string[]): string[] {
  if (dirs.length === 0) throw new ToolError("invalid_input", "at least one root is required");
  return dirs.map((d) => {
    const abs = resolve(d);
    let st;
    try {
      st = statSync(abs);
    } catch {
      throw new ToolError("invalid_input", `root '${d}' does not exist`);
    }
    if (!st.isDirectory()) throw new ToolError("invalid_input", `root '${d}' is not a directory`);
    return realpathSync(abs);
  });
}

function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
  } catch {
    return (createRequire(import.meta.url)("../package.json") as { version: string }).version;
  }
}
