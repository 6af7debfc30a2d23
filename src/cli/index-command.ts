// `codeintel index [--root DIR]`: builds or refreshes the symbol cache of a root from its
// language servers, with a progress bar on a TTY and a summary at the end.
import { FileFinder } from "../files/finder.js";
import { LspPool } from "../lsp/pool.js";
import { SymbolCache } from "../symbols/symbol-cache.js";
import type { IndexSummary } from "../symbols/indexer.js";
import { loadConfig } from "../workspace/config.js";
import { resolveRoots } from "../workspace/paths.js";
import { defineCommand, integer } from "./command.js";
import { ProgressLine } from "./progress-line.js";

export const index = defineCommand(
  {
    name: "index",
    usage: ["index [-r DIR] [options]"],
    description: `Build or refresh the symbol cache of a project root: asks each file's language server for
its symbols (documentSymbol) and stores them in a SQLite cache so \`codeintel symbols QUERY\`
and the workspace_symbols tool answer in milliseconds. Unchanged files are skipped; a stopped
run resumes where it left off.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root (default: the current folder); one per run" },
      "cache-dir": { type: "string", value: "DIR", help: "where cache databases live (default: $CODEINTEL_CACHE_DIR, else the user cache folder)" },
      config: { type: "string", value: "FILE", help: "codeintel.json with server overrides" },
      concurrency: { type: "string", value: "N", help: "documentSymbol requests in flight per server (default 3)" },
      json: { type: "boolean", short: "j", help: "print the summary as JSON" },
      quiet: { type: "boolean", short: "q", help: "no progress output" },
    },
    footer: "Exit codes: 0 done (failed files are listed in the summary), 1 error, 2 bad usage, 130 interrupted.",
  },
  async ({ values }) => run({ ...values, concurrency: integer(values.concurrency, "concurrency", 1, 64) }),
);

async function run(values: { root?: string; "cache-dir"?: string; config?: string; concurrency?: number; json?: boolean; quiet?: boolean }): Promise<number> {
  const controller = new AbortController();
  const bar = new ProgressLine(process.stderr, process.stderr.isTTY && !values.quiet && !values.json);
  // Ctrl-C: wipe the bar now (the run winds down to a summary of what got done), exit 130.
  const onSignal = () => {
    bar.stop();
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let pool: LspPool | undefined;
  let finder: FileFinder | undefined;
  let cache: SymbolCache | undefined;
  try {
    const [root] = resolveRoots([values.root ?? process.cwd()]);
    const config = loadConfig({ roots: [root!], explicitPath: values.config });
    finder = new FileFinder({ watch: false });
    pool = new LspPool({ roots: [root!], config, files: finder });
    const files = finder.openRoot(root!);
    if (!values.quiet && !values.json) process.stderr.write(`listing files of ${root}...\n`);
    await files.ready;
    cache = SymbolCache.open({
      root: root!,
      source: pool,
      files,
      cacheDir: values["cache-dir"] ?? config.cacheDir,
      concurrencyPerServer: values.concurrency,
      verify: true,
      onProgress: (p) => bar.update(p),
      onWarning: (m) => {
        bar.clear();
        process.stderr.write(`codeintel index: ${m}\n`);
      },
    });
    const summary = await cache.indexer.run(controller.signal);
    bar.clear();
    const listed = (status: string) => cache!.store.db.prepare("SELECT path, error FROM files WHERE status = ? ORDER BY path LIMIT 20").all(status) as Listed[];
    const failures = listed("failed");
    const excludedFiles = listed("excluded");
    if (values.json) {
      process.stdout.write(JSON.stringify({ root, database: cache.store.dbPath, ...summary, failures, excludedFiles }, null, 2) + "\n");
    } else {
      process.stdout.write(renderSummary(summary, cache.store.dbPath, failures, excludedFiles, cache.store.stats().excluded) + "\n");
    }
    return summary.cancelled ? 130 : 0;
  } catch (e) {
    bar.clear();
    process.stderr.write(`codeintel index: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cache?.close();
    await pool?.dispose();
    await finder?.close();
  }
}

interface Listed {
  path: string;
  error: string | null;
}

function renderSummary(s: IndexSummary, dbPath: string, failures: Listed[], excluded: Listed[], excludedTotal: number): string {
  const secs = (s.elapsedMs / 1000).toFixed(1);
  const lines = [
    s.cancelled
      ? `interrupted: ${s.done} of ${s.total} files done, ${s.symbols} new symbols in ${secs} s (run it again to resume)`
      : `indexed: ${s.total} files, ${s.symbols} new symbols in ${secs} s`,
    `  asked the servers: ${s.indexed} (${s.empty} with no symbols)`,
    `  skipped (unchanged): ${s.skipped}`,
    `  failed: ${s.failed}${s.failed > 0 ? " (retried on a later run)" : ""}`,
  ];
  for (const f of failures) lines.push(`    ${f.path}: ${f.error ?? "failed"}`);
  if (excludedTotal > 0) lines.push(`  not source text, never sent to a server: ${excludedTotal}`);
  for (const f of excluded) lines.push(`    ${f.path}: ${f.error ?? "excluded"}`);
  if (s.removed > 0) lines.push(`  removed (files gone): ${s.removed}`);
  if (s.invalidated > 0) lines.push(`  invalidated (server version or config changed): ${s.invalidated}`);
  lines.push(`  cache: ${dbPath}`);
  return lines.join("\n");
}
