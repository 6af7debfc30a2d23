// Symbol cache benchmarks.
//   1. Query latency with 1,000,000 symbols (exact, prefix, humps, substring, fuzzy), medians
//      and p95, beside a naive baseline (a LIKE scan / a JS scan over every name) in the same run.
//   2. Cached search vs live LSP workspace/symbol on the same real project, as a ratio.
//   3. Indexing throughput per server, and re-opening an indexed 10k-file root with nothing changed.
// Names are synthetic but realistic: identifiers harvested from TypeScript's .d.ts files and
// words split from the Linux 6.1 paths, composed in camelCase, PascalCase and snake_case.
import { existsSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCorpusPaths } from "./corpus.js";
import { SymbolStore } from "../src/symbols/store.js";
import type { FileWrite } from "../src/symbols/store.js";
import { fuzzyScore } from "../src/symbols/fuzzy-score.js";
import { humps } from "../src/symbols/name-forms.js";
import type { FlatSymbol, MatchTier, SymbolQuery } from "../src/symbols/types.js";
import { runLspBenches } from "./symbols-lsp.js";

const TARGET_SYMBOLS = 1_000_000;
const GENERATOR_VERSION = "3";

export async function main(): Promise<void> {
  await queryLatency();
  await runLspBenches();
}

// ---------- 1. query latency on 1M symbols ----------

async function queryLatency(): Promise<void> {
  const { store, names } = buildMillionSymbolCache();
  const rng = seeded(42);
  const pick = () => names[Math.floor(rng() * names.length)]!;
  const sample = (n: number, make: (name: string) => string | undefined) => {
    const out: string[] = [];
    while (out.length < n) {
      const q = make(pick());
      if (q) out.push(q);
    }
    return out;
  };
  const N = 200;
  const sets: { label: string; stopAfter?: MatchTier; queries: SymbolQuery[]; baseline: (q: string) => void; baselineLabel: string }[] = [];
  const likeScan = store.db.prepare("SELECT id FROM symbols WHERE name_lower LIKE ? LIMIT 50");
  const allLower = names.map((n) => n.toLowerCase());
  const like = (pattern: (q: string) => string) => (q: string) => void likeScan.all(pattern(q.toLowerCase()));
  const jsFuzzy = (q: string) => {
    const lq = q.toLowerCase();
    let best = 0;
    for (let i = 0; i < names.length; i++) {
      const s = fuzzyScore(lq, names[i]!);
      if (s > best) best = s;
    }
  };
  sets.push({ label: "exact", stopAfter: "exact", queries: sample(N, (n) => n).map((query) => ({ query })), baseline: like((q) => q), baselineLabel: "LIKE scan" });
  sets.push({ label: "prefix", stopAfter: "prefix", queries: sample(N, (n) => (n.length >= 6 ? n.slice(0, 3 + Math.floor(rng() * 3)) : undefined)).map((query) => ({ query })), baseline: like((q) => q + "%"), baselineLabel: "LIKE scan" });
  sets.push({ label: "humps", stopAfter: "humps", queries: sample(N, (n) => { const h = humps(n); return h.length >= 3 ? h : undefined; }).map((query) => ({ query })), baseline: (q) => void allLower.filter((n) => humps(n).startsWith(q)).slice(0, 50), baselineLabel: "JS scan" });
  sets.push({ label: "substring", stopAfter: "substring", queries: sample(N, (n) => (n.length >= 10 ? n.slice(3, 3 + 4 + Math.floor(rng() * 3)) : undefined)).map((query) => ({ query })), baseline: like((q) => `%${q}%`), baselineLabel: "LIKE scan" });
  sets.push({ label: "fuzzy (typo)", queries: sample(N, (n) => (n.length >= 8 ? typo(n, rng) : undefined)).map((query) => ({ query })), baseline: jsFuzzy, baselineLabel: "JS scan" });
  sets.push({ label: "fuzzy (subsequence)", queries: sample(N, (n) => (n.length >= 10 ? dropLetters(n, rng) : undefined)).map((query) => ({ query })), baseline: jsFuzzy, baselineLabel: "JS scan" });
  sets.push({ label: "fuzzy (2 chars)", queries: sample(N, (n) => (n.length >= 4 ? n[0]! + n[n.length - 1]! : undefined)).map((query) => ({ query })), baseline: jsFuzzy, baselineLabel: "JS scan" });
  sets.push({ label: "prefix + kind + path filter", stopAfter: "prefix", queries: sample(N, (n) => (n.length >= 6 ? n.slice(0, 3) : undefined)).map((query) => ({ query, kinds: [12, 6], path: "drivers/" })), baseline: like((q) => q + "%"), baselineLabel: "LIKE scan" });

  console.log(`1,000,000-symbol cache (${store.stats().files} files, ${names.length} symbols), ${N} queries per row; budgets: exact/prefix <= 1 ms, substring <= 5 ms, fuzzy <= 40 ms\n`);
  console.log("| query | tiers searched | median ms | p95 ms | full search (all tiers until 50 hits) median / p95 ms | tier of last hit (full search) | baseline | baseline median ms |");
  console.log("|---|---|---|---|---|---|---|---|");
  const time = (q: SymbolQuery) => {
    const t0 = process.hrtime.bigint();
    const r = store.search(q);
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
  };
  for (const set of sets) {
    for (const q of set.queries.slice(0, 10)) store.search(q); // warm the page cache and statements
    const upTo = set.queries.map((q) => time({ ...q, stopAfter: set.stopAfter }).ms);
    const tiers = new Map<string, number>();
    const full = set.queries.map((q) => {
      const { ms, r } = time(q);
      const tier = r.hits.at(-1)?.tier ?? "none";
      tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
      return ms;
    });
    const baseTimes: number[] = [];
    for (const q of set.queries.slice(0, set.baselineLabel === "JS scan" ? 5 : 20)) {
      const t0 = process.hrtime.bigint();
      set.baseline(q.query);
      baseTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const tierText = [...tiers].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${t} ${Math.round((n * 100) / set.queries.length)}%`).join(", ");
    console.log(`| ${set.label} | ${set.stopAfter ? "exact.." + set.stopAfter : "all"} | ${fmt(median(upTo))} | ${fmt(p95(upTo))} | ${fmt(median(full))} / ${fmt(p95(full))} | ${tierText} | ${set.baselineLabel} | ${fmt(median(baseTimes))} |`);
  }
  store.close();
}

function buildMillionSymbolCache(): { store: SymbolStore; names: string[] } {
  const dbPath = join(tmpdir(), `codeintel-bench-symbols-1m-v${GENERATOR_VERSION}.sqlite`);
  const root = join(tmpdir(), "codeintel-bench-symbols-1m-root");
  let store = SymbolStore.open({ root, dbPath });
  if (store.getMeta("bench_complete") === "yes") {
    const names = (store.db.prepare("SELECT name FROM symbols").raw().all() as [string][]).map((r) => r[0]);
    return { store, names };
  }
  store.close();
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
  store = SymbolStore.open({ root, dbPath });
  const t0 = Date.now();
  const rng = seeded(7);
  const vocab = harvestVocabulary();
  const paths = loadCorpusPaths().filter((p) => /\.(c|h|S|rs|py|sh)$/.test(p));
  const names: string[] = [];
  let batch: FileWrite[] = [];
  let fileIndex = 0;
  while (names.length < TARGET_SYMBOLS) {
    const path = fileIndex < paths.length ? paths[fileIndex]! : `generated/${fileIndex}.ts`;
    fileIndex++;
    const count = Math.min(TARGET_SYMBOLS - names.length, 5 + Math.floor(rng() * 45));
    const symbols: FlatSymbol[] = [];
    let containerIndex: number | null = null;
    for (let i = 0; i < count; i++) {
      const name = makeName(vocab, rng);
      names.push(name);
      const kind = [5, 11, 12, 12, 6, 6, 7, 8, 13, 14, 10, 22][Math.floor(rng() * 12)]!;
      const inside: number | null = containerIndex !== null && rng() < 0.6 ? containerIndex : null;
      const r = { start: { line: i * 10, character: 0 }, end: { line: i * 10 + 8, character: 1 } };
      symbols.push({ name, kind, container: inside === null ? null : symbols[inside]!.name, detail: null, range: r, selectionRange: { start: { line: i * 10, character: 4 }, end: { line: i * 10, character: 4 + name.length } }, parent: inside });
      if (kind === 5 || kind === 11) containerIndex = i;
    }
    batch.push({ type: "symbols", record: { path, language: "c", size: count * 200, mtimeMs: 1, hash: String(fileIndex), fingerprint: "bench@1#0" }, symbols });
    if (batch.length >= 500) {
      store.write(batch);
      batch = [];
    }
  }
  store.write(batch);
  store.db.exec("ANALYZE");
  store.db.pragma("wal_checkpoint(TRUNCATE)");
  store.setMeta("bench_complete", "yes");
  console.log(`(built the 1M-symbol cache in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${fileIndex} files; reused on later runs from ${dbPath})\n`);
  return { store, names };
}

interface Vocabulary {
  identifiers: string[];
  words: string[];
}

function harvestVocabulary(): Vocabulary {
  const identifiers = new Set<string>();
  const words = new Set<string>();
  const libDir = join(process.cwd(), "node_modules", "typescript", "lib");
  const dts = existsSync(libDir) ? readdirSync(libDir).filter((f) => f.endsWith(".d.ts")) : [];
  for (const f of dts) {
    const text = readFileSync(join(libDir, f), "utf8");
    for (const m of text.matchAll(/\b[A-Za-z_$][A-Za-z0-9_$]{2,40}\b/g)) identifiers.add(m[0]);
  }
  for (const p of loadCorpusPaths()) {
    for (const w of p.split(/[/._\-+,]+/)) if (/^[a-z][a-z0-9]{1,14}$/i.test(w)) words.add(w.toLowerCase());
  }
  for (const id of identifiers) for (const w of id.split(/(?=[A-Z][a-z])|_+/)) if (/^[a-z][a-z0-9]{1,14}$/i.test(w)) words.add(w.toLowerCase());
  return { identifiers: [...identifiers], words: [...words] };
}

function makeName(v: Vocabulary, rng: () => number): string {
  const r = rng();
  if (r < 0.3) return v.identifiers[Math.floor(rng() * v.identifiers.length)]!;
  const n = 1 + Math.floor(rng() * 3.5);
  const parts = Array.from({ length: n }, () => v.words[Math.floor(rng() * v.words.length)]!);
  if (r < 0.6) return parts.map((w, i) => (i === 0 ? w : cap(w))).join(""); // camelCase
  if (r < 0.8) return parts.join("_"); // snake_case (C, Python)
  if (r < 0.95) return parts.map(cap).join(""); // PascalCase
  return parts.join("_").toUpperCase(); // CONSTANTS
}

const cap = (w: string) => w[0]!.toUpperCase() + w.slice(1);

function typo(name: string, rng: () => number): string {
  const i = 2 + Math.floor(rng() * (name.length - 3));
  return name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2); // swap two letters
}

function dropLetters(name: string, rng: () => number): string {
  return [...name].filter((_, i) => i === 0 || rng() < 0.6).join("").toLowerCase();
}

export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)]!;
}

export function p95(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!;
}

export function fmt(ms: number): string {
  return Number.isNaN(ms) ? "n/a" : ms < 10 ? ms.toFixed(3) : ms.toFixed(1);
}
