// A client that writes 200,000 requests into `codeintel serve` / `app-server` over stdio and
// never reads the answers: the server stops reading (backpressure) instead of growing until
// it runs out of memory, and once the client reads it answers all of them and then more.
// Memory is the child's own, from /proc/PID/status.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { memoryMb } from "../support/processes.js";
import { spawnCodeintel, stderrLine } from "./helpers.js";

const REQUESTS = 200_000;
/** "A few hundred MB": a bounded server peaks near 250 MB here; an unbounded one passes 1 GB. */
const RSS_LIMIT_MB = 384;

const root = mkdtempSync(join(tmpdir(), "ci-flood-"));
writeFileSync(join(root, "a.txt"), "a\n");

/** Counts answer lines without parsing 200,000 of them; only lines asked for are decoded. */
class LineCounter {
  count = 0;
  private keepFrom = Infinity;
  private partial = "";
  private last = "";
  private waiters: Array<{ n: number; resolve: () => void }> = [];

  constructor(child: ChildProcessWithoutNullStreams) {
    child.stdout.on("data", (chunk: Buffer) => {
      let start = 0;
      for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
        this.count++;
        if (this.count >= this.keepFrom) this.last = this.partial + chunk.subarray(start, nl).toString("utf8");
        this.partial = "";
        start = nl + 1;
      }
      if (this.count + 1 >= this.keepFrom) this.partial += chunk.subarray(start).toString("utf8");
      const due = this.waiters.filter((w) => this.count >= w.n);
      this.waiters = this.waiters.filter((w) => this.count < w.n);
      for (const w of due) w.resolve();
    });
  }

  /** Resolves once `n` lines have come. */
  until(n: number): Promise<void> {
    if (this.count >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** The next line, decoded. Call before the request it answers is written. */
  async next(): Promise<unknown> {
    this.keepFrom = this.count + 1;
    await this.until(this.keepFrom);
    return JSON.parse(this.last) as unknown;
  }
}

/** Writes lines as fast as the child takes them (awaiting 'drain'), so the backlog sits in the pipe, not in this process. */
async function writeAll(child: ChildProcessWithoutNullStreams, line: (i: number) => string, n: number): Promise<void> {
  let batch = "";
  for (let i = 1; i <= n; i++) {
    batch += line(i) + "\n";
    if (batch.length < 64 * 1024 && i < n) continue;
    const ok = child.stdin.write(batch);
    batch = "";
    if (!ok) await new Promise((r) => child.stdin.once("drain", r));
  }
}

/** Rejects as soon as the child's RSS passes the limit (and kills it, so a failing run costs little). */
function watchRss(child: ChildProcessWithoutNullStreams): { peak: () => number; failed: Promise<never>; stop: () => void } {
  let peak = 0;
  let timer: NodeJS.Timeout;
  const failed = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      const rss = memoryMb(child.pid!, "VmRSS");
      peak = Math.max(peak, rss);
      if (rss > RSS_LIMIT_MB) {
        clearInterval(timer);
        child.kill("SIGKILL");
        reject(new Error(`child RSS ${rss.toFixed(0)} MB passed ${RSS_LIMIT_MB} MB while the client was not reading`));
      }
    }, 50);
  });
  failed.catch(() => undefined);
  return { peak: () => peak, failed, stop: () => clearInterval(timer) };
}

interface Flood {
  args: string[];
  initialize: object;
  initialized: object;
  request: (i: number) => string;
  /** A last request, answered once the backlog is read, and what its answer must hold. */
  probe: { message: object; expect: object };
}

async function floodUnread(flood: Flood): Promise<{ atPauseMb: number; peakMb: number; hwmMb: number }> {
  const { child } = spawnCodeintel([...flood.args, "--symbol-index", "off", root]);
  child.stdin.on("error", () => undefined); // EPIPE after a failing run killed the child
  try {
    const lines = new LineCounter(child);
    child.stdin.write(JSON.stringify(flood.initialize) + "\n");
    await lines.until(1);
    child.stdin.write(JSON.stringify(flood.initialized) + "\n");
    child.stdout.pause(); // from here on the client reads nothing
    const rss = watchRss(child);
    const paused = stderrLine(child, /input paused/, 120_000);
    const writing = writeAll(child, flood.request, REQUESTS);
    await Promise.race([paused, rss.failed]);
    const atPauseMb = memoryMb(child.pid!, "VmRSS");
    child.stdout.resume();
    await Promise.race([Promise.all([writing, lines.until(1 + REQUESTS)]), rss.failed]);
    rss.stop();
    const answer = lines.next();
    child.stdin.write(JSON.stringify(flood.probe.message) + "\n");
    expect(await answer).toMatchObject(flood.probe.expect);
    const hwmMb = memoryMb(child.pid!, "VmHWM");
    return { atPauseMb, peakMb: rss.peak(), hwmMb };
  } finally {
    child.kill("SIGKILL");
  }
}

describe("a stdio client that never reads", () => {
  it("MCP serve: 200,000 unread pings keep the server bounded, then all are answered", { timeout: 300_000 }, async () => {
    const m = await floodUnread({
      args: ["serve"],
      initialize: { jsonrpc: "2.0", id: 0, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } } },
      initialized: { jsonrpc: "2.0", method: "notifications/initialized" },
      request: (i) => JSON.stringify({ jsonrpc: "2.0", id: i, method: "ping" }),
      probe: { message: { jsonrpc: "2.0", id: "probe", method: "tools/list" }, expect: { id: "probe", result: { tools: expect.any(Array) } } },
    });
    console.info(`MCP serve: RSS ${m.atPauseMb.toFixed(0)} MB at pause, ${m.peakMb.toFixed(0)} MB peak sampled, VmHWM ${m.hwmMb.toFixed(0)} MB`);
    expect(m.hwmMb).toBeLessThan(RSS_LIMIT_MB);
  });

  it("app-server: 200,000 unread requests keep the server bounded, then all are answered", { timeout: 300_000 }, async () => {
    // Answered at once (unknown method), with 2 KB ids so each answer weighs what a real one does.
    const pad = "x".repeat(2048);
    const m = await floodUnread({
      args: ["app-server"],
      initialize: { jsonrpc: "2.0", id: 0, method: "initialize", params: { clientInfo: { name: "t", version: "0" } } },
      initialized: { jsonrpc: "2.0", method: "initialized" },
      request: (i) => JSON.stringify({ jsonrpc: "2.0", id: `${i}-${pad}`, method: "no/such/method" }),
      probe: { message: { jsonrpc: "2.0", id: "probe", method: "fuzzyFileSearch", params: { query: "a.txt", roots: [] } }, expect: { id: "probe", result: { files: [{ path: "a.txt" }] } } },
    });
    console.info(`app-server: RSS ${m.atPauseMb.toFixed(0)} MB at pause, ${m.peakMb.toFixed(0)} MB peak sampled, VmHWM ${m.hwmMb.toFixed(0)} MB`);
    expect(m.hwmMb).toBeLessThan(RSS_LIMIT_MB);
  });
});
