// The warm CLI: `codeintel hover` and `codeintel find` end to end through the project's daemon,
// beside `node -e 0` (the floor of any CLI) and the same hover in-process, the first call cold
// with and without the daemon, and `find --no-daemon`. The project is this repository
// (TypeScript). `npm run bench cli`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createCodeIntel } from "../src/codeintel.js";

const RUNS = 15;
const COLD_RUNS = 2;
const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(repo, "bin", "codeintel.js");
const target = { file: join(repo, "src/codeintel.ts"), symbol: "createCodeIntel" };
const cacheDir = mkdtempSync(join(tmpdir(), "ci-bench-cache-"));
// A cold tsserver over this repository on a busy machine may need more than the default 20 s to load.
const config = join(cacheDir, "codeintel.json");
writeFileSync(config, JSON.stringify({ lsp: { readyTimeoutMs: 120_000, approximateAfterMs: 120_000, callBudgetMs: 120_000, timeouts: { "textDocument/documentSymbol": 120_000, "textDocument/hover": 120_000 } } }));
const hoverArgs = ["hover", target.file, "--symbol", target.symbol, "--root", repo, "--config", config];
// The same daemon as hover's (same roots and config): a warm find costs what a warm hover costs.
const findArgs = ["find", "dispatch", "--root", repo, "--config", config, "-n", "20"];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function timed(args: string[], env: Record<string, string>): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env: { ...process.env, CODEINTEL_CACHE_DIR: cacheDir, ...env }, encoding: "utf8" });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return ms;
}

function row(label: string, xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `| ${label} | ${xs.length} | ${median(xs).toFixed(0)} | ${s[0]!.toFixed(0)} | ${s[s.length - 1]!.toFixed(0)} |`;
}

export async function main(): Promise<void> {
  const rows: string[] = [];
  const nodeFloor = Array.from({ length: RUNS }, () => timed(["-e", "0"], {}));
  rows.push(row("`node -e 0`", nodeFloor));

  const ci = await createCodeIntel({ roots: [repo], watch: false, symbolIndex: "off", cacheDir, configPath: config });
  try {
    await ci.call("hover", target);
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      await ci.call("hover", target);
      inProcess.push(performance.now() - start);
    }
    rows.push(row("hover in-process (warm server)", inProcess));
  } finally {
    await ci.close();
  }

  const cold: number[] = [];
  const coldNoDaemon: number[] = [];
  let warmRuntime = "";
  for (let i = 0; i < COLD_RUNS; i++) {
    const runtime = mkdtempSync(join(tmpdir(), "ci-bench-rt-"));
    cold.push(timed([bin, ...hoverArgs], { XDG_RUNTIME_DIR: runtime, CODEINTEL_NO_DAEMON: "" }));
    if (i < COLD_RUNS - 1) timed([bin, "daemon", "stop"], { XDG_RUNTIME_DIR: runtime });
    else warmRuntime = runtime;
    coldNoDaemon.push(timed([bin, ...hoverArgs, "--no-daemon"], { XDG_RUNTIME_DIR: runtime }));
  }
  const warm = Array.from({ length: RUNS }, () => timed([bin, ...hoverArgs], { XDG_RUNTIME_DIR: warmRuntime, CODEINTEL_NO_DAEMON: "" }));
  rows.push(row("`codeintel hover` through the warm daemon", warm));
  rows.push(row("`codeintel hover` first call, starting the daemon", cold));
  rows.push(row("`codeintel hover --no-daemon` (cold, as before)", coldNoDaemon));
  const warmFind = Array.from({ length: RUNS }, () => timed([bin, ...findArgs], { XDG_RUNTIME_DIR: warmRuntime, CODEINTEL_NO_DAEMON: "" }));
  rows.push(row("`codeintel find` through the warm daemon", warmFind));
  const findNoDaemon = Array.from({ length: 5 }, () => timed([bin, ...findArgs, "--no-daemon"], { XDG_RUNTIME_DIR: warmRuntime }));
  rows.push(row("`codeintel find --no-daemon` (the finder alone)", findNoDaemon));
  timed([bin, "daemon", "stop"], { XDG_RUNTIME_DIR: warmRuntime });

  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}; hover ${target.symbol} in src/codeintel.ts, find '${findArgs[1]}' over this repository\n`);
  console.log("| wall time, ms | runs | median | min | max |\n|---|---|---|---|---|");
  for (const r of rows) console.log(r);
}
