// Judged file ranking: for each query of bench/judged/files-*.tsv (written before any ranker ran),
// is the wanted path first (top-1) or in the first five (top-5)? codeintel beside `fzf --filter`
// and `fzf --filter --scheme=path`, on the same candidates (files and their folders), every miss
// listed. Then warm find latency on the Linux tree through the real FileFinder, with the scorer
// of another build beside it when CODEINTEL_BASELINE_DIST names that build's dist/ folder
// (e.g. `git archive BASE | tar -x -C /tmp/base && cd /tmp/base && ln -s $PWD/node_modules && npx tsc`).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gunzipSync } from "node:zlib";
import { loadCorpusPaths, materialiseTree } from "./corpus.js";

interface Judged {
  query: string;
  wanted: string[];
}

export interface Tree {
  name: string;
  /** Files and folders; folders end with "/". */
  candidates: string[];
  judged: Judged[];
}

export type Ranker = (tree: Tree, query: string) => string[];

const benchDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench");

function loadTrees(): Tree[] {
  const lists: Record<string, () => string[]> = {
    linux: loadCorpusPaths,
    "node-modules": () => gzList(join(benchDir, "judged", "trees", "node-modules.txt.gz")),
    python: () => gzList(join(benchDir, "judged", "trees", "python.txt.gz")),
  };
  return Object.entries(lists).map(([name, load]) => ({
    name,
    candidates: withFolders(load()),
    judged: readFileSync(join(benchDir, "judged", `files-${name}.tsv`), "utf8")
      .split("\n")
      .filter((l) => l.includes("\t"))
      .map((l) => {
        const [query, wanted] = l.split("\t") as [string, string];
        return { query, wanted: wanted.split(" | ").map((w) => w.trim()) };
      }),
  }));
}

export function gzList(file: string): string[] {
  return gunzipSync(readFileSync(file)).toString("utf8").split("\n").filter(Boolean);
}

/** The files, each folder above them once (as the finder lists a git tree), folders ending in "/". */
export function withFolders(files: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    for (let at = f.indexOf("/"); at >= 0; at = f.indexOf("/", at + 1)) {
      const dir = f.slice(0, at);
      if (!seen.has(dir)) {
        seen.add(dir);
        out.push(`${dir}/`);
      }
    }
    out.push(f);
  }
  return out;
}

interface ScorerModules {
  PathTable: new () => {
    add(path: string, dir: boolean): number;
    count: number;
    pathAt(i: number): string;
    isDir(i: number): boolean;
    /** A segmented table (a task's pieces lie in one segment each); older builds have one set of buffers, shared(). */
    segments?(): ReadonlyArray<{ shared: unknown; base: number; length: number }>;
    shared?(): unknown;
  };
  matchChunk: (task: Record<string, unknown>) => { topIndex: Int32Array };
}

export async function loadScorer(dist: string): Promise<ScorerModules> {
  const table = (await import(pathToFileURL(join(dist, "src", "files", "path-table.js")).href)) as { PathTable: ScorerModules["PathTable"] };
  const chunk = (await import(pathToFileURL(join(dist, "src", "files", "match-chunk.js")).href)) as { matchChunk: ScorerModules["matchChunk"] };
  return { PathTable: table.PathTable, matchChunk: chunk.matchChunk };
}

/** codeintel's worker scoring, in-process, over one table per tree: the order a find returns. */
export function codeintelRanker(mod: ScorerModules): Ranker {
  const tables = new Map<string, InstanceType<ScorerModules["PathTable"]>>();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  return (tree, query) => {
    let table = tables.get(tree.name);
    if (!table) {
      table = new mod.PathTable();
      for (const c of tree.candidates) table.add(c.endsWith("/") ? c.slice(0, -1) : c, c.endsWith("/"));
      tables.set(tree.name, table);
    }
    const t = table;
    // One task over the whole table: every segment a piece (older builds: the one set of buffers).
    const whole = t.segments ? { pieces: t.segments().map((s) => ({ segment: s.shared, base: s.base, from: 0, to: s.length })) } : { table: t.shared!(), from: 0, to: t.count };
    const res = mod.matchChunk({ ...whole, query, limit: 5, cancel, generation: 0 });
    return [...res.topIndex].map((i) => t.pathAt(i) + (t.isDir(i) ? "/" : ""));
  };
}

export function fzfRanker(extra: string[]): Ranker {
  const inputs = new Map<string, Buffer>();
  return (tree, query) => {
    let input = inputs.get(tree.name);
    if (!input) {
      input = Buffer.from(tree.candidates.map((c) => (c.endsWith("/") ? c.slice(0, -1) : c)).join("\n") + "\n");
      inputs.set(tree.name, input);
    }
    const out = spawnSync("fzf", ["--filter", query, ...extra], { input, maxBuffer: 1 << 28 });
    const dirs = new Set(tree.candidates.filter((c) => c.endsWith("/")).map((c) => c.slice(0, -1)));
    return out.stdout
      .toString("utf8")
      .split("\n")
      .filter(Boolean)
      .slice(0, 5)
      .map((p) => (dirs.has(p) ? `${p}/` : p));
  };
}

interface Tally {
  top1: number;
  top5: number;
  total: number;
  misses: string[];
}

function judge(trees: Tree[], rank: Ranker): Map<string, Tally> {
  const out = new Map<string, Tally>();
  for (const tree of trees) {
    const t: Tally = { top1: 0, top5: 0, total: 0, misses: [] };
    for (const j of tree.judged) {
      const got = rank(tree, j.query);
      const at = got.findIndex((p) => j.wanted.includes(p));
      t.total++;
      if (at === 0) t.top1++;
      if (at >= 0 && at < 5) t.top5++;
      if (at !== 0) t.misses.push(`${JSON.stringify(j.query)} wanted ${j.wanted[0]}${at > 0 ? ` (#${at + 1})` : ""}; got ${got[0] ?? "nothing"}`);
    }
    out.set(tree.name, t);
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Median and 90th percentile of warm finds of every judged Linux query, through a real FileFinder
 * per build. The builds take turns query by query (the first one alternating each round), so a
 * change in the machine's load falls on all of them alike.
 */
async function warmLatencies(dists: string[], root: string, queries: string[]): Promise<Array<{ median: number; p90: number }>> {
  type Finder = import("../src/files/finder.js").FileFinder;
  const finders: Finder[] = [];
  try {
    for (const dist of dists) {
      const { FileFinder } = (await import(pathToFileURL(join(dist, "src", "files", "finder.js")).href)) as typeof import("../src/files/finder.js");
      const finder = new FileFinder({ watch: false, threads: 2 });
      finders.push(finder);
      await finder.openRoot(root).ready;
      await finder.find("warm up", [root]);
    }
    const times: number[][] = finders.map(() => []);
    for (let round = 0; round < 7; round++) {
      for (const q of queries) {
        for (let k = 0; k < finders.length; k++) {
          const b = (k + round) % finders.length;
          const t0 = performance.now();
          await finders[b]!.find(q, [root], { limit: 50 });
          times[b]!.push(performance.now() - t0);
        }
      }
    }
    return times.map((t) => {
      const sorted = t.sort((x, y) => x - y);
      return { median: median(sorted), p90: sorted[Math.floor(sorted.length * 0.9)]! };
    });
  } finally {
    await Promise.all(finders.map((f) => f.close()));
  }
}

export async function main(): Promise<void> {
  const trees = loadTrees();
  const ownDist = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const baseDist = process.env.CODEINTEL_BASELINE_DIST;
  const fzfVersion = spawnSync("fzf", ["--version"]).stdout?.toString().trim() || "not installed";
  const rankers: Array<[string, Ranker]> = [["codeintel", codeintelRanker(await loadScorer(ownDist))]];
  if (baseDist) rankers.push(["codeintel (baseline)", codeintelRanker(await loadScorer(resolve(baseDist)))]);
  if (fzfVersion !== "not installed") {
    rankers.push(["fzf --filter", fzfRanker([])], ["fzf --filter --scheme=path", fzfRanker(["--scheme=path"])]);
  }
  console.log(`judged file queries: ${trees.map((t) => `${t.name} ${t.judged.length}`).join(", ")}; fzf ${fzfVersion}\n`);
  const results = rankers.map(([name, rank]) => [name, judge(trees, rank)] as const);
  console.log(`| ranker | ${trees.map((t) => `${t.name} top-1 / top-5`).join(" | ")} | all top-1 | all top-5 |`);
  console.log(`|---|${trees.map(() => "---|").join("")}---|---|`);
  for (const [name, byTree] of results) {
    const cells = trees.map((t) => {
      const x = byTree.get(t.name)!;
      return `${x.top1} / ${x.top5} of ${x.total}`;
    });
    const all = [...byTree.values()].reduce((a, x) => ({ top1: a.top1 + x.top1, top5: a.top5 + x.top5, total: a.total + x.total }), { top1: 0, top5: 0, total: 0 });
    const pct = (n: number) => `${((100 * n) / all.total).toFixed(1)}%`;
    console.log(`| ${name} | ${cells.join(" | ")} | ${all.top1} (${pct(all.top1)}) | ${all.top5} (${pct(all.top5)}) |`);
  }
  for (const [name, byTree] of results) {
    console.log(`\nmisses (not first), ${name}:`);
    for (const [tree, x] of byTree) for (const m of x.misses) console.log(`  ${tree}: ${m}`);
  }

  const linux = trees.find((t) => t.name === "linux")!;
  const root = await materialiseTree();
  const queries = linux.judged.map((j) => j.query);
  console.log(`\nwarm find, ${queries.length} judged Linux queries x 7, limit 50, 2 threads, builds taking turns:`);
  console.log("| scorer | median | p90 |\n|---|---|---|");
  const builds: Array<[string, string]> = [["codeintel", ownDist]];
  if (baseDist) builds.push(["baseline", resolve(baseDist)]);
  const latencies = await warmLatencies(builds.map(([, dist]) => dist), root, queries);
  builds.forEach(([name], k) => console.log(`| ${name} | ${latencies[k]!.median.toFixed(1)} ms | ${latencies[k]!.p90.toFixed(1)} ms |`));
  if (latencies.length === 2) console.log(`\nmedian ratio codeintel / baseline: ${(latencies[0]!.median / latencies[1]!.median).toFixed(2)}`);
}
