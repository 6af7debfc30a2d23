// Two language servers for one language, on the same real project in one run: the cold
// first answer, warm hover/definition/references medians, documentSymbol throughput, the
// server's resident memory, and whether they give the same answers at the same positions
// (definition targets and reference sets compared exactly; hover: both answer or neither).
// Used by ts-native.bench.ts (tsgo vs typescript-language-server) and basedpyright.bench.ts.

import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { Location, Position } from "vscode-languageserver-protocol";
import { FileFinder } from "../src/files/finder.js";
import { LspPool } from "../src/lsp/pool.js";
import { emptyConfig } from "../src/workspace/config.js";

export interface Contender {
  serverId: string;
  /** codeintel.json "servers" that make this server answer the project's files. */
  servers: Record<string, object | false>;
}

interface Result {
  serverId: string;
  coldMs: number;
  hover: number;
  definition: number;
  references: number;
  symbolsPerSec: number;
  rssMb: number;
  answers: Answer[];
}

interface Answer {
  hover: boolean;
  definition: string[];
  references: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

export async function compareServers(label: string, root: string, ext: string, contenders: Contender[], positionCount = 24): Promise<void> {
  const files = listFiles(root, ext);
  const targets = pickTargets(files, positionCount);
  console.log(`${label}: ${files.length} ${ext} files, ${targets.length} positions; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  const results: Result[] = [];
  for (const c of contenders) results.push(await measure(root, files, targets, c));
  console.log("\n| server | cold first hover | hover p50 | definition p50 | references p50 | documentSymbol files/s | RSS |");
  console.log("|---|---|---|---|---|---|---|");
  for (const r of results) {
    console.log(`| ${r.serverId} | ${r.coldMs.toFixed(0)} ms | ${r.hover.toFixed(1)} ms | ${r.definition.toFixed(1)} ms | ${r.references.toFixed(1)} ms | ${r.symbolsPerSec.toFixed(0)} | ${r.rssMb.toFixed(0)} MB |`);
  }
  const [a, b] = results;
  if (a && b) {
    const same = (k: "definition" | "references") => a.answers.filter((x, i) => JSON.stringify(x[k]) === JSON.stringify(b.answers[i]![k])).length;
    const hovers = a.answers.filter((x, i) => x.hover === b.answers[i]!.hover).length;
    console.log(`\nsame answers on ${targets.length} positions: definition ${same("definition")}, references ${same("references")}, hover present in both or neither ${hovers}`);
    for (const [i, t] of targets.entries()) {
      const x = a.answers[i]!;
      const y = b.answers[i]!;
      if (JSON.stringify(x.references) !== JSON.stringify(y.references) || JSON.stringify(x.definition) !== JSON.stringify(y.definition)) {
        console.log(`  differs at ${t.file.slice(root.length + 1)}:${t.pos.line + 1}:${t.pos.character + 1} (${t.name}): definition ${x.definition.length}/${y.definition.length}, references ${x.references.length}/${y.references.length}`);
      }
    }
  }
  console.log(`load after: ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
}

async function measure(root: string, files: string[], targets: Target[], c: Contender): Promise<Result> {
  const finder = new FileFinder({ watch: false });
  const pool = new LspPool({ roots: [root], files: finder, config: { ...emptyConfig(), servers: c.servers, lsp: { timeouts: Object.fromEntries(["hover", "definition", "references", "documentSymbol"].map((m) => [`textDocument/${m}`, 120_000])), callBudgetMs: 300_000, readyTimeoutMs: 120_000 } } });
  try {
    const first = targets[0]!;
    if (pool.serverFor(first.file)?.serverId !== c.serverId) throw new Error(`${c.serverId} does not answer ${first.file}`);
    let t = performance.now();
    await pool.hover(first.file, first.pos);
    const coldMs = performance.now() - t;
    await pool.warmUp(first.file);
    const times: Record<"hover" | "definition" | "references", number[]> = { hover: [], definition: [], references: [] };
    const answers: Answer[] = [];
    const key = (l: Location) => `${l.uri.slice(l.uri.lastIndexOf("/") + 1)}:${l.range.start.line}:${l.range.start.character}`;
    for (const target of targets) {
      t = performance.now();
      const h = await pool.hover(target.file, target.pos);
      times.hover.push(performance.now() - t);
      t = performance.now();
      const d = await pool.definition(target.file, target.pos);
      times.definition.push(performance.now() - t);
      t = performance.now();
      const r = await pool.references(target.file, target.pos);
      times.references.push(performance.now() - t);
      answers.push({ hover: h !== null, definition: d.map(key).sort(), references: r.map(key).sort() });
    }
    t = performance.now();
    for (const f of files) await pool.documentSymbols(f);
    const symbolsPerSec = files.length / ((performance.now() - t) / 1000);
    const rssMb = pool.serverPids().reduce((sum, pid) => sum + groupRssKb(pid), 0) / 1024;
    return { serverId: c.serverId, coldMs, hover: median(times.hover), definition: median(times.definition), references: median(times.references), symbolsPerSec, rssMb, answers };
  } finally {
    await pool.dispose();
    await finder.close();
  }
}

interface Target {
  file: string;
  pos: Position;
  name: string;
}

/** Declarations found by a plain scan (function/class/const/def names), spread over the files. */
function pickTargets(files: string[], count: number): Target[] {
  const all: Target[] = [];
  const decl = /\b(?:function|class|interface|const|let|type|def)\s+([A-Za-z_]\w*)/g;
  for (const file of files) {
    const lines = readFileSync(file, "utf8").split("\n");
    for (const [line, text] of lines.entries()) {
      for (const m of text.matchAll(decl)) all.push({ file, pos: { line, character: m.index + m[0].length - m[1]!.length }, name: m[1]! });
    }
  }
  const step = Math.max(1, Math.floor(all.length / count));
  return all.filter((_, i) => i % step === 0).slice(0, count);
}

function listFiles(dir: string, ext: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p, ext));
    else if (e.name.endsWith(ext) && !e.name.endsWith(".d.ts")) out.push(p);
  }
  return out.sort();
}

/** Resident memory of every process in a process group (the server and its children). */
function groupRssKb(pgid: number): number {
  let kb = 0;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += rss ? Number(rss[1]) : 0;
    } catch {
      // The process ended meanwhile.
    }
  }
  return kb;
}
