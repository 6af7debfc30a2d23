// The composition root: builds the workspace roots, the engines and the one tool catalog,
// wires the file watcher into the engines that need change events, and shuts it all down.
// Every transport (MCP, app-server, CLI) and the in-process API start from here.
import { join } from "node:path";
import { finderSearchProvider } from "./adapters/finder-file-search.js";
import { ToolCatalog, type ToolDescription } from "./core/catalog.js";
import { createSleepTool } from "./core/diagnostic-tools.js";
import { ToolDispatch } from "./core/dispatch.js";
import type { FileMatch } from "./core/file-search.js";
import { IntakeGate } from "./core/intake.js";
import { FileSearchDispatch } from "./core/search-dispatch.js";
import { SearchSessionStream } from "./core/search-events.js";
import { ServiceEvents } from "./core/service-events.js";
import { FileFinder, type FileIndexChange } from "./files/finder.js";
import type { RestartReport } from "./lsp/pool.js";
import { createFindFilesTool } from "./tools/find-files.js";
import type { IndexInput, IndexOutput } from "./tools/index-symbols.js";
import type { RestartInput } from "./tools/restart.js";
import type { ServersInput, ServersOutput } from "./tools/servers.js";
import { TOOL_NAMES, type CallOptions, type FindFilesInput, type FindFilesOutput, type TypedTools } from "./protocol/index.js";
import { defaultCacheDir } from "./symbols/cache-location.js";
import type { IndexProgress } from "./symbols/index.js";
import { defineTool, ToolError, type Tool, type ToolResult } from "./core/tool.js";
import { FileChangeHooks } from "./plugins/file-change-hooks.js";
import { loadPlugins, withPluginServers } from "./plugins/load-plugins.js";
import { ConfigError, loadConfig, watchConfig, type CodeintelConfig } from "./workspace/config.js";
import { PathError, resolveRoots } from "./workspace/paths.js";
import { packageVersion } from "./workspace/package-root.js";
import { applyTrust } from "./workspace/trust.js";

export interface CodeIntelOptions {
  /** Project roots (default: the current directory). */
  roots?: string[];
  /** Add diagnostics tools (debug_sleep); also CODEINTEL_DEBUG_TOOLS=1. */
  debugTools?: boolean;
  /** Requests in flight across all transports before new ones get "overloaded". */
  maxInFlight?: number;
  /** Extra tools to serve beside the built-in catalog. */
  extraTools?: Tool[];
  /** A codeintel.json to use instead of the one found in the first root that has one. */
  configPath?: string;
  /** Keep file lists fresh with a watcher (default true). */
  watch?: boolean;
  /** Where warnings go (default: stderr). */
  log?: (line: string) => void;
  /**
   * The symbol cache: "eager" indexes every root in the background from the start (the
   * service default), "lazy" on the first symbol query of a root, "manual" answers from the
   * caches that already exist and builds or refreshes one only when the `index` tool is called
   * (one-shot commands: nothing runs in the background, and an index run checks the cache's
   * pages first), "off" answers symbol queries from the language servers only.
   */
  symbolIndex?: "eager" | "lazy" | "manual" | "off";
  /** Folder of the symbol databases (default: $CODEINTEL_CACHE_DIR or the user cache folder). */
  cacheDir?: string;
  /** documentSymbol requests in flight per language server while indexing (default 3). */
  indexConcurrency?: number;
  /** Progress of every symbol indexing pass (background ones and `index` calls). */
  onIndexProgress?: (root: string, progress: IndexProgress) => void;
  /**
   * Run the plugins and server commands of a codeintel.json inside the project even when its
   * folder is not in the trust list (`codeintel trust`). Default: CODEINTEL_TRUST=1, else the list.
   */
  trust?: boolean;
  /**
   * "all" (default): every tool. "files": the file finder and find_files alone, without loading
   * the language servers' code, the symbol cache or tree-sitter (`codeintel find --no-daemon`).
   */
  engines?: "all" | "files";
}

export type { CallOptions, FileInput, TypedTools, WorkspaceSymbolsInput } from "./protocol/index.js";

export interface FindOptions {
  roots?: string[];
  limit?: number;
  signal?: AbortSignal;
}

export interface CodeIntel extends TypedTools {
  readonly roots: readonly string[];
  readonly catalog: ToolCatalog;
  readonly gate: IntakeGate;
  /** Admission, hooks and the run of every tool call: what each transport is given. */
  readonly dispatch: ToolDispatch;
  /** The one door of file search (core/search-dispatch.ts) every transport hands its searches to. */
  readonly fileSearch: FileSearchDispatch;
  readonly serverInfo: { name: string; version: string };
  /** Index progress, language-server state changes and diagnostics published (GET /v1/events). */
  readonly events: ServiceEvents;
  /** The folder codeintel keeps its state in (the symbol cache folder): the app-server's `codexHome`. */
  readonly home: string;
  /** The catalog as MCP and the app-server publish it. */
  tools(): ToolDescription[];
  /** Runs a tool by name, admitted like a transport's call; throws ToolError (code, message) on failure. */
  call<O = unknown>(name: string, input?: object, options?: CallOptions): Promise<ToolResult<O>>;
  /** One-shot fuzzy file search: find_files' final top matches (smart-case; an empty query lists the shortest paths). */
  findFiles(query: string, options?: FindOptions): Promise<FileMatch[]>;
  /** A streaming search session: call update(query) per keystroke, iterate for snapshots, stop() when done. */
  searchSession(options?: { roots?: string[] }): SearchSessionStream;
  /** True once every root's file list is in, until close() starts (/readyz). */
  isReady(): boolean;
  /** Refuses new calls, waits for in-process calls in flight (up to 10 s, then cancels them), stops watchers and language servers, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** How long close() waits for in-process calls before cancelling them. */
const CLOSE_DRAIN_MS = 10_000;

export async function createCodeIntel(options: CodeIntelOptions = {}): Promise<CodeIntel> {
  const log = options.log ?? ((line: string) => process.stderr.write(line + "\n"));
  const roots = engineCall(() => resolveRoots(options.roots ?? [process.cwd()]));
  // What an untrusted project's codeintel.json may not run is left out here, once, for everything below.
  const trusted = (loaded: CodeintelConfig): CodeintelConfig => {
    const { config, notice } = applyTrust(loaded, roots, options.trust);
    if (notice) log(notice);
    return config;
  };
  const fileConfig = trusted(engineCall(() => loadConfig({ roots, explicitPath: options.configPath })));
  // Plugins run their tools through the dispatch built below, under the caller's admission.
  const built: { dispatch?: ToolDispatch } = {};
  const runForPlugin: RunTool = (name, input, callOptions = {}) => {
    const { dispatch } = built;
    if (!dispatch) throw new ToolError("unavailable", "codeintel is still starting: call tools from a plugin's tools or hooks, not while it loads");
    return dispatch.run(name, input, { signal: callOptions.signal ?? new AbortController().signal, progress: callOptions.onProgress });
  };
  const plugins = await loadPlugins(fileConfig, { roots, config: fileConfig, tools: typedTools(runForPlugin) }, log);
  const config = withPluginServers(fileConfig, plugins.servers);
  const debugTools = options.debugTools ?? process.env.CODEINTEL_DEBUG_TOOLS === "1";
  const closers: Array<() => Promise<void> | void> = [];
  let closing: Promise<void> | undefined;

  const events = new ServiceEvents();
  const finder = new FileFinder({ watch: options.watch ?? true, onWarning: (m) => log(`codeintel: ${m}`) });
  closers.push(() => finder.close());
  // The language engines load only for a service that serves them (language-engines.ts says why).
  const language =
    options.engines === "files"
      ? undefined
      : (await import("./language-engines.js")).startLanguageEngines({
          roots,
          config,
          finder,
          events,
          diagnosticsHooks: plugins.diagnostics,
          symbolIndex: options.symbolIndex ?? "eager",
          cacheDir: options.cacheDir,
          indexConcurrency: options.indexConcurrency,
          onIndexProgress: options.onIndexProgress,
          engineCall,
          log,
        });
  if (language) closers.push(...language.closers);
  if (language && (options.watch ?? true)) {
    // A saved codeintel.json takes effect at once: changed servers restart, broken marks clear.
    // Only the language-server part is reloaded; cacheDir applies from the next start.
    const stopWatching = watchConfig(
      { roots, explicitPath: options.configPath },
      config,
      (next) => {
        language.updateConfig(withPluginServers(trusted(next), plugins.servers)).then(
          () => log(`codeintel: reloaded ${next.source ?? "the config (no codeintel.json now)"}`),
          (err: Error) => log(`codeintel: ${err.message}; keeping the previous config`),
        );
      },
      (err) => log(`codeintel: ${err.message}; keeping the previous config`),
    );
    closers.push(stopWatching);
  }

  // The finder's watcher is the one watcher: its events keep the language servers' view fresh
  // and reach plugins' fileChanged hooks (coalesced, their own writes kept from looping).
  const fileChangedHooks = new FileChangeHooks(plugins.fileChanged, plugins.limits, log);
  closers.push(() => fileChangedHooks.close());
  const indexes = roots.map((root) => finder.openRoot(root));
  for (const [i, root] of roots.entries()) {
    const index = indexes[i]!;
    const unsubscribe = index.onChange((ev: FileIndexChange) => {
      language?.fileEvent(ev.kind, join(root, ev.path));
      fileChangedHooks.notify({ root, path: ev.path, kind: ev.kind });
    });
    closers.push(unsubscribe);
  }

  const fileFinder = finderSearchProvider(finder, roots, { onError: (err) => log(`codeintel: file search failed: ${err.message}`) });
  const tools: Tool[] = [defineTool(createFindFilesTool({ search: fileFinder })), ...(language?.tools ?? [])];
  tools.push(...(options.extraTools ?? []));
  if (debugTools) tools.push(defineTool(createSleepTool()));
  const builtIn = new Set(tools.map((t) => t.name));
  for (const tool of plugins.tools) {
    if (builtIn.has(tool.name)) log(`codeintel: a plugin's tool '${tool.name}' has a built-in tool's name, skipped`);
    else tools.push(tool);
  }
  const catalog = new ToolCatalog(dedupeByName(tools));
  const gate = new IntakeGate(options.maxInFlight ?? 256);
  const dispatch = new ToolDispatch({ catalog, gate, hooks: plugins.hooks, log, hookTimeoutMs: plugins.limits.hookTimeoutMs });
  built.dispatch = dispatch;
  const fileSearch = new FileSearchDispatch(dispatch, fileFinder);

  const call = async <O>(name: string, input: object = {}, callOptions: CallOptions = {}): Promise<ToolResult<O>> => {
    const signal = callOptions.signal ?? new AbortController().signal;
    return (await dispatch.call(name, input, { signal, progress: callOptions.onProgress })) as ToolResult<O>;
  };

  return {
    roots,
    catalog,
    ...typedTools(call),
    gate,
    dispatch,
    fileSearch,
    events,
    serverInfo: { name: "codeintel", version: packageVersion() },
    home: options.cacheDir ?? config.cacheDir ?? defaultCacheDir(),
    tools: () => catalog.describe(),
    call,
    async findFiles(query, findOptions = {}) {
      const input: FindFilesInput = { query };
      if (findOptions.roots?.length) input.roots = findOptions.roots;
      if (findOptions.limit !== undefined) input.limit = findOptions.limit;
      return (await call<FindFilesOutput>(TOOL_NAMES.findFiles, input, { signal: findOptions.signal })).structured.results;
    },
    searchSession(sessionOptions = {}) {
      // Admitted as a call is: refused when intake is full or the service is closing.
      const admission = dispatch.admit();
      try {
        return new SearchSessionStream(fileSearch, sessionOptions.roots);
      } finally {
        admission.release();
      }
    },
    isReady: () => closing === undefined && indexes.every((ix) => ix.loaded),
    close() {
      closing ??= (async () => {
        gate.close();
        await dispatch.drain(CLOSE_DRAIN_MS);
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

type RunTool = (name: string, input: object, options?: CallOptions) => Promise<ToolResult>;

/** The catalog's tools as typed functions over one way of running a tool. */
function typedTools(run: RunTool): TypedTools {
  const typed =
    <I extends object, O>(name: string) =>
    async (input: I, callOptions?: CallOptions): Promise<O> =>
      (await run(name, input, callOptions)).structured as O;
  return {
    hover: typed("hover"),
    definition: typed("definition"),
    typeDefinition: typed("type_definition"),
    implementation: typed("implementation"),
    references: typed("references"),
    callHierarchy: typed("call_hierarchy"),
    diagnostics: typed("diagnostics"),
    documentSymbols: typed("document_symbols"),
    workspaceSymbols: typed("workspace_symbols"),
    restart: (input = {}, callOptions) => typed<RestartInput, RestartReport>("restart")(input, callOptions),
    servers: (input = {}, callOptions) => typed<ServersInput, ServersOutput>("servers")(input, callOptions),
    index: (input = {}, callOptions) => typed<IndexInput, IndexOutput>("index")(input, callOptions),
  };
}

/** Engine errors raised while opening (bad roots, bad config) as ToolErrors with their message. */
function engineCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PathError) throw new ToolError(err.code, err.message);
    if (err instanceof ConfigError) throw new ToolError("invalid_input", err.message);
    throw err;
  }
}

/** Later tools replace earlier ones of the same name (extra tools can override built-ins). */
function dedupeByName(tools: Tool[]): Tool[] {
  const byName = new Map<string, Tool>();
  for (const t of tools) byName.set(t.name, t);
  return [...byName.values()];
}
