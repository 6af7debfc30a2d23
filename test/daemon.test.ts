// The per-project daemon as a user meets it: real CLI processes attaching to a real daemon
// over its Unix socket. Each test has its own runtime folder (XDG_RUNTIME_DIR), so nothing
// here touches the user's daemons, and every daemon started here is stopped in afterAll.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { daemonPaths, type DaemonInfo } from "../src/daemon/locate.js";
import { copyFixtures, removeTree } from "./lsp/helpers.js";
import { eventually } from "./support/eventually.js";
import { commandLine, processesWithEnv } from "./support/processes.js";

const bin = new URL("../bin/codeintel.js", import.meta.url).pathname;
const dir = copyFixtures("ts");
const project = join(dir, "ts");
// Generous load waits, read by both ways of answering: a cold server on a busy machine must not turn into "still indexing".
// Exact answers both ways: a cold server past approximateAfterMs would answer from syntax in one run only.
writeFileSync(join(project, "codeintel.json"), JSON.stringify({ lsp: { readyTimeoutMs: 120_000, approximateAfterMs: 120_000 } }));
const cache = mkdtempSync(join(tmpdir(), "ci-daemon-cache-"));
const marker = `codeintel-daemon-test-${process.pid}-${Date.now()}`;
const runtimes: string[] = [];

function runtime(): string {
  const rt = mkdtempSync(join(tmpdir(), "ci-rt-"));
  runtimes.push(rt);
  return rt;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(rt: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: project,
      env: { ...process.env, CODEINTEL_NO_DAEMON: "", XDG_RUNTIME_DIR: rt, CODEINTEL_CACHE_DIR: cache, CODEINTEL_TEST_MARKER: marker, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Daemon processes (not their language servers) started by this file. */
function daemons(): number[] {
  return processesWithEnv("CODEINTEL_TEST_MARKER", marker).filter((pid) => commandLine(pid).includes("\0daemon\0run\0"));
}

function paths(rt: string) {
  const saved = process.env.XDG_RUNTIME_DIR;
  process.env.XDG_RUNTIME_DIR = rt;
  try {
    return daemonPaths({ roots: [project], cacheDir: cache });
  } finally {
    process.env.XDG_RUNTIME_DIR = saved;
  }
}

function info(rt: string): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(paths(rt).info, "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
}

afterAll(async () => {
  for (const rt of runtimes) await cli(rt, ["daemon", "stop"]);
  await eventually(() => processesWithEnv("CODEINTEL_TEST_MARKER", marker).length === 0, "no daemon or language server left");
  removeTree(dir);
  removeTree(cache);
  for (const rt of runtimes) removeTree(rt);
});

const hover = ["hover", "src/shapes.ts", "--symbol", "Circle"];

describe("codeintel daemon", () => {
  it("answers byte for byte as --no-daemon does, for every command and for errors", async () => {
    const rt = runtime();
    const calls = [
      hover,
      [...hover, "--json"],
      ["references", "src/shapes.ts", "--symbol", "Circle", "--limit", "2"],
      ["diagnostics", "src/main.ts"],
      ["symbols", "src/shapes.ts"],
      ["symbols", "Circle", "--json"],
      ["hover", "src/shapes.ts", "--symbol", "NoSuchThing"],
    ];
    for (const args of calls) {
      const viaDaemon = await cli(rt, args);
      const inProcess = await cli(rt, [...args, "--no-daemon"]);
      expect({ args, code: viaDaemon.code, stdout: viaDaemon.stdout }, viaDaemon.stderr + inProcess.stderr).toEqual({ args, code: inProcess.code, stdout: inProcess.stdout });
    }
    expect((await cli(rt, ["hover", "src/shapes.ts", "--symbol", "NoSuchThing"])).code).toBe(1);
    expect(daemons()).toHaveLength(1);
    // The socket's folder is the access check: only its owner can enter it.
    expect(statSync(join(rt, "codeintel")).mode & 0o777).toBe(0o700);
  }, 600_000); // every --no-daemon call starts its language server cold

  it("find is answered by the daemon: the first call starts it, the next ones reuse it", async () => {
    const rt = runtime();
    const before = new Set(daemons());
    const first = await cli(rt, ["find", "shapes"]);
    expect(first, first.stderr).toMatchObject({ code: 0, stdout: expect.stringContaining("src/shapes.ts\n") });
    const started = daemons().filter((p) => !before.has(p));
    expect(started).toHaveLength(1);
    expect(info(rt)?.pid).toBe(started[0]);
    // Byte for byte as in-process, errors included (a query over the length limit is the tool's invalid_input both ways).
    for (const args of [["find", "shapes"], ["find", "SHAPES", "--json"], ["find", "", "--files-only", "-n", "3"], ["find", "x".repeat(1001)]]) {
      const viaDaemon = await cli(rt, args);
      const inProcess = await cli(rt, [...args, "--no-daemon"]);
      expect({ args, code: viaDaemon.code, stdout: viaDaemon.stdout, stderr: viaDaemon.stderr }).toEqual({ args, code: inProcess.code, stdout: inProcess.stdout, stderr: inProcess.stderr });
    }
    expect((await cli(rt, ["find", "x".repeat(1001)])).stderr).toMatch(/^codeintel find: \[invalid_input\] find_files: arguments\.query must have at most 1000 characters/);
    expect(daemons().filter((p) => !before.has(p))).toEqual(started);
  });

  it("servers shows the servers the project's daemon runs, and starts no daemon itself", async () => {
    const rt = runtime();
    type Listing = { servers: { id: string; running: { root: string; state: string; pid?: number }[] }[] };
    const typescript = (r: Run) => (JSON.parse(r.stdout) as Listing).servers.find((s) => s.id === "typescript")!;
    const before = await cli(rt, ["servers", "--json"]);
    expect(before.code, before.stderr).toBe(0);
    expect(typescript(before).running).toEqual([]);
    expect(info(rt)).toBeUndefined(); // no daemon was started to answer
    expect((await cli(rt, hover)).code).toBe(0); // starts the daemon and its TypeScript server
    const during = await cli(rt, ["servers", "--json"]);
    expect(typescript(during).running).toEqual([expect.objectContaining({ root: project, state: expect.any(String) })]);
    expect((await cli(rt, ["servers"])).stdout).toMatch(/^typescript .*running/m);
    // --no-daemon's CODEINTEL_NO_DAEMON answers in-process, where nothing runs.
    expect(typescript(await cli(rt, ["servers", "--json"], { CODEINTEL_NO_DAEMON: "1" })).running).toEqual([]);
  }, 300_000);

  it("starts exactly one daemon under concurrent first calls", async () => {
    const rt = runtime();
    const before = new Set(daemons());
    const runs = await Promise.all(Array.from({ length: 4 }, () => cli(rt, hover)));
    for (const r of runs) expect(r).toMatchObject({ code: 0, stdout: runs[0]!.stdout });
    expect(runs[0]!.stdout).toContain("class Circle");
    const started = daemons().filter((p) => !before.has(p));
    expect(started).toHaveLength(1);
    expect(info(rt)?.pid).toBe(started[0]);
  });

  it("status, stop and restart", async () => {
    const rt = runtime();
    expect((await cli(rt, ["daemon", "status"])).stdout).toBe("no codeintel daemon running\n");
    await cli(rt, hover);
    const status = JSON.parse((await cli(rt, ["daemon", "status", "--json"])).stdout) as Array<{ pid: number; roots: string[] }>;
    expect(status).toHaveLength(1);
    expect(status[0]!.roots).toEqual([project]);
    const first = status[0]!.pid;
    const restarted = await cli(rt, ["daemon", "restart", "-r", project, "--json"]);
    const [{ pid: second }] = JSON.parse(restarted.stdout) as Array<{ pid: number }>;
    expect(second).not.toBe(first);
    expect(daemons()).not.toContain(first);
    expect((await cli(rt, hover)).code).toBe(0);
    expect(info(rt)?.pid).toBe(second);
    const stopped = await cli(rt, ["daemon", "stop"]);
    expect(stopped.stdout).toBe(`stopped pid ${second} (${project})\n`);
    expect(daemons()).not.toContain(second);
    expect(existsSync(paths(rt).socket)).toBe(false);
    expect((await cli(rt, ["daemon", "status"])).stdout).toBe("no codeintel daemon running\n");
  });

  it("exits after the idle time with no client", async () => {
    const rt = runtime();
    expect((await cli(rt, hover, { CODEINTEL_DAEMON_IDLE_MS: "1500" })).code).toBe(0);
    const pid = info(rt)!.pid;
    expect(info(rt)!.idleMs).toBe(1500);
    await eventually(() => !daemons().includes(pid), "the idle daemon exited", 60_000);
    expect(existsSync(paths(rt).socket)).toBe(false);
    expect(info(rt)).toBeUndefined();
    expect(readFileSync(paths(rt).log, "utf8")).toMatch(/idle for 1500 ms, exiting/);
  });

  it("replaces a daemon whose process died and left its socket (ECONNREFUSED)", async () => {
    const rt = runtime();
    await cli(rt, hover);
    const dead = info(rt)!.pid;
    process.kill(dead, "SIGKILL");
    await eventually(() => !daemons().includes(dead), "the daemon is gone");
    expect(existsSync(paths(rt).socket)).toBe(true);
    const again = await cli(rt, hover);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("class Circle");
    expect(info(rt)!.pid).not.toBe(dead);
  });

  it("replaces a daemon of another version", async () => {
    const rt = runtime();
    const p = paths(rt);
    // An "old" daemon: a real process on the socket whose initialize says another version.
    const script = join(rt, "codeintel-old-daemon.mjs");
    writeFileSync(
      script,
      `import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
mkdirSync(${JSON.stringify(join(rt, "codeintel"))}, { recursive: true, mode: 0o700 });
createServer((s) => s.on("data", (d) => {
  for (const line of String(d).split("\\n").filter(Boolean)) {
    const m = JSON.parse(line);
    if (m.method === "initialize") s.write(JSON.stringify({ jsonrpc: "2.0", id: m.id, result: { serverInfo: { name: "codeintel", version: "0.0.1-old", build: "1" } } }) + "\\n");
  }
})).listen(${JSON.stringify(p.socket)}, () => {
  writeFileSync(${JSON.stringify(p.info)}, JSON.stringify({ pid: process.pid, version: "0.0.1-old", build: "1", roots: [], socket: "", log: "", startedAt: Date.now(), idleMs: 0 }));
  console.log("listening");
});
`,
    );
    const old = spawn(process.execPath, [script], { env: { ...process.env, CODEINTEL_TEST_MARKER: marker } });
    await new Promise((r) => old.stdout.once("data", r));
    const exited = new Promise((r) => old.once("exit", r));
    const run = await cli(rt, hover);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("class Circle");
    await exited; // the CLI stopped the old one
    expect(info(rt)).toMatchObject({ version: JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version });
    expect(info(rt)!.pid).not.toBe(old.pid);
  });

  it("replaces a stopped daemon (SIGSTOP) at once: no handshake wait, SIGKILL, a fresh daemon", async () => {
    const rt = runtime();
    expect((await cli(rt, hover)).code).toBe(0);
    const stopped = info(rt)!.pid;
    process.kill(stopped, "SIGSTOP");
    try {
      // The old way waited 20 s for each of two handshakes, then 15 s for SIGTERM: 55 s at the
      // least. A fresh daemon's cold start is far under this generous deadline even on a loaded machine.
      const call = cli(rt, hover);
      const deadline = new Promise<"deadline">((resolve) => setTimeout(() => resolve("deadline"), 45_000).unref());
      const run = await Promise.race([call, deadline]);
      expect(run, "the CLI call answered before the 45 s deadline").not.toBe("deadline");
      expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining("class Circle") });
      expect(info(rt)!.pid).not.toBe(stopped);
      await eventually(() => !daemons().includes(stopped), "the stopped daemon was killed");
    } finally {
      if (daemons().includes(stopped)) process.kill(stopped, "SIGKILL");
    }
  }, 120_000);
});
