// `codeintel index [--root DIR]`: builds or refreshes the symbol cache of a root from its
// language servers, with a progress bar on a TTY and a summary at the end.
import { parseArgs } from "node:util";
import { FileFinder } from "../files/finder.js";
import { LspPool } from "../lsp/pool.js";
import { SymbolCache } from "../symbols/symbol-cache.js";
import type { IndexProgress, IndexSummary } from "../symbols/indexer.js";
import { loadConfig } from "../workspace/config.js";
import { resolveRoots } from "../workspace/paths.js";

export const help = `codeintel index: build or refresh the symbol cache of a project root

Usage: codeintel index [--root DIR] [options]

Asks each file's language server for its symbols (documentSymbol) and stores them in a
SQLite cache so \`codeintel symbols QUERY\` and the workspace_symbols tool answer in
milliseconds. Unchanged files are skipped; a stopped run resumes where it left off.

Options:
  --root DIR          project root (default: the current folder)
  --cache-dir DIR     where cache databases live (default: $CODEINTEL_CACHE_DIR, else the user cache folder)
  --config FILE       codeintel.json with server overrides
  --concurrency N     documentSymbol requests in flight per server (default 3)
  --json              print the summary as JSON
  --quiet             no progress output

Exit codes: 0 done (failed files are listed in the summary), 1 error, 2 bad usage, 130 interrupted.`;

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        root: { type: "string" },
        "cache-dir": { type: "string" },
        config: { type: "string" },
        concurrency: { type: "string" },
        json: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
      },
    }));
  } catch (e) {
    process.stderr.write(`codeintel index: ${(e as Error).message}\n\n${help}\n`);
    return 2;
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
    process.stderr.write("codeintel index: --concurrency must be an integer from 1 to 64\n");
    return 2;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const tty = process.stderr.isTTY && !values.quiet && !values.json;
  let pool: LspPool | undefined;
  let finder: FileFinder | undefined;
  let cache: SymbolCache | undefined;
  try {
    const [root] = resolveRoots([values.root ?? process.cwd()]);
    const config = loadConfig({ roots: [root!], explicitPath: values.config });
    pool = new LspPool({ roots: [root!], config });
    finder = new FileFinder({ watch: false });
    const files = finder.openRoot(root!);
    if (!values.quiet && !values.json) process.stderr.write(`listing files of ${root}...\n`);
    await files.ready;
    const bar = new ProgressLine(tty);
    cache = SymbolCache.open({
      root: root!,
      source: pool,
      files,
      cacheDir: values["cache-dir"] ?? config.cacheDir,
      concurrencyPerServer: concurrency,
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
    process.stderr.write(`codeintel index: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cache?.close();
    await finder?.close();
    await pool?.dispose();
  }
}

interface Listed {
  path: string;
  error: string | null;
}

function renderSummary(s: IndexSummary, dbPath: string, failures: Listed[], excluded: Listed[], excludedTotal: number): string {
  const secs = (s.elapsedMs / 1000).toFixed(1);
  const lines = [
    `${s.cancelled ? "interrupted" : "indexed"}: ${s.total} files, ${s.symbols} new symbols in ${secs} s`,
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

/** One rewritten line on a TTY: bar, counts, rate, ETA. Silent elsewhere. */
class ProgressLine {
  #shown = false;
  constructor(private readonly tty: boolean) {}
  update(p: IndexProgress): void {
    if (!this.tty || p.phase === "done") return;
    const width = 28;
    const frac = p.total === 0 ? 1 : p.done / p.total;
    const filled = Math.round(frac * width);
    const eta = p.etaMs === null ? "?" : formatDuration(p.etaMs);
    const line = `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total} files  ${p.symbols} symbols  ${p.rate.toFixed(1)} files/s  ETA ${eta}  (${p.skipped} skipped, ${p.failed} failed)`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    this.#shown = true;
  }
  clear(): void {
    if (this.#shown) process.stderr.write("\r\x1b[2K");
    this.#shown = false;
  }
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}
