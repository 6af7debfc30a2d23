// Mechanical judged file ranking (bench/mechanical/, built by bench/mechanical/build.ts): queries
// whose wanted file is what real code references, nobody's choice. Top-1 and top-5 per set for
// codeintel beside `fzf --filter`, the tuning part and the held-aside part apart, then top-1 per
// query form. Misses of the tuning part go to a file (the held-aside part's are never shown).
// fzf's answers are cached in the temp folder by set and fzf version: they never change.
// CODEINTEL_MECHANICAL_SETS=linux,npm ranks only those sets.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { loadCorpusPaths } from "./corpus.js";
import { codeintelRanker, fzfRanker, gzList, loadScorer, withFolders, type Ranker, type Tree } from "./ranking-files.js";

interface Query {
  form: string;
  query: string;
  wanted: string;
  part: "tune" | "held";
}

interface MechanicalSet {
  tree: Tree;
  queries: Query[];
  /** Files by folder and stem: what a query without an extension cannot tell apart (see sameFile). */
  siblings: Map<string, string[]>;
  /** The set file's hash: the key of cached fzf answers. */
  hash: string;
}

const setsDir = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", "mechanical");
const SETS: Record<string, () => string[]> = {
  linux: loadCorpusPaths,
  npm: () => gzList(join(setsDir, "trees", "npm.txt.gz")),
  python: () => gzList(join(setsDir, "trees", "python.txt.gz")),
};

function loadSets(): MechanicalSet[] {
  const out: MechanicalSet[] = [];
  const only = process.env.CODEINTEL_MECHANICAL_SETS?.split(",");
  for (const [name, candidates] of Object.entries(SETS)) {
    if (only && !only.includes(name)) continue;
    const file = join(setsDir, `${name}.tsv.gz`);
    if (!existsSync(file)) {
      console.log(`${name}: no ${file} (node dist/bench/mechanical/build.js ${name}), skipped`);
      continue;
    }
    const raw = readFileSync(file);
    const queries = gunzipSync(raw)
      .toString("utf8")
      .split("\n")
      .slice(1)
      .filter(Boolean)
      .map((line) => {
        const [form, query, wanted, part] = line.split("\t") as [string, string, string, Query["part"]];
        return { form, query, wanted, part };
      });
    const files = candidates();
    const siblings = new Map<string, string[]>();
    for (const f of files) {
      const key = sameFile(f);
      const list = siblings.get(key);
      if (list) list.push(f);
      else siblings.set(key, [f]);
    }
    out.push({ tree: { name: `mechanical-${name}`, candidates: withFolders(files), judged: [] }, queries, siblings, hash: createHash("sha256").update(raw).digest("hex").slice(0, 16) });
  }
  return out;
}

/**
 * The key a file shares with the files no query form can tell it from: its path less the last
 * extension (and `.d` of `.d.ts`). The queries hold no extension, so pxa910.h and pxa910.c, or
 * tokenCycler.js and tokenCycler.d.ts, answer one equally: either counts as the referenced file.
 */
function sameFile(path: string): string {
  const base = path.lastIndexOf("/") + 1;
  const dot = path.lastIndexOf(".");
  const stem = dot > base ? path.slice(0, dot) : path;
  return stem.endsWith(".d") ? stem.slice(0, -2) : stem;
}

/** fzf's top 5 per query, from the cache when this set and fzf version were ranked before. */
function fzfAnswers(set: MechanicalSet, version: string): string[][] {
  const cache = join(tmpdir(), `codeintel-ranking-fzf-${set.tree.name}-${set.hash}-${createHash("sha256").update(version).digest("hex").slice(0, 8)}.json`);
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as string[][];
  const rank = fzfRanker([]);
  const answers = set.queries.map((q) => rank(set.tree, q.query));
  writeFileSync(cache, JSON.stringify(answers));
  return answers;
}

interface Tally {
  top1: number;
  top5: number;
  total: number;
}

const pct = (n: number, total: number) => (total === 0 ? "-" : `${((100 * n) / total).toFixed(1)}`);
const cell = (t: Tally | undefined) => (t ? `${pct(t.top1, t.total)} / ${pct(t.top5, t.total)}` : "-");

/** Tallies by part and by `part form`, and the tuning part's misses. */
function judge(set: MechanicalSet, answers: string[][]): { tallies: Map<string, Tally>; misses: string[] } {
  const tallies = new Map<string, Tally>();
  const misses: string[] = [];
  set.queries.forEach((q, k) => {
    const got = answers[k]!;
    const equal = set.siblings.get(sameFile(q.wanted)) ?? [q.wanted];
    const at = got.findIndex((p) => equal.includes(p));
    for (const key of [q.part, `${q.part} ${q.form}`]) {
      const t = tallies.get(key) ?? { top1: 0, top5: 0, total: 0 };
      t.total++;
      if (at === 0) t.top1++;
      if (at >= 0 && at < 5) t.top5++;
      tallies.set(key, t);
    }
    if (at !== 0 && q.part === "tune") misses.push(`${q.form}\t${JSON.stringify(q.query)} wanted ${q.wanted}${at > 0 ? ` (#${at + 1})` : ""}; got ${got[0] ?? "nothing"}`);
  });
  return { tallies, misses };
}

export async function main(): Promise<void> {
  const sets = loadSets();
  const ownDist = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const baseDist = process.env.CODEINTEL_BASELINE_DIST;
  const fzfVersion = spawnSync("fzf", ["--version"]).stdout?.toString().trim() || "";
  const rankers: Array<[string, (set: MechanicalSet) => string[][]]> = [];
  const inProcess = (rank: Ranker) => (set: MechanicalSet) => set.queries.map((q) => rank(set.tree, q.query));
  rankers.push(["codeintel", inProcess(codeintelRanker(await loadScorer(ownDist)))]);
  if (baseDist) rankers.push(["codeintel (baseline)", inProcess(codeintelRanker(await loadScorer(resolve(baseDist))))]);
  if (fzfVersion) rankers.push(["fzf --filter", (set) => fzfAnswers(set, fzfVersion)]);
  else console.log("fzf is not installed: codeintel alone");
  console.log(`mechanical file queries (top-1 / top-5 %): ${sets.map((s) => `${s.tree.name.slice(11)} ${s.queries.length} on ${s.tree.candidates.length} candidates`).join(", ")}; fzf ${fzfVersion || "-"}\n`);
  const forms = ["name", "path", "abbrev"];
  console.log(`| set | ranker | tuning | held aside | ${forms.map((f) => `${f} top-1 (tuning)`).join(" | ")} |`);
  console.log(`|---|---|---|---|${forms.map(() => "---|").join("")}`);
  const missFiles: string[] = [];
  for (const set of sets) {
    for (const [name, answer] of rankers) {
      const { tallies, misses } = judge(set, answer(set));
      const tune = tallies.get("tune");
      const held = tallies.get("held");
      const byForm = forms.map((f) => {
        const t = tallies.get(`tune ${f}`);
        return t ? pct(t.top1, t.total) : "-";
      });
      console.log(`| ${set.tree.name.slice(11)} | ${name} | ${cell(tune)} of ${tune?.total ?? 0} | ${cell(held)} of ${held?.total ?? 0} | ${byForm.join(" | ")} |`);
      const file = join(tmpdir(), `codeintel-ranking-misses-${set.tree.name}-${name.replace(/\W+/g, "-")}.txt`);
      writeFileSync(file, misses.join("\n") + "\n");
      missFiles.push(file);
    }
  }
  console.log(`\ntuning-part misses: ${missFiles.join(", ")}`);
}
