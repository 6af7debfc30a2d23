// Cold start on a 10,000-file repository: how long from createCodeIntel until workspace_symbols
// first answers with a hit, and until the syntactic tier covers every file; files/s and
// symbols/s of each tier (the LSP pass is sampled for FIRST_ANSWER_LSP_SECONDS, default 30, then
// the service is closed); peak RSS of the codeintel process (the syntax workers are threads of
// it; language servers are separate processes and not counted).
//
// The repository is built from real files, copied into a temp folder: the C tree of
// bench/syntax.bench.ts ($CODEINTEL_LINUX_SAMPLE or /work/linux-sample), then the TypeScript
// files that ship in node_modules, then JavaScript from node_modules up to FIRST_ANSWER_FILES
// (default 10,000). A fresh cache folder each run: nothing is warm but the OS page cache.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { createCodeIntel } from "../src/codeintel.js";
import { packageRoot } from "../src/workspace/package-root.js";
import type { IndexProgress } from "../src/symbols/indexer.js";
import type { WorkspaceSymbolsOutput } from "../src/protocol/index.js";
import { syntaxLanguageOf } from "../src/syntax/languages.js";

export async function main(): Promise<void> {
  const want = Number(process.env.FIRST_ANSWER_FILES ?? 10_000);
  const lspSeconds = Number(process.env.FIRST_ANSWER_LSP_SECONDS ?? 30);
  const work = mkdtempSync(join(tmpdir(), "codeintel-first-answer-"));
  try {
    const repo = join(work, "repo");
    const files = buildRepo(repo, want);
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; ${files.c} C, ${files.ts} TypeScript, ${files.js} JavaScript files (${files.c + files.ts + files.js})\n`);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
    let last: IndexProgress | undefined;
    let syntaxDoneAt: number | undefined;
    const t0 = performance.now();
    const ci = await createCodeIntel({
      roots: [repo],
      cacheDir: join(work, "cache"),
      watch: false,
      symbolIndex: "eager",
      log: () => {},
      onIndexProgress: (_root, p) => {
        last = p;
        if (p.tier === "lsp" && syntaxDoneAt === undefined) syntaxDoneAt = performance.now() - t0;
      },
    });
    try {
      // A name in one of the first C files and one the last TypeScript files declare.
      let firstHit: number | undefined;
      while (syntaxDoneAt === undefined) {
        const r = await ci.call<WorkspaceSymbolsOutput>("workspace_symbols", { query: "init", limit: 1 });
        if (firstHit === undefined && r.structured.results.length > 0) firstHit = performance.now() - t0;
        await new Promise((r) => setTimeout(r, 100));
      }
      const lspStart = performance.now();
      await new Promise((r) => setTimeout(r, lspSeconds * 1000));
      const lspMs = performance.now() - lspStart;
      const p = last!;
      const s = p.syntax;
      console.log("| measure | value |");
      console.log("|---|---|");
      console.log(`| first symbol answer (query \`init\`) | ${sec(firstHit)} s after start |`);
      console.log(`| syntactic tier over every file | ${sec(syntaxDoneAt)} s after start |`);
      console.log(`| syntax: files parsed, symbols | ${s.parsed} files, ${s.symbols} symbols in ${(s.elapsedMs / 1000).toFixed(1)} s |`);
      console.log(`| syntax: files/s, symbols/s | ${Math.round((s.parsed * 1000) / s.elapsedMs)} files/s, ${Math.round((s.symbols * 1000) / s.elapsedMs)} symbols/s |`);
      console.log(`| lsp (first ${lspSeconds} s): files, symbols | ${p.indexed} of ${p.total} files, ${p.symbols} symbols; ${(p.indexed / (lspMs / 1000)).toFixed(1)} files/s, ${Math.round(p.symbols / (lspMs / 1000))} symbols/s |`);
      console.log(`| peak RSS of the codeintel process | ${Math.round(peak / 1e6)} MB |`);
    } finally {
      clearInterval(sampler);
      await ci.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function buildRepo(repo: string, want: number): { c: number; ts: number; js: number } {
  const counts = { c: 0, ts: 0, js: 0 };
  let total = 0;
  const copy = (from: string, paths: string[], to: string, key: keyof typeof counts) => {
    for (const p of paths) {
      if (total >= want) return;
      mkdirSync(dirname(join(repo, to, p)), { recursive: true });
      cpSync(join(from, p), join(repo, to, p));
      counts[key]++;
      total++;
    }
  };
  const linux = process.env.CODEINTEL_LINUX_SAMPLE ?? "/work/linux-sample";
  if (existsSync(linux)) copy(linux, sourceFiles(linux, (l) => l === "c"), "linux", "c");
  else console.log(`(no C tree at ${linux}: see bench/syntax.bench.ts)`);
  const modules = join(packageRoot(), "node_modules");
  copy(modules, sourceFiles(modules, (l) => l === "typescript"), "ts", "ts");
  copy(modules, sourceFiles(modules, (l) => l === "javascript"), "js", "js");
  return counts;
}

function sourceFiles(dir: string, keep: (language: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((p) => {
      const l = syntaxLanguageOf(p);
      return l !== null && keep(l) && !/\.min\.js$/.test(p);
    })
    .sort();
}

function sec(ms: number | undefined): string {
  return ms === undefined ? "?" : (ms / 1000).toFixed(1);
}
