// The service's transport overhead: a warm one-shot find over the Linux 6.1 path corpus
// (78,311 paths, git repo) through each transport, beside the same call in-process, and
// throughput with 50 concurrent WebSocket clients. Servers run as child processes
// (`codeintel app-server`, `codeintel serve`), as users run them. `npm run bench service`.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { createCodeIntel } from "../src/codeintel.js";
import { materialiseGitRepo } from "./corpus.js";

const QUERIES = ["readme", "kconfig", "drivers net", "mm slab", "arm64 dts", "fs ext4 inode", "Makefile", "usb core"];
const WARMUP = 8;
const RUNS = 60;
const CLIENTS = 50;
const PER_CLIENT = 10;

const bin = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "bin", "codeintel.js");
const cacheDir = mkdtempSync(join(tmpdir(), "ci-bench-cache-"));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A minimal JSON-RPC client over one WebSocket. */
class WsClient {
  private nextId = 1;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: { message: string } }) => void>();
  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const m = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
      if (typeof m.id === "number") {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      }
    });
  }
  static open(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once("open", () => resolve(new WsClient(ws)));
      ws.once("error", reject);
    });
  }
  request<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return new Promise((resolve, reject) =>
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error.message)) : resolve(m.result as T))),
    );
  }
  close(): void {
    this.ws.close();
  }
}

function spawnAppServer(root: string): Promise<{ child: ChildProcessWithoutNullStreams; url: string }> {
  const child = spawn(process.execPath, [bin, "app-server", "--listen", "ws://127.0.0.1:0", "--symbol-index", "off", root], {
    env: { ...process.env, CODEINTEL_CACHE_DIR: cacheDir },
  });
  return new Promise((resolve, reject) => {
    let text = "";
    child.stderr.on("data", (c: Buffer) => {
      text += c.toString();
      const m = /listening on (ws:\/\/\S+)/.exec(text);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once("exit", (code) => reject(new Error(`app-server exited ${code}: ${text}`)));
  });
}

async function stop(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

export async function main(): Promise<void> {
  const root = await materialiseGitRepo();

  // Everything runs at once and is measured round-robin, so the noise of a shared machine
  // falls on every path alike.
  const ci = await createCodeIntel({ roots: [root], symbolIndex: "off", cacheDir });
  const app = await spawnAppServer(root);
  const ws = await WsClient.open(app.url);
  await ws.request("initialize", {});
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bin, "serve", "--symbol-index", "off", root],
    env: { ...(process.env as Record<string, string>), CODEINTEL_CACHE_DIR: cacheDir },
    stderr: "ignore",
  });
  const mcp = new Client({ name: "bench", version: "0" });
  await mcp.connect(transport);
  await waitFor(async () => ci.isReady() && (await fetch(`${app.url.replace("ws:", "http:")}/readyz`)).status === 200, "servers ready");
  // Let the watchers finish registering the tree's folders before timing anything.
  await new Promise((r) => setTimeout(r, 3000));

  const paths: Array<{ name: string; call: (q: string) => Promise<number> }> = [
    { name: "in-process `ci.findFiles` (baseline)", call: async (q) => (await ci.findFiles(q, { limit: 50 })).length },
    {
      name: 'in-process `ci.call("find_files")` (tool layer)',
      call: async (q) => (await ci.call<{ results: unknown[] }>("find_files", { query: q })).structured.results.length,
    },
    {
      name: "app-server WebSocket `fuzzyFileSearch` (child process)",
      call: async (q) => (await ws.request<{ files: unknown[] }>("fuzzyFileSearch", { query: q, roots: [root] })).files.length,
    },
    {
      name: "MCP stdio `find_files` (child process, SDK client)",
      call: async (q) => {
        const r = await mcp.callTool({ name: "find_files", arguments: { query: q } });
        return (r.structuredContent as { results: unknown[] }).results.length;
      },
    },
  ];
  const times = paths.map(() => [] as number[]);
  for (let round = 0; round < WARMUP + RUNS; round++) {
    const q = QUERIES[round % QUERIES.length]!;
    for (let k = 0; k < paths.length; k++) {
      const at = (round + k) % paths.length; // rotate who goes first
      const t0 = performance.now();
      const n = await paths[at]!.call(q);
      if (round >= WARMUP) times[at]!.push(performance.now() - t0);
      if (n === 0) throw new Error(`${paths[at]!.name}: no results for ${q}`);
    }
  }
  await mcp.close();

  // Throughput: 50 clients, each sending its searches one after another.
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => WsClient.open(app.url)));
  await Promise.all(clients.map((c) => c.request("initialize", {})));
  const latencies: number[] = [];
  const wall0 = performance.now();
  await Promise.all(
    clients.map(async (c, n) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const t0 = performance.now();
        await c.request("fuzzyFileSearch", { query: QUERIES[(n + i) % QUERIES.length], roots: [root] });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const wall = performance.now() - wall0;
  for (const c of clients) c.close();
  ws.close();
  await stop(app.child);

  // The same 50-way concurrency in-process, for scale.
  const ipLatencies: number[] = [];
  const ipWall0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, n) => {
      for (let i = 0; i < PER_CLIENT; i++) {
        const t0 = performance.now();
        await ci.findFiles(QUERIES[(n + i) % QUERIES.length]!, { limit: 50 });
        ipLatencies.push(performance.now() - t0);
      }
    }),
  );
  const ipWall = performance.now() - ipWall0;
  await ci.close();

  const fmt = (n: number) => `${n.toFixed(2)} ms`;
  const base = median(times[0]!);
  const baseTool = median(times[1]!);
  console.log(`Warm one-shot find (limit 50) on ${root} (78,311 paths), ${RUNS} rounds after ${WARMUP} warm-up, the four paths round-robin, queries cycled: ${QUERIES.join(" | ")}\n`);
  console.log("| path | median | p95 | overhead (median) |");
  console.log("|---|---|---|---|");
  paths.forEach((p, i) => {
    const m = median(times[i]!);
    const overhead = i === 0 ? "—" : i === 3 ? `${fmt(m - baseTool)} vs tool layer` : fmt(m - base);
    console.log(`| ${p.name} | ${fmt(m)} | ${fmt(percentile(times[i]!, 95))} | ${overhead} |`);
  });
  console.log("");
  console.log(`Throughput: ${CLIENTS} concurrent clients × ${PER_CLIENT} sequential searches each\n`);
  console.log("| path | requests | wall | requests/s | p50 latency | p95 latency |");
  console.log("|---|---|---|---|---|---|");
  const n = CLIENTS * PER_CLIENT;
  console.log(`| ${CLIENTS} WebSocket clients → app-server | ${n} | ${(wall / 1000).toFixed(2)} s | ${(n / (wall / 1000)).toFixed(0)} | ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 95))} |`);
  console.log(`| ${CLIENTS} concurrent in-process callers (baseline) | ${n} | ${(ipWall / 1000).toFixed(2)} s | ${(n / (ipWall / 1000)).toFixed(0)} | ${fmt(percentile(ipLatencies, 50))} | ${fmt(percentile(ipLatencies, 95))} |`);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
