// index: builds or refreshes a root's symbol cache, the one way whichever transport asks
// (`codeintel index`, an MCP agent, an app-server client): the syntactic pass (tree-sitter),
// then the language servers. Progress goes to the caller while it runs; cancelling stops the
// pass early and answers with what got done (the next run resumes from there).
import { beyondCall } from "../lsp/call-budget.js";
import type { IndexProgress } from "../symbols/indexer.js";
import type { IndexReport, SymbolCacheRegistry } from "../symbols/registry.js";
import { confinePath } from "../workspace/paths.js";
import { guarded, MAX_PATH_CHARS } from "./navigation/common.js";
import { ToolError, type Tool } from "../core/tool.js";
import type { IndexInput, IndexOutput } from "../protocol/index.js";
export type { IndexInput, IndexOutput, TierTotals } from "../protocol/index.js";


export function createIndexTool(deps: { roots: readonly string[]; caches: Pick<SymbolCacheRegistry, "index"> }): Tool<IndexInput, IndexOutput> {
  const count = { type: "integer", minimum: 0 };
  const tierTotals = { type: "object", properties: { files: count, symbols: count, seconds: { type: "number", minimum: 0 } }, required: ["files", "symbols", "seconds"] };
  const listed = { type: "array", items: { type: "object", properties: { path: { type: "string" }, error: { type: ["string", "null"] } }, required: ["path", "error"] } };
  return {
    name: "index",
    title: "Build or refresh the symbol index",
    description:
      "Build or refresh the symbol index of a project root, which workspace_symbols and document_symbols answer from: parses every file with tree-sitter first (symbols in seconds, approximate, in any language), then asks each file's language server for its symbols, which replace the syntactic ones. " +
      "Unchanged files are skipped, so a refresh is quick; it reports progress while it runs and returns counts (files, symbols, seconds, skipped, failed, excluded) with the failed and excluded files. " +
      "The service keeps the index fresh by itself: use this after large changes made while it was not running, or to wait until the index is complete.",
    inputSchema: {
      type: "object",
      properties: { root: { type: "string", maxLength: MAX_PATH_CHARS, description: "A project root, or a folder inside one (default: the only root; required when there are several)." } },
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: {
        root: { type: "string" },
        database: { type: "string" },
        total: count,
        done: count,
        indexed: count,
        empty: count,
        skipped: count,
        failed: count,
        excluded: count,
        symbols: { ...count, description: "Symbols the servers answered for the files asked (a re-read file counts all of its symbols)." },
        cacheSymbols: { ...count, description: "Symbols in the cache after the run." },
        symbolChange: { type: "integer", description: "cacheSymbols minus the count before the run." },
        removed: count,
        invalidated: count,
        elapsedMs: count,
        cancelled: { type: "boolean", description: "True when the run was stopped early; the next run resumes." },
        failures: listed,
        excludedFiles: listed,
        syntaxOnly: { ...count, description: "Files whose language server is not installed: syntax symbols only (none without a grammar); asked once the server is installed." },
        missingServers: {
          type: "array",
          description: "The servers not installed, once each: how many files they would read and the install hint.",
          items: { type: "object", properties: { serverId: { type: "string" }, files: count, reason: { type: "string" } }, required: ["serverId", "files", "reason"] },
        },
        keptSyntax: { ...count, description: "Files whose server answered no symbols while the syntax tier found some: those are kept." },
        serverFailures: {
          type: "array",
          description: "Servers that failed on files this run, once each: how many files, why (timeout, broken, loading, failed) and the first error. Non-empty: `codeintel index` exits 3.",
          items: { type: "object", properties: { serverId: { type: "string" }, files: count, why: { type: "string" }, reason: { type: "string" } }, required: ["serverId", "files", "why", "reason"] },
        },
        tiers: {
          type: "object",
          description: "Per tier: files given symbols this run, those symbols, seconds. `syntax` is tree-sitter's pass, `lsp` the language servers'.",
          properties: { syntax: tierTotals, lsp: tierTotals },
          required: ["syntax", "lsp"],
        },
      },
      required: ["root", "database", "total", "done", "cancelled", "failures", "excludedFiles", "tiers"],
    },
    // It writes the cache; running it twice leaves the same cache.
    annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    answersWhenCancelled: true,
    run: (input, ctx) =>
      guarded(async () => {
        const root = rootOf(input.root, deps.roots);
        let reported = -1;
        const onProgress = (p: IndexProgress) => {
          // Both tiers count: the syntactic pass's files, then the servers'.
          const done = p.syntax.done + p.done;
          if (!ctx.progress || p.phase !== "indexing" || done <= reported) return;
          reported = done;
          ctx.progress({ progress: done, total: p.syntax.total + p.total, message: `indexing ${root}: ${progressText(p)}` });
        };
        // A pass is many questions to the servers, each with its own timeout, not one call's.
        const report = await beyondCall(() => deps.caches.index(root, ctx.signal, onProgress));
        const s = report.summary;
        const tiers = {
          syntax: { files: s.syntax.parsed, symbols: s.syntax.symbols, seconds: seconds(s.syntax.elapsedMs) },
          lsp: { files: s.indexed, symbols: s.symbols, seconds: seconds(Math.max(0, s.elapsedMs - s.syntax.elapsedMs)) },
        };
        return { structured: { root, database: report.database, ...s, cacheSymbols: report.cacheSymbols, symbolChange: report.symbolChange, failures: report.failures, excludedFiles: report.excludedFiles, tiers }, text: renderReport(report) };

      }),
  };
}

export function rootOf(input: string | undefined, roots: readonly string[]): string {
  if (input !== undefined) return confinePath(input, roots).root;
  if (roots.length === 1) return roots[0]!;
  throw new ToolError("invalid_input", `there are ${roots.length} project roots: give \`root\` (one of ${roots.join(", ")})`);
}

function failureAdvice(why: string): string {
  if (why === "timeout") return " (timed out: the machine may be loaded; run it again)";
  if (why === "loading") return " (still loading its project: run it again)";
  return "";
}

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/** `syntax 2399/2399 files, 66k symbols · lsp 120/800 files, 3400 symbols, about 40 s left` */
function progressText(p: IndexProgress): string {
  const eta = p.etaMs === null || p.tier !== "lsp" ? "" : `, about ${Math.ceil(p.etaMs / 1000)} s left`;
  const lsp = `${p.done}/${p.total} files, ${p.symbols} symbols${eta}`;
  return p.syntax.total > 0 ? `syntax ${p.syntax.done}/${p.syntax.total} files, ${p.syntax.symbols} symbols · lsp ${lsp}` : lsp;
}

function renderReport({ summary: s, database, failures, excludedFiles, excludedTotal, cacheSymbols, symbolChange }: IndexReport): string {
  const secs = (s.elapsedMs / 1000).toFixed(1);
  // What changed in the cache, not what the servers sent: re-reading a file of 75 symbols to add one is "+1".
  const change = `${cacheSymbols} symbols in the cache (${symbolChange >= 0 ? "+" : ""}${symbolChange})`;
  const x = s.syntax;
  const lines = [
    s.cancelled
      ? s.tier === "syntax"
        ? `interrupted: syntax ${x.done} of ${x.total} files parsed, language servers not asked yet, in ${secs} s (run it again to resume)`
        : `interrupted: ${s.done} of ${s.total} files done in ${secs} s, ${change} (run it again to resume)`
      : `indexed: ${s.files} files in ${secs} s, ${change}`,
  ];
  if (x.total > 0) {
    lines.push(`  syntax (tree-sitter): ${x.parsed} parsed, ${x.symbols} symbols in ${(x.elapsedMs / 1000).toFixed(1)} s; ${x.skipped} unchanged` + (x.failed > 0 ? `; ${x.failed} failed` : ""));
  }
  lines.push(
    `  language servers: ${s.total} files, ${s.symbols} symbols read in ${(Math.max(0, s.elapsedMs - x.elapsedMs) / 1000).toFixed(1)} s`,
    `  asked the servers: ${s.indexed} (${s.empty} with no symbols)`,
    `  skipped (unchanged): ${s.skipped}`,
    `  failed: ${s.failed}${s.failed > 0 ? " (retried on a later run)" : ""}`,
  );
  // One line per server, not per file: the error is the same for all of its files.
  for (const f of s.serverFailures) lines.push(`    ${f.serverId}, ${f.files} ${f.files === 1 ? "file" : "files"}: ${f.reason}${failureAdvice(f.why)}`);
  const perServer = new Set(s.serverFailures.map((f) => f.serverId));
  const listed = perServer.size > 0 ? failures.slice(0, 5) : failures;
  for (const f of listed) lines.push(`    ${f.path}${perServer.size > 0 ? "" : `: ${f.error ?? "failed"}`}`);
  if (listed.length < s.failed && perServer.size > 0) lines.push(`    ... (${s.failed - listed.length} more)`);
  if (s.keptSyntax > 0) lines.push(`  the server answered no symbols, the syntax tier's kept: ${s.keptSyntax}`);
  if (s.syntaxOnly > 0) {
    lines.push(`  no server installed (syntax tier only, asked once it is): ${s.syntaxOnly}`);
    for (const m of s.missingServers) lines.push(`    ${m.serverId}, ${m.files} ${m.files === 1 ? "file" : "files"}: ${m.reason}`);
  }
  if (excludedTotal > 0) lines.push(`  not source text, never sent to a server: ${excludedTotal}`);
  for (const f of excludedFiles) lines.push(`    ${f.path}: ${f.error ?? "excluded"}`);
  if (s.removed > 0) lines.push(`  removed (files gone): ${s.removed}`);
  if (s.invalidated > 0) lines.push(`  invalidated (server version or config changed): ${s.invalidated}`);
  lines.push(`  cache: ${database}`);
  return lines.join("\n");
}
