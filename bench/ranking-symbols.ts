// Symbol ranking (part of `npm run bench ranking`) on judged queries (bench/judged/symbols-*.tsv: query, wanted name, wanted file,
// category, written before any search was run) over two real projects: bash-language-server's
// TypeScript sources and Debian's click. Each project is indexed by its real language server;
// then every query is answered by codeintel's cache and by the server's own workspace/symbol,
// in the same run, and the table gives judged top-1 / top-5 per category and lists every miss.
//
// Old vs new in the same run: set CODEINTEL_BASELINE_QUERY to another build's compiled
// dist/src/symbols/query.js (say, of the main branch); its SymbolQueryEngine answers the same
// queries on the same database, beside this one, for judged hits and warm query medians.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { FileFinder } from "../src/files/finder.js";
import { LspPool } from "../src/lsp/pool.js";
import { SymbolQueryEngine } from "../src/symbols/query.js";
import { SymbolCache } from "../src/symbols/symbol-cache.js";
import type { SymbolStore } from "../src/symbols/store.js";
import type { SymbolQuery } from "../src/symbols/types.js";
import { buildMillionSymbolCache, fmt, median, p95, seeded } from "./symbols.bench.js";

interface Judged {
  query: string;
  name: string;
  file: string;
  category: string;
}

interface Project {
  label: string;
  server: string;
  judged: string;
  root: string;
}

type Engine = { search(q: SymbolQuery): { hits: { name: string; path: string }[] } };

const WARM_REPEATS = 15;

export async function main(): Promise<void> {
  const baseline = await loadBaseline();
  const rows: string[] = [];
  const misses: string[] = [];
  const timing: string[] = [];
  for (const project of prepareProjects()) {
    const judged = readJudged(project.judged);
    const finder = new FileFinder({ watch: false });
    const pool = new LspPool({ roots: [project.root], files: finder });
    const dbPath = join(tmpdir(), `codeintel-bench-ranking-${project.server}-${process.pid}.sqlite`);
    try {
      const files = finder.openRoot(project.root);
      await files.ready;
      const cache = SymbolCache.open({ root: project.root, source: pool, files, dbPath, onWarning: () => {} });
      const sqlite = cache.store as SymbolStore; // a dbPath: the SQLite back end
      const run = await cache.indexer.run();
      const engines: [string, Engine][] = [["codeintel", sqlite]];
      if (baseline) engines.push(["baseline", new baseline(sqlite.db)]);
      const ranks = new Map<string, number[]>(); // engine → rank of the wanted symbol per query (0 = missing from the top 5)
      for (const [label, engine] of engines) ranks.set(label, judged.map((j) => rankOf(j, engine.search({ query: j.query, limit: 5 }).hits.map((h) => ({ name: h.name, path: h.path })))));
      const live: number[] = [];
      for (const j of judged) {
        const hits = await pool.workspaceSymbols(j.query, project.root).catch(() => []);
        live.push(rankOf(j, hits.slice(0, 5).map((h) => ({ name: h.name, path: relative(project.root, h.absPath) }))));
      }
      ranks.set(project.server, live);
      const categories = ["all", "exact", ...new Set(judged.map((j) => j.category).filter((c) => c !== "exact"))];
      for (const category of categories) {
        const idx = judged.map((j, i) => (category === "all" || j.category === category ? i : -1)).filter((i) => i >= 0);
        const cells = [...ranks.values()].map((r) => `${idx.filter((i) => r[i] === 1).length} / ${idx.filter((i) => r[i]! >= 1).length}`);
        rows.push(`| ${project.label} | ${category} | ${idx.length} | ${cells.join(" | ")} |`);
      }
      const mine = ranks.get("codeintel")!;
      judged.forEach((j, i) => {
        if (mine[i] === 1) return;
        const got = sqlite.search({ query: j.query, limit: 3 }).hits.map((h) => `${h.name} (${h.path})`).join(", ");
        misses.push(`- ${project.server} \`${j.query}\` [${j.category}] wanted ${j.name} (${j.file}), ${mine[i] ? `rank ${mine[i]}` : "not in the top 5"}; got ${got || "nothing"}`);
      });
      // Warm medians: every judged query repeated, per engine, interleaved so load hits both alike.
      const times = new Map<string, number[]>(engines.map(([l]) => [l, []]));
      for (const j of judged) for (const [, e] of engines) e.search({ query: j.query });
      for (let k = 0; k < WARM_REPEATS; k++) {
        for (const j of judged) {
          for (const [label, e] of engines) {
            const t0 = process.hrtime.bigint();
            e.search({ query: j.query });
            times.get(label)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }
      }
      timing.push(`| ${project.label} | ${run.symbols} | ${[...times.values()].map((t) => fmt(median(t))).join(" | ")} |`);
      await cache.close();
    } finally {
      await pool.dispose();
      await finder.close();
      for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
    }
  }
  const engineCols = ["codeintel", ...(baseline ? ["baseline (CODEINTEL_BASELINE_QUERY)"] : []), "language server workspace/symbol"];
  console.log("Judged symbol queries: wanted symbol first / in the top 5 (name and file must match)\n");
  console.log(`| project | category | queries | ${engineCols.join(" | ")} |`);
  console.log(`|---|---|---|${engineCols.map(() => "---|").join("")}`);
  for (const r of rows) console.log(r);
  console.log(`\nMisses (codeintel, not first):\n${misses.length ? misses.join("\n") : "(none)"}`);
  console.log(`\nWarm query median ms over the judged queries (default limit, ${WARM_REPEATS} rounds)\n`);
  console.log(`| project | symbols | codeintel${baseline ? " | baseline" : ""} |`);
  console.log(`|---|---|---${baseline ? "|---" : ""}|`);
  for (const t of timing) console.log(t);
  millionSymbols(baseline);
}

/** Warm medians on the 1,000,000-symbol cache of symbols.bench.ts, by the kind of query, old and new interleaved. */
function millionSymbols(baseline: (new (db: SymbolQueryEngine["db"]) => Engine) | undefined): void {
  const { store, names } = buildMillionSymbolCache();
  const engines: [string, Engine][] = [["codeintel", store]];
  if (baseline) engines.push(["baseline", new baseline(store.db)]);
  const rng = seeded(11);
  const pick = () => names[Math.floor(rng() * names.length)]!;
  const sets: [string, () => string][] = [
    ["exact name", pick],
    ["prefix (3-5 letters)", () => { const n = pick(); return n.slice(0, 3 + Math.floor(rng() * 3)); }],
    ["substring (4-6 letters)", () => { let n = pick(); while (n.length < 10) n = pick(); return n.slice(3, 7 + Math.floor(rng() * 3)); }],
    ["typo", () => { let n = pick(); while (n.length < 8) n = pick(); const i = 2 + Math.floor(rng() * (n.length - 3)); return n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2); }],
  ];
  console.log(`\nWarm full searches (all tiers, limit 50) on the 1,000,000-symbol cache, 150 queries per row: median / p95 ms\n`);
  console.log(`| query | codeintel${baseline ? " | baseline" : ""} |`);
  console.log(`|---|---${baseline ? "|---" : ""}|`);
  for (const [label, make] of sets) {
    const queries = Array.from({ length: 150 }, make);
    for (const q of queries.slice(0, 10)) for (const [, e] of engines) e.search({ query: q });
    const times = new Map<string, number[]>(engines.map(([l]) => [l, []]));
    for (const q of queries) {
      for (const [l, e] of engines) {
        const t0 = process.hrtime.bigint();
        e.search({ query: q });
        times.get(l)!.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }
    console.log(`| ${label} | ${[...times.values()].map((t) => `${fmt(median(t))} / ${fmt(p95(t))}`).join(" | ")} |`);
  }
  store.close();
}

/** 1-based rank of the judged symbol among `hits` (name and root-relative file), 0 when absent. */
function rankOf(j: Judged, hits: { name: string; path: string }[]): number {
  const i = hits.findIndex((h) => h.name === j.name && h.path === j.file);
  return i + 1;
}

function readJudged(path: string): Judged[] {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() && !l.startsWith("#"))
    .map((l) => {
      const [query, name, file, category] = l.split("\t") as [string, string, string, string];
      return { query, name, file, category };
    });
}

async function loadBaseline(): Promise<(new (db: SymbolQueryEngine["db"]) => Engine) | undefined> {
  const path = process.env.CODEINTEL_BASELINE_QUERY;
  if (!path) return undefined;
  const mod = (await import(pathToFileURL(path).href)) as { SymbolQueryEngine: new (db: SymbolQueryEngine["db"]) => Engine };
  return mod.SymbolQueryEngine;
}

/** The two projects copied into tmp as plain projects, so the servers see ordinary roots. */
function prepareProjects(): Project[] {
  const base = join(tmpdir(), "codeintel-bench-ranking-projects");
  const ts = join(base, "bash-language-server");
  const py = join(base, "click");
  const bashLs = join("node_modules", "bash-language-server", "src");
  const click = "/usr/lib/python3/dist-packages/click";
  if (!existsSync(join(base, ".complete"))) {
    rmSync(base, { recursive: true, force: true });
    mkdirSync(base, { recursive: true });
    cpSync(bashLs, ts, { recursive: true });
    writeFileSync(join(ts, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", skipLibCheck: true, types: [] }, include: ["**/*.ts"] }));
    cpSync(click, py, { recursive: true, filter: (p) => !p.includes("__pycache__") });
    writeFileSync(join(py, "pyrightconfig.json"), "{}\n");
    writeFileSync(join(base, ".complete"), "");
  }
  return [
    { label: "bash-language-server src (TypeScript)", server: "typescript", judged: join("bench", "judged", "symbols-typescript.tsv"), root: ts },
    { label: "click 8.1.3 (Python)", server: "pyright", judged: join("bench", "judged", "symbols-python.tsv"), root: py },
  ];
}
