// The CLI's side of the daemon: attach to the project's daemon, starting it on first use.
// Exactly one starts per spec even when many CLIs race: the starter holds the start lock
// (start-lock.ts; a dead holder's lock is taken over), the others wait for the socket.
// A daemon of another version or build, one whose socket refuses (it died: ECONNREFUSED, dead
// pid) or that does not answer initialize (one 5 s probe; none for a stopped process, state T,
// which is SIGKILLed at once) is stopped and replaced. One client behaviour: the
// connection is the SDK's (src/client).
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { connect, type CodeIntelClient } from "../client/index.js";
import { ensureSocketDir } from "../transports/app-server-socket.js";
import { packageRoot } from "../workspace/package-root.js";
import { releaseLock, takeLock } from "./start-lock.js";
import { codeintelBuild, daemonPaths, normalizeSpec, pidAlive, processStat, readInfo, runtimeDir, type DaemonPaths, type DaemonSpec } from "./locate.js";

/** How long a CLI waits for a daemon to start (its own or another CLI's) before giving up. */
const START_TIMEOUT_MS = 60_000;
/** How long a stop waits for the daemon to finish its requests and exit before SIGKILL. */
const STOP_TIMEOUT_MS = 15_000;
/**
 * How long the probe of an existing daemon waits for initialize. A live daemon answers it from
 * its event loop at once (no admission queue); one that does not within this is wedged.
 */
const PROBE_MS = 5_000;

export class DaemonStartError extends Error {
  override name = "DaemonStartError";
}

/** A connected client of the spec's daemon, started (or restarted) as needed. */
export async function ensureDaemon(spec: DaemonSpec, options: { idleMs?: number } = {}): Promise<CodeIntelClient> {
  const paths = daemonPaths(spec);
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const first = await attach(paths);
    if (first.client) return first.client;
    ensureSocketDir(runtimeDir(), { private: true });
    if (takeLock(paths.lock)) {
      try {
        // Another CLI may have started one between our look and our lock; the daemon that was
        // silent a moment ago (same pid) is not asked twice.
        const again = first.silentPid !== undefined && readInfo(paths.info)?.pid === first.silentPid ? first : await attach(paths);
        if (again.client) return again.client;
        await stopDaemon(paths);
        return await startDaemon(spec, paths, options, deadline);
      } finally {
        releaseLock(paths.lock);
      }
    }
    if (Date.now() > deadline) throw new DaemonStartError(`timed out waiting for another process to start the daemon (lock ${paths.lock})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A connected client of the spec's daemon when one of this build runs; undefined otherwise (none is started). */
export async function runningDaemon(spec: DaemonSpec): Promise<CodeIntelClient | undefined> {
  return (await attach(daemonPaths(spec))).client;
}

/** Stops the daemon at `paths` if one runs (SIGTERM, then SIGKILL after a bound); clears its files. Resolves with the pid stopped. */
export async function stopDaemon(paths: DaemonPaths): Promise<number | undefined> {
  const info = readInfo(paths.info);
  let stopped: number | undefined;
  if (info && pidAlive(info.pid) && isCodeintel(info.pid)) {
    stopped = info.pid;
    // A stopped process (SIGSTOP, state T) would act on SIGTERM only once continued: waiting for
    // it is waiting for nothing. Its language servers go with it (the orphan guard's watchdog).
    if (!isStopped(info.pid)) {
      process.kill(info.pid, "SIGTERM");
      const until = Date.now() + STOP_TIMEOUT_MS;
      while (pidAlive(info.pid) && !isStopped(info.pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    }
    if (pidAlive(info.pid)) {
      process.kill(info.pid, "SIGKILL");
      const until = Date.now() + 2000;
      while (pidAlive(info.pid) && processStat(info.pid)?.state !== "Z" && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    }
  }
  rmSync(paths.info, { force: true });
  rmSync(paths.socket, { force: true });
  return stopped;
}

/**
 * A client of a live daemon of this very build, else undefined: none yet (ENOENT), its
 * process died and left the socket (ECONNREFUSED), it does not answer initialize (wedged), or
 * it is of another version or build. Under the lock, every case but the first is stopped.
 */
async function attach(paths: DaemonPaths): Promise<{ client?: CodeIntelClient; silentPid?: number }> {
  const info = readInfo(paths.info);
  const pid = info && pidAlive(info.pid) ? info.pid : undefined;
  // A stopped daemon accepts the connection (the kernel does) but can never answer: do not wait.
  if (pid !== undefined && isStopped(pid)) return { silentPid: pid };
  let client: CodeIntelClient;
  try {
    client = await connect({ socket: paths.socket, reconnect: false, initializeTimeoutMs: PROBE_MS, clientInfo: { name: "codeintel-cli", version: codeintelBuild().version } });
  } catch {
    return { silentPid: pid };
  }
  const { version, build } = codeintelBuild();
  const theirs = client.serverInfo as { version?: string; build?: string } | undefined;
  if (theirs?.version === version && theirs.build === build) return { client };
  await client.close();
  return {};
}

function isStopped(pid: number): boolean {
  const state = processStat(pid)?.state;
  return state === "T" || state === "t";
}

async function startDaemon(spec: DaemonSpec, paths: DaemonPaths, options: { idleMs?: number }, deadline: number): Promise<CodeIntelClient> {
  const n = normalizeSpec(spec);
  const args = ["daemon", "run", ...n.roots.flatMap((r) => ["--root", r])];
  if (n.configPath) args.push("--config", n.configPath);
  if (n.cacheDir) args.push("--cache-dir", n.cacheDir);
  const idleMs = options.idleMs ?? (process.env.CODEINTEL_DAEMON_IDLE_MS ? Number(process.env.CODEINTEL_DAEMON_IDLE_MS) : undefined);
  if (idleMs !== undefined && Number.isFinite(idleMs)) args.push("--idle-ms", String(idleMs));
  const log = openSync(paths.log, "a", 0o600);
  const logStart = readFileSync(paths.log).length;
  const child = spawn(process.execPath, [join(packageRoot(), "bin", "codeintel.js"), ...args], {
    detached: true,
    stdio: ["ignore", log, log],
    cwd: n.roots[0],
  });
  closeSync(log);
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  child.once("error", (err) => (exited = err.message));
  child.unref();
  for (;;) {
    const { client } = await attach(paths);
    if (client) return client;
    if (exited !== undefined || Date.now() > deadline) {
      const tail = readFileSync(paths.log, "utf8").slice(logStart).trim().split("\n").slice(-3).join(" | ");
      throw new DaemonStartError(`the daemon ${exited !== undefined ? `exited (${exited})` : "did not start in time"}${tail ? `: ${tail}` : ""} (log ${paths.log})`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** pids get reused: only signal a process that is a codeintel (Linux; elsewhere trust the info file). */
function isCodeintel(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("codeintel");
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
