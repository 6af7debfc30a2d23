// Path table memory on 1.25M paths (the Linux list under 16 prefixes, a git index with no files:
// bench/corpus.ts materialiseLargeGitRepo), this build beside another one measured in the same
// run (CODEINTEL_BASELINE_DIST names that build's dist/ folder). Each figure is the median of
// fresh child processes (FileFinder, watch: false, 2 threads), builds alternating:
// - queries while the list loads: a session updated with `mutex` a few times as the table grows,
//   then a final query once it is in; process.memoryUsage() (arrayBuffers counts a
//   SharedArrayBuffer until no thread, worker included, holds it) and RSS, then the same after a
//   main-thread GC (what is left is held by the workers);
// - the cold load alone (pool already up) and the memory it leaves;
// - warm find latency on 1.25M and on 78k paths (one copy), both builds loaded in one child and
//   timed in turns, so load from elsewhere on the machine falls on both alike.
// `npm run bench memory`.
import { execFileSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { materialiseLargeGitRepo } from "./corpus.js";

type FinderModule = typeof import("../src/files/finder.js");

const QUERIES = ["mutex", "kconfig", "drivers net eth intel"];
const RUNS = 3;

interface DuringLoad {
  updates: number;
  entries: number;
  arrayBuffers: number;
  rss: number;
  arrayBuffersAfterGc: number;
  rssAfterGc: number;
}

interface ColdLoad {
  loadMs: number;
  entries: number;
  arrayBuffers: number;
  rss: number;
}

/** Per root, per build, per query: the median warm find, wall and CPU (all threads) in ms. */
type Warm = Record<string, Record<string, Record<string, { wall: number; cpu: number }>>>;

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function loadFinder(dist: string): Promise<FinderModule> {
  return (await import(pathToFileURL(join(dist, "src", "files", "finder.js")).href)) as FinderModule;
}

/** Child: a session queried while the list loads (an update per ~1/8 of the list), then a final query. */
async function duringLoad(dist: string, root: string): Promise<DuringLoad> {
  const { FileFinder } = await loadFinder(dist);
  const finder = new FileFinder({ watch: false, threads: 2 });
  const index = finder.openRoot(root);
  const session = finder.startSession([root]);
  let updates = 0;
  let next = 0;
  const step = 160_000;
  const off = index.onGrow(() => {
    if (index.table.count < next || index.loaded) return;
    next = index.table.count + step;
    updates++;
    session.update("mutex");
  });
  await index.ready;
  off();
  await new Promise<void>((done) => {
    session.once("completed", () => done());
    session.update("mutex");
  });
  await session.idle();
  session.stop();
  const before = process.memoryUsage();
  const after = await settledMemory();
  const out = {
    updates,
    entries: index.table.count,
    arrayBuffers: before.arrayBuffers,
    rss: before.rss,
    arrayBuffersAfterGc: after.arrayBuffers,
    rssAfterGc: after.rss,
  };
  await finder.close();
  return out;
}

/** Child: the cold load alone (workers started first) and the memory it leaves. */
async function coldLoad(dist: string, root: string): Promise<ColdLoad> {
  const { FileFinder } = await loadFinder(dist);
  const finder = new FileFinder({ watch: false, threads: 2 });
  await finder.find("warm", [dirname(fileURLToPath(import.meta.url))]);
  const t0 = performance.now();
  const index = finder.openRoot(root);
  await index.ready;
  const loadMs = performance.now() - t0;
  await finder.find("mutex", [root]);
  const mem = await settledMemory();
  const out = { loadMs, entries: index.table.count, arrayBuffers: mem.arrayBuffers, rss: mem.rss };
  await finder.close();
  return out;
}

/** Child: every build's finder over the same roots, each query timed on each build in turn. */
async function warmFinds(dists: string[], roots: string[]): Promise<Warm> {
  const finders = await Promise.all(dists.map(async (d) => new (await loadFinder(d)).FileFinder({ watch: false, threads: 2 })));
  const out: Warm = {};
  for (const root of roots) {
    for (const f of finders) {
      await f.openRoot(root).ready;
      await f.find("warm up", [root]);
    }
    const times = dists.map(() => QUERIES.map(() => [] as number[]));
    const cpu = dists.map(() => QUERIES.map(() => [] as number[]));
    for (let round = 0; round < 11; round++) {
      for (let q = 0; q < QUERIES.length; q++) {
        for (let b = 0; b < finders.length; b++) {
          const k = round % 2 ? finders.length - 1 - b : b;
          const c = process.cpuUsage();
          const t = performance.now();
          await finders[k]!.find(QUERIES[q]!, [root], { limit: 50 });
          times[k]![q]!.push(performance.now() - t);
          const used = process.cpuUsage(c);
          cpu[k]![q]!.push((used.user + used.system) / 1000);
        }
      }
    }
    out[root] = Object.fromEntries(dists.map((d, b) => [d, Object.fromEntries(QUERIES.map((q, k) => [q, { wall: median(times[b]![k]!), cpu: median(cpu[b]![k]!) }]))]));
    for (const f of finders) await f.closeRoot(root);
  }
  await Promise.all(finders.map((f) => f.close()));
  return out;
}

/** Memory once a main-thread GC has run and array buffers freed by it are swept (off-thread). */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await new Promise((r) => setTimeout(r, 200));
  gc?.();
  return process.memoryUsage();
}

function child<T>(mode: string, dist: string, root: string): T {
  const here = fileURLToPath(import.meta.url);
  const out = execFileSync(process.execPath, ["--expose-gc", here, "--memory-child", mode, dist, root], { encoding: "utf8", maxBuffer: 1 << 24, stdio: ["ignore", "pipe", "inherit"] });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

export async function main(): Promise<void> {
  const root = await materialiseLargeGitRepo(16);
  const small = await materialiseLargeGitRepo(1);
  const builds: Array<[string, string]> = [["this build", resolve(dirname(fileURLToPath(import.meta.url)), "..")]];
  const base = process.env.CODEINTEL_BASELINE_DIST;
  if (base) builds.push(["baseline", resolve(base)]);
  else console.log("(set CODEINTEL_BASELINE_DIST to a baseline build's dist/ to measure it beside this one)");
  const during = new Map<string, DuringLoad[]>(builds.map(([n]) => [n, []]));
  const cold = new Map<string, ColdLoad[]>(builds.map(([n]) => [n, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, dist] of run % 2 ? [...builds].reverse() : builds) {
      during.get(name)!.push(child<DuringLoad>("during", dist, root));
      cold.get(name)!.push(child<ColdLoad>("cold", dist, root));
    }
  }
  const dists = builds.map(([, d]) => d);
  const warm = child<Warm>("warm", dists.join(","), [root, small].join(","));
  const m = <T>(xs: T[], f: (x: T) => number) => median(xs.map(f));
  const entries = during.get(builds[0]![0])![0]!.entries;
  console.log(`${entries} entries (files and folders), ${RUNS} child processes per build, medians\n`);
  console.log("| build | updates during load | arrayBuffers after final query | RSS | arrayBuffers after main-thread GC | RSS after GC |");
  console.log("|---|---|---|---|---|---|");
  for (const [name] of builds) {
    const d = during.get(name)!;
    console.log(
      `| ${name} | ${m(d, (x) => x.updates)} | ${mb(m(d, (x) => x.arrayBuffers))} | ${mb(m(d, (x) => x.rss))} | ${mb(m(d, (x) => x.arrayBuffersAfterGc))} | ${mb(m(d, (x) => x.rssAfterGc))} |`,
    );
  }
  console.log("\n| build | cold load (git ls-files into the table) | arrayBuffers after load + 1 query, GC | RSS |");
  console.log("|---|---|---|---|");
  for (const [name] of builds) {
    const c = cold.get(name)!;
    console.log(`| ${name} | ${ms(m(c, (x) => x.loadMs))} | ${mb(m(c, (x) => x.arrayBuffers))} | ${mb(m(c, (x) => x.rss))} |`);
  }
  console.log(`\n| warm find, limit 50, median of 11 in turns: wall / CPU of all threads | ${QUERIES.map((q) => `\`${q}\``).join(" | ")} |`);
  console.log(`|---|${QUERIES.map(() => "---|").join("")}`);
  for (const [label, r] of [["1.25M paths", root], ["78k paths", small]] as const) {
    for (const [name, dist] of builds) {
      console.log(`| ${label}, ${name} | ${QUERIES.map((q) => `${ms(warm[r]![dist]![q]!.wall)} / ${ms(warm[r]![dist]![q]!.cpu)}`).join(" | ")} |`);
    }
  }
}

if (process.argv[2] === "--memory-child") {
  const [mode, dist, root] = process.argv.slice(3) as [string, string, string];
  const result =
    mode === "during" ? await duringLoad(dist, root) : mode === "cold" ? await coldLoad(dist, root) : await warmFinds(dist.split(","), root.split(","));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
