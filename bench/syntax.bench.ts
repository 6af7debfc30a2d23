// Syntactic indexer benchmark: files/s and symbols/s of the ctags tier (src/syntax/ctags.ts:
// ctags processes streaming JSON, rows written to a fresh SQLite cache) and of the tree-sitter
// tier (the piscina pool, every thread the machine has, at most 4, its rows written to a fresh
// cache: the writes are part of the rate, one transaction per batch as the indexer does) on a
// real C tree and a real TypeScript tree, beside Universal Ctags itself (`ctags -L`, one
// process, tags to a file) on the same files in the same run; peak RSS of each.
//
//   C tree:  $CODEINTEL_LINUX_SAMPLE or /work/linux-sample — kernel/ and fs/ of Debian's
//            linux-source-6.1 (`tar -xJf /usr/src/linux-source-6.1.tar.xz --strip-components=1
//            linux-source-6.1/kernel linux-source-6.1/fs` in that folder)
//   TS tree: zod's TypeScript sources (node_modules/zod/src) and codeintel's own src/
// SYNTAX_BENCH_LIMIT=N parses only the first N files of each tree (for a loaded machine);
// SYNTAX_BENCH_RUNS=N repeats each measure (default 3) and reports the median.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { packageRoot } from "../src/workspace/package-root.js";
import { SymbolStore, type FileWrite } from "../src/symbols/store.js";
import { createCtags } from "../src/syntax/ctags.js";
import { syntaxLanguageOf } from "../src/syntax/languages.js";
import { createSyntaxPool } from "../src/syntax/syntax-pool.js";

interface Tree { label: string; root: string; paths: string[]; ctagsLanguage: string }

export async function main(): Promise<void> {
  const limit = Number(process.env.SYNTAX_BENCH_LIMIT ?? Infinity);
  const runs = Math.max(1, Number(process.env.SYNTAX_BENCH_RUNS ?? 3));
  const trees = [cTree(), tsTree()].filter((t): t is Tree => t !== undefined).map((t) => ({ ...t, paths: t.paths.slice(0, limit) }));
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${execFileSync("nproc", { encoding: "utf8" }).trim()} cores; ${runs} runs each, medians\n`);
  console.log("| tree | files | MB | tier | files/s | symbols (tags)/s | symbols | files parsed with errors | peak RSS MB |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const tree of trees) {
    const mb = tree.paths.reduce((n, p) => n + statSync(join(tree.root, p)).size, 0) / 1e6;
    const tier = await measureCtagsTier(tree, runs);
    console.log(`| ${tree.label} | ${tree.paths.length} | ${mb.toFixed(1)} | ctags tier (${tier.processes} processes, with writes) | ${rate(tree.paths.length, tier.ms)} | ${rate(tier.symbols, tier.ms)} | ${tier.symbols} | | ${tier.rssMb} |`);
    const ours = await measureSyntax(tree, runs);
    console.log(`| ${tree.label} | ${tree.paths.length} | ${mb.toFixed(1)} | tree-sitter tier (${ours.threads} threads, with writes) | ${rate(tree.paths.length, ours.ms)} | ${rate(ours.symbols, ours.ms)} | ${ours.symbols} | ${ours.partial} | ${ours.rssMb} |`);
    const ctags = measureCtags(tree, runs);
    console.log(`| ${tree.label} | ${tree.paths.length} | ${mb.toFixed(1)} | ctags (1 process) | ${rate(tree.paths.length, ctags.ms)} | ${rate(ctags.tags, ctags.ms)} | ${ctags.tags} | | ${ctags.rssMb} |`);
  }
}

async function measureSyntax(tree: Tree, runs: number) {
  const pool = createSyntaxPool();
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    // Warm up: each thread compiles the grammar on its first file; not part of the rate.
    await pool.parse(tree.root, tree.paths.slice(0, pool.threads * 2), { batchSize: 1 });
    const times: number[] = [];
    let symbols = 0;
    let partial = 0;
    for (let r = 0; r < runs; r++) {
      const store = freshStore(tree.root);
      const t0 = performance.now();
      const results = await pool.parse(tree.root, tree.paths, {
        onBatch: (batch) => store.write(batch.flatMap((x): FileWrite[] => (x.status === "ok" ? [{ type: "symbols", tier: "syntax", record: { path: x.path, language: "x", size: x.size, mtimeMs: x.mtimeMs, hash: x.hash, fingerprint: null }, symbols: x.symbols }] : []))),
      });
      times.push(performance.now() - t0);
      store.close();
      symbols = 0;
      partial = 0;
      for (const x of results) {
        if (x.status === "ok") {
          symbols += x.symbols.length;
          if (x.partial) partial++;
        }
      }
    }
    return { ms: median(times), symbols, partial, threads: pool.threads, rssMb: Math.round(peak / 1e6) };
  } finally {
    clearInterval(sampler);
    await pool.destroy();
  }
}

/** The ctags tier as the indexer runs it: ctags processes in parallel, each batch written in one transaction. */
async function measureCtagsTier(tree: Tree, runs: number) {
  const ctags = createCtags();
  const available = await ctags.availability();
  if (!available.ok) throw new Error(`the ctags tier needs Universal Ctags: ${available.reason}`);
  const baseRss = process.memoryUsage().rss;
  let peak = baseRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const times: number[] = [];
  let symbols = 0;
  try {
    for (let r = 0; r < runs; r++) {
      const store = freshStore(tree.root);
      symbols = 0;
      const t0 = performance.now();
      await ctags.tag(tree.root, tree.paths, {
        onBatch: (batch) => {
          store.write(batch.map((x): FileWrite => ({ type: "symbols", tier: "ctags", record: { path: x.path, language: "x", size: x.size, mtimeMs: x.mtimeMs, hash: null, fingerprint: null }, symbols: x.symbols })));
          for (const x of batch) symbols += x.symbols.length;
        },
      });
      times.push(performance.now() - t0);
      store.close();
    }
  } finally {
    clearInterval(sampler);
  }
  return { ms: median(times), symbols, processes: Math.min(4, Number(execFileSync("nproc", { encoding: "utf8" }).trim())), rssMb: Math.round(peak / 1e6) };
}

const benchDir = mkdtempSync(join(tmpdir(), "codeintel-syntax-bench-"));
process.on("exit", () => rmSync(benchDir, { recursive: true, force: true }));
let stores = 0;
function freshStore(root: string): SymbolStore {
  return SymbolStore.open({ root, dbPath: join(benchDir, `cache-${stores++}.sqlite`), onWarning: () => {} });
}

function measureCtags(tree: Tree, runs: number) {
  const dir = mkdtempSync(join(tmpdir(), "codeintel-ctags-"));
  try {
    const list = join(dir, "files");
    writeFileSync(list, tree.paths.join("\n") + "\n");
    const out = join(dir, "tags");
    const times: number[] = [];
    let rssKb = 0;
    for (let r = 0; r < runs; r++) {
      const t0 = performance.now();
      // GNU time reports the child's peak RSS; ctags writes its tags to a file like `ctags -R`
      // (`.h` read as C, as the syntax tier and the ctags tier read it).
      const run = spawnSync("/usr/bin/time", ["-f", "%M", "ctags", `--languages=${tree.ctagsLanguage}`, ...(tree.ctagsLanguage === "C" ? ["--map-C++=-.h", "--map-C=+.h"] : []), "-L", list, "-f", out], { cwd: tree.root, encoding: "utf8" });
      times.push(performance.now() - t0);
      if (run.status !== 0) throw new Error(`ctags failed: ${run.stderr || run.error?.message}`);
      rssKb = Number(run.stderr.trim().split("\n").pop());
    }
    const tags = execFileSync("grep", ["-vc", "^!_", out], { encoding: "utf8" }).trim();
    return { ms: median(times), tags: Number(tags), rssMb: Math.round(rssKb / 1e3) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function cTree(): Tree | undefined {
  const root = process.env.CODEINTEL_LINUX_SAMPLE ?? "/work/linux-sample";
  if (!existsSync(root)) {
    console.log(`(no C tree: extract kernel/ and fs/ of /usr/src/linux-source-6.1.tar.xz into ${root}, see bench/syntax.bench.ts)`);
    return undefined;
  }
  return { label: "Linux 6.1 kernel/ + fs/ (C)", root, paths: sourceFiles(root, root, (l) => l === "c"), ctagsLanguage: "C" };
}

function tsTree(): Tree {
  const root = packageRoot();
  const paths = [...sourceFiles(root, join(root, "node_modules", "zod", "src"), (l) => l === "typescript"), ...sourceFiles(root, join(root, "src"), (l) => l === "typescript")];
  return { label: "zod src + codeintel src (TypeScript)", root, paths, ctagsLanguage: "TypeScript" };
}

function sourceFiles(root: string, dir: string, keep: (language: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((p) => { const l = syntaxLanguageOf(p); return l !== null && keep(l); })
    .sort();
}

function rate(n: number, ms: number): string {
  return Math.round((n / ms) * 1000).toLocaleString("en-US");
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}
