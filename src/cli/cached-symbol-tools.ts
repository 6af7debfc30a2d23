// Symbol tools for one-shot CLI commands: answer from a root's symbol cache when
// `codeintel index` (or a running service) built one, from the live servers otherwise.
import { existsSync } from "node:fs";
import type { LspPool } from "../lsp/pool.js";
import { defaultCacheDir, symbolDatabasePath } from "../symbols/cache-location.js";
import { SymbolCache } from "../symbols/symbol-cache.js";
import { createSymbolCacheTools } from "../tools/symbol-cache-tools.js";
import type { Tool } from "../core/tool.js";

/**
 * For `codeintel symbols QUERY|FILE` (src/cli/navigate.ts): workspace_symbols and
 * document_symbols tools that answer from a root's symbol cache when `codeintel index` (or a
 * running service) built one, and from the live servers otherwise. Read-only: it never creates
 * a cache nor starts indexing. Call close() when done.
 */
export function cachedSymbolTools(deps: { pool: LspPool; roots: readonly string[]; cacheDir?: string }): { tools: Tool[]; close(): void } {
  const opened = new Map<string, SymbolCache | undefined>();
  const caches = {
    get(root: string): SymbolCache | undefined {
      if (!opened.has(root)) {
        let cache: SymbolCache | undefined;
        if (existsSync(symbolDatabasePath(root, deps.cacheDir ?? defaultCacheDir()))) {
          try {
            cache = SymbolCache.open({ root, source: deps.pool, files: { paths: () => [] }, cacheDir: deps.cacheDir });
          } catch (err) {
            process.stderr.write(`codeintel: symbol cache unavailable, asking the language servers: ${(err as Error).message}\n`);
          }
        }
        opened.set(root, cache);
      }
      return opened.get(root);
    },
  };
  return {
    tools: createSymbolCacheTools({ pool: deps.pool, roots: deps.roots, caches }),
    close: () => {
      for (const c of opened.values()) c?.store.close();
    },
  };
}
