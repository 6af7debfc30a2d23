// The language half of the composition root: the language-server pool, the syntax pool, the
// symbol caches and the tools over them. codeintel.ts loads this module with import() only when
// a service needs them, so one composed for file search alone (`codeintel find --no-daemon`)
// never loads vscode-languageserver-protocol, SQLite or tree-sitter (about 1.5 s of a cold start).
import { fileURLToPath } from "node:url";
import { cachedDeclarations } from "./adapters/cached-declarations.js";
import type { ServiceEvents } from "./core/service-events.js";
import { defineTool, type Tool } from "./core/tool.js";
import type { FileFinder } from "./files/finder.js";
import { LspPool } from "./lsp/pool.js";
import type { LoadedPlugins } from "./plugins/load-plugins.js";
import { configuredLanguages, LspInterest, SymbolCacheRegistry, type IndexProgress } from "./symbols/index.js";
import { ApproximateNavigator } from "./syntax/approximate-navigation.js";
import { createSyntaxPool } from "./syntax/syntax-pool.js";
import { PreciseIndexes } from "./scip/registry.js";
import { createImportScipTool } from "./tools/import-scip.js";
import { createIndexTool } from "./tools/index-symbols.js";
import { createNavigationTools } from "./tools/navigation.js";
import { createRestartTool } from "./tools/restart.js";
import { createServersTool } from "./tools/servers.js";
import { createSymbolTools } from "./tools/symbol-tools.js";
import type { CodeintelConfig } from "./workspace/config.js";

export interface LanguageEngineOptions {
  roots: string[];
  config: CodeintelConfig;
  finder: FileFinder;
  events: ServiceEvents;
  diagnosticsHooks: LoadedPlugins["diagnostics"];
  symbolIndex: "eager" | "lazy" | "manual" | "off";
  cacheDir?: string;
  indexConcurrency?: number;
  onIndexProgress?: (root: string, progress: IndexProgress) => void;
  /** Turns a config error into the caller's error (codeintel.ts: a ToolError). */
  engineCall<T>(fn: () => T): T;
  log(line: string): void;
}

export interface LanguageEngines {
  tools: Tool[];
  /** A file the finder's watcher saw created, changed or deleted (absolute path). */
  fileEvent(kind: "add" | "change" | "unlink" | "unlinkDir" | "addDir", absPath: string): void;
  updateConfig(config: CodeintelConfig): Promise<void>;
  /** In construction order; the caller closes them in reverse, after its own later ones. */
  closers: Array<() => Promise<void> | void>;
}

export function startLanguageEngines(o: LanguageEngineOptions): LanguageEngines {
  const { roots, config, finder, events, log } = o;
  const closers: LanguageEngines["closers"] = [];
  // The background index starts only the servers a client's call started, or codeintel.json names.
  const lspInterest = new LspInterest(o.engineCall(() => configuredLanguages(config.raw)));
  let onServerStarted: (serverId: string) => void = () => {};
  // Workspace-symbol samples come from the finder's file list (it honours .gitignore), not a second walk.
  const pool = new LspPool({
    roots,
    config,
    files: finder,
    // Watchers see server state changes and diagnostics; plugins see every diagnostics push (a hook that throws is logged and skipped).
    onEvent: (e) => {
      if (e.type === "spawn" && lspInterest.noteAsked(e.serverId)) onServerStarted(e.serverId);
      if (e.type !== "diagnostics") {
        events.publish({ type: "server", state: e.type, serverId: e.serverId, root: e.root, ...("reason" in e ? { reason: e.reason } : {}) });
        return;
      }
      if (!e.uri.startsWith("file:")) return;
      const severities = e.diagnostics.map((d) => d.severity ?? 1);
      events.publish({
        type: "diagnostics",
        serverId: e.serverId,
        file: fileURLToPath(e.uri),
        version: e.version,
        count: e.diagnostics.length,
        errors: severities.filter((s) => s === 1).length,
        warnings: severities.filter((s) => s === 2).length,
      });
      const published = { serverId: e.serverId, absPath: fileURLToPath(e.uri), version: e.version, diagnostics: e.diagnostics };
      for (const hook of o.diagnosticsHooks) {
        void Promise.resolve()
          .then(() => hook.fn(published))
          .catch((err: unknown) => log(`codeintel: ${hook.source}: diagnostics hook failed, skipped: ${err instanceof Error ? err.message : String(err)}`));
      }
    },
  });
  closers.push(() => pool.dispose());

  // One syntax pool for the symbol cache's syntax pass and approximate answers; its threads
  // start with the first parse or scan and stop after the caches close (closers run in reverse).
  const syntaxPool = createSyntaxPool();
  closers.push(() => syntaxPool.destroy());
  // Set below when there is a symbol cache: approximate definitions then read its declarations.
  let symbolCaches: SymbolCacheRegistry | undefined;
  const syntax = new ApproximateNavigator({ files: finder, syntax: () => syntaxPool, declarations: cachedDeclarations((root) => symbolCaches?.get(root)) });
  // The SCIP tier: answers where an index was imported and the file is unchanged since.
  const precise = new PreciseIndexes({ cacheDir: o.cacheDir ?? config.cacheDir, onWarning: (m) => log(`codeintel: ${m}`) });
  closers.push(() => precise.close());
  const tools: Tool[] = [
    ...createNavigationTools({ pool, roots, syntax, precise }),
    defineTool(createImportScipTool({ roots, precise })),
    defineTool(createRestartTool({ pool })),
    defineTool(createServersTool({ pool, roots })),
  ];
  if (o.symbolIndex !== "off") {
    // Each root's indexer follows the finder's file list and its watcher events itself.
    const caches = new SymbolCacheRegistry({
      source: pool,
      syntax: syntaxPool,
      filesFor: (root) => finder.openRoot(root),
      cacheDir: o.cacheDir ?? config.cacheDir,
      concurrencyPerServer: o.indexConcurrency,
      mode: o.symbolIndex === "manual" ? "manual" : "background",
      lspWanted: (serverId, path) => lspInterest.wants(serverId, path),
      onProgress: (root, p) => {
        events.publish({ type: "index", root, phase: p.phase, done: p.done, total: p.total, indexed: p.indexed, failed: p.failed, symbols: p.symbols });
        o.onIndexProgress?.(root, p);
      },
      onWarning: (m) => log(`codeintel: ${m}`),
    });
    // Closed before the pool and the finder it reads from (closers run in reverse).
    closers.push(() => caches.close());
    symbolCaches = caches;
    onServerStarted = (serverId) => caches.serverWanted(serverId);
    if (o.symbolIndex === "eager") for (const root of roots) caches.get(root);
    tools.push(defineTool(createIndexTool({ roots, caches })));
  }
  // One registration each: they choose the cache, the live servers or the syntax tier inside.
  tools.push(...createSymbolTools({ pool, roots, syntax, caches: symbolCaches }));
  return {
    tools,
    fileEvent(kind, abs) {
      if (kind === "add") pool.fileCreated(abs);
      else if (kind === "change") pool.fileChanged(abs);
      else if (kind === "unlink" || kind === "unlinkDir") pool.fileDeleted(abs);
    },
    updateConfig: (next) => pool.updateConfig(next),
    closers,
  };
}
