// Child processes in tests run the compiled JavaScript (dist/), as the real CLI does: where the
// package and its CLI are, a check that the build is there and current, a CLI runner, and
// marked codeintel processes whose descendants can be found after they exit.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { processesWithEnv } from "./processes.js";

/** The package's folder (ends with "/"). */
export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const bin = repoRoot + "bin/codeintel.js";

/** Absolute path of `dist/<relative>`; throws a clear error when the build is missing or older than its source. */
export function compiled(relative: string): string {
  const js = repoRoot + "dist/" + relative;
  const ts = repoRoot + relative.replace(/\.js$/, ".ts");
  if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` first`);
  if (existsSync(ts) && statSync(ts).mtimeMs > statSync(js).mtimeMs + 1000) throw new Error(`${js} is older than ${ts}: run \`npm run build\` first`);
  return js;
}

export interface CliResult {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `codeintel ARGS` as a child process (`env` added to this one's); `detached` puts it (and the servers it starts) in a process group of its own. */
export function runCli(args: string[], options: { detached?: boolean; env?: Record<string, string> } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const env = options.env ? { ...process.env, ...options.env } : undefined;
  const child = spawn(process.execPath, [bin, ...args], { detached: options.detached, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, out, err })));
  return { child, done };
}

let cacheDir: string | undefined;
/** Symbol databases of test servers go to a temporary folder, never the user's cache. */
export function testCacheDir(): string {
  cacheDir ??= mkdtempSync(join(tmpdir(), "ci-cache-"));
  return cacheDir;
}

/** A codeintel child process, marked so its descendants can be found after it exits. */
export function spawnCodeintel(args: string[], env: Record<string, string> = {}): { child: ChildProcessWithoutNullStreams; marker: string } {
  const marker = randomUUID();
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: repoRoot,
    env: { ...process.env, CODEINTEL_TEST_MARKER: marker, CODEINTEL_CACHE_DIR: testCacheDir(), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { child, marker };
}

/** Live processes (not zombies) whose environment carries `marker`. */
export function processesWithMarker(marker: string): number[] {
  return processesWithEnv("CODEINTEL_TEST_MARKER", marker);
}
