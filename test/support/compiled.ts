// Child processes in tests run the compiled JavaScript (dist/), as the real CLI does: where the
// package and its CLI are, a check that the build is there and current, and a CLI runner.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

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

/** Runs `codeintel ARGS` as a child process; `detached` puts it (and the servers it starts) in a process group of its own. */
export function runCli(args: string[], options: { detached?: boolean } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [bin, ...args], { detached: options.detached, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d: Buffer) => (out += d));
  child.stderr!.on("data", (d: Buffer) => (err += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, out, err })));
  return { child, done };
}
