// Where a project's daemon lives: one per (roots, config, cache folder), found by a hash of
// them in the user's runtime folder ($XDG_RUNTIME_DIR/codeintel, else /tmp/codeintel-$UID,
// 0700). Beside its socket: a lock file (held only while a CLI starts it), an info file the
// daemon writes once it listens (pid, version, roots), and its log. No engine imports: the
// warm CLI path loads this.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { packageVersion } from "../workspace/package-root.js";

/** What makes two daemons different: a CLI call with the same spec attaches to the same one. */
export interface DaemonSpec {
  roots: string[];
  configPath?: string;
  cacheDir?: string;
}

export interface DaemonPaths {
  socket: string;
  lock: string;
  info: string;
  log: string;
}

/** What a running daemon says about itself (its info file). */
export interface DaemonInfo extends DaemonSpec {
  pid: number;
  version: string;
  build: string;
  socket: string;
  log: string;
  startedAt: number;
  idleMs: number;
}

/** Idle time after which a daemon with no client exits (CODEINTEL_DAEMON_IDLE_MS overrides). */
export const DEFAULT_IDLE_MS = 10 * 60_000;

export function runtimeDir(): string {
  const xdg = process.env.XDG_RUNTIME_DIR;
  return xdg ? join(xdg, "codeintel") : `/tmp/codeintel-${process.getuid?.() ?? "user"}`;
}

/** The spec with every path made absolute and real, so `.` and /abs/path name the same daemon. */
export function normalizeSpec(spec: DaemonSpec): DaemonSpec {
  const real = (p: string) => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p);
    }
  };
  const cacheDir = spec.cacheDir ?? process.env.CODEINTEL_CACHE_DIR;
  return {
    roots: spec.roots.map(real),
    ...(spec.configPath ? { configPath: real(spec.configPath) } : {}),
    ...(cacheDir ? { cacheDir: resolve(cacheDir) } : {}),
  };
}

export function daemonPaths(spec: DaemonSpec): DaemonPaths {
  const n = normalizeSpec(spec);
  const key = createHash("sha256")
    .update(JSON.stringify([n.roots, n.configPath ?? null, n.cacheDir ?? null]))
    .digest("hex")
    .slice(0, 16);
  const dir = runtimeDir();
  return { socket: join(dir, `${key}.sock`), lock: join(dir, `${key}.lock`), info: join(dir, `${key}.json`), log: join(dir, `${key}.log`) };
}

export function readInfo(path: string): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as DaemonInfo;
  } catch {
    return undefined;
  }
}

/** Every daemon that wrote an info file in the runtime folder (some may be dead: check pidAlive). */
export function listDaemons(): DaemonInfo[] {
  let names: string[];
  try {
    names = readdirSync(runtimeDir());
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(".json")).flatMap((n) => readInfo(join(runtimeDir(), n)) ?? []);
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A process's scheduler state and start time from /proc/PID/stat (Linux): state `T` is stopped
 * (SIGSTOP) or traced, `Z` a zombie; the start time (clock ticks since boot) tells a reused pid
 * apart. Undefined when the process is gone or there is no /proc.
 */
export function processStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0]!, startTime: rest[19]! };
  } catch {
    return undefined;
  }
}

/**
 * This install's identity. The version alone is not enough: a rebuilt checkout keeps its
 * version, so the build's time (tsc rewrites every output file) tells an old daemon apart.
 */
export function codeintelBuild(): { version: string; build: string } {
  return { version: packageVersion(), build: String(Math.round(statSync(fileURLToPath(import.meta.url)).mtimeMs)) };
}
