// The hostile-input harness's shared parts: how many runs and which seed (fixed by default, so
// CI is deterministic; CODEINTEL_FUZZ_RUNS scales every surface's runs, CODEINTEL_FUZZ_SEED
// replays another seed), a per-input deadline that names the input, a small project with a
// secret outside its root, and a compiled server process that must stay alive.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Parameters as FcParameters } from "fast-check";
import { tempDir } from "../support/tree.js";
import { spawnCodeintel, stderrLine } from "../service/helpers.js";

/** Every surface's CI run count is multiplied by this (`CODEINTEL_FUZZ_RUNS=10` for a long local run). */
export const RUNS_FACTOR = Math.max(0.01, Number(process.env.CODEINTEL_FUZZ_RUNS ?? 1) || 1);
export const SEED = Number(process.env.CODEINTEL_FUZZ_SEED ?? 0x5eed18) | 0;
/** Longest a single input may take to be answered: generous, it is a hang detector, not a timing test. */
export const INPUT_DEADLINE_MS = Number(process.env.CODEINTEL_FUZZ_DEADLINE_MS ?? 20_000);

/** fast-check parameters for a property run `ciRuns` times in CI. A failure prints the seed and path to replay it. */
export function fuzzParameters<T>(ciRuns: number, examples: T[] = []): FcParameters<T> {
  return {
    numRuns: Math.max(1, Math.round(ciRuns * RUNS_FACTOR)),
    seed: SEED,
    examples,
    // The server is one process: once a run has broken it, shrinking against it only repeats the
    // same failure. The failing input is named by the assertion itself.
    endOnFailure: process.env.CODEINTEL_FUZZ_SHRINK !== "1",
  };
}

/** Counts generated inputs per surface; printed at the end of a file so long runs can be tallied. */
export class Tally {
  private readonly counts = new Map<string, number>();
  add(surface: string, n = 1): void {
    this.counts.set(surface, (this.counts.get(surface) ?? 0) + n);
  }
  report(file: string): void {
    const parts = [...this.counts].map(([k, v]) => `${k}=${v}`).join(" ");
    process.stderr.write(`hostile ${file}: inputs ${parts} (runs x${RUNS_FACTOR}, seed ${SEED})\n`);
  }
}

/** `promise`, or a rejection naming `input` once INPUT_DEADLINE_MS has passed. */
export function within<T>(promise: Promise<T>, input: string, ms = INPUT_DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms to ${input}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A short printable name for an input: its length and its start, escaped. */
export function describeBytes(data: Buffer | string): string {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  const head = JSON.stringify(buf.subarray(0, 160).toString("latin1"));
  return `${buf.length} bytes ${head}${buf.length > 160 ? "..." : ""}`;
}

/**
 * A small project with a secret beside it: `outside/secret.rb` declares a method whose name is
 * `marker`, and the root holds a symlink to it (`src/leak.rb`) and to its folder (`escape`). No
 * answer may ever contain the marker (or /etc/passwd's first entry).
 */
export interface HostileProject {
  base: string;
  root: string;
  outside: string;
  /** Appears only inside the outside file; never sent by the harness. */
  marker: string;
  /** A prefix of the marker that queries may use (a leak would show the whole marker). */
  markerQuery: string;
  cleanup(): void;
}

export function hostileProject(extra: Record<string, string> = {}): HostileProject {
  const { dir, cleanup } = tempDir("hostile");
  const base = realpathSync(dir);
  const root = join(base, "root");
  const outside = join(base, "outside");
  const marker = `zqxhostile_${randomBytes(8).toString("hex")}`;
  const files: Record<string, string> = {
    "README.md": "# hostile\n\nA small project for the hostile-input harness.\n",
    "notes.txt": "nothing to see\n",
    // Java and Ruby: a syntactic tier and no language server installed, so tools answer at once.
    "src/Widget.java": "package demo;\n\npublic class Widget {\n    private int size;\n\n    public int render() { return alpha() + size; }\n\n    static int alpha() { return 1; }\n}\n",
    "src/util.rb": "module Util\n  def self.beta\n    Widget.new\n  end\nend\n",
    "data/config.toml": "name = \"hostile\"\n",
    ...extra,
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, "secret.rb"), `def ${marker}\n  42\nend\n# ${marker}\n`);
  writeFileSync(join(outside, "passwd"), `${marker}:x:0:0::/:/bin/sh\n`);
  symlinkSync(join(outside, "secret.rb"), join(root, "src/leak.rb"));
  symlinkSync(outside, join(root, "escape"));
  return { base, root, outside, marker, markerQuery: marker.slice(0, "zqxhostile".length), cleanup };
}

/** Throws when `text` carries anything from outside the root. */
export function assertNoLeak(project: HostileProject, text: string, input: string): void {
  if (text.includes(project.marker)) throw new Error(`an answer carried the secret from outside the root, for ${input}: ${text.slice(0, 300)}`);
  if (/root:x:0:0:/.test(text)) throw new Error(`an answer carried /etc/passwd, for ${input}: ${text.slice(0, 300)}`);
}

/** One compiled codeintel process for a whole test file. */
export class ServerProcess {
  stderr = "";

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on("data", (c: Buffer) => {
      this.stderr += c.toString();
      if (this.stderr.length > 200_000) this.stderr = this.stderr.slice(-100_000);
    });
  }

  static spawn(args: string[], env: Record<string, string> = {}): ServerProcess {
    const { child } = spawnCodeintel(args, env);
    return new ServerProcess(child);
  }

  /** Waits for the "listening on URL" line of an app-server with --listen; returns URL. */
  async listening(): Promise<string> {
    const m = await stderrLine(this.child, /listening on ((?:ws|unix):\/\/\S+)/);
    return m[1]!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Throws, with the end of its stderr, unless the process is still running. */
  assertAlive(after: string): void {
    if (!this.alive) {
      throw new Error(`the server died (exit ${this.child.exitCode}, signal ${this.child.signalCode}) after ${after}; stderr:\n${this.stderr.slice(-3000)}`);
    }
  }

  /** True once the process has exited, waiting at most `ms` for it (a crash is seen a little after its last answer). */
  async exitedWithin(ms: number): Promise<boolean> {
    if (!this.alive) return true;
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      new Promise<boolean>((resolve) => this.child.once("exit", () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
    ]);
    clearTimeout(timer);
    return exited;
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Where a run's failure goes. By default it is thrown (fast-check reports the seed and the input).
 * With CODEINTEL_FUZZ_COLLECT=1 (long local runs) failures are grouped by cause, the server is
 * brought back if it died, and the run goes on; the test fails at the end listing each distinct cause.
 */
export const COLLECT = process.env.CODEINTEL_FUZZ_COLLECT === "1";

export class FailureLog {
  private readonly causes = new Map<string, { count: number; example: string }>();

  /** Runs `fn`; a failure is rethrown, or (collecting) recorded and then `recover` is awaited. */
  async guard(fn: () => Promise<void>, recover: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      if (!COLLECT) throw err;
      const message = err instanceof Error ? err.message : String(err);
      const key = causeKey(message);
      const known = this.causes.get(key);
      if (known) known.count++;
      else this.causes.set(key, { count: 1, example: message.slice(0, 1500) });
      await recover();
    }
  }

  get distinct(): number {
    return this.causes.size;
  }

  /** Throws listing every distinct cause, if any was recorded. */
  assertNone(surface: string): void {
    if (this.causes.size === 0) return;
    const lines = [...this.causes].map(([key, { count, example }]) => `- ${key} (x${count})\n  e.g. ${example.replace(/\n/g, "\n  ")}`);
    throw new Error(`${surface}: ${this.causes.size} distinct failure(s):\n${lines.join("\n")}`);
  }
}

/** A failure's cause without the input it names: the message's first sentence, numbers and quoted parts blanked. */
function causeKey(message: string): string {
  return message
    .split("\n")[0]!
    .replace(/ (to|for|after) .*$/, "")
    .replace(/"[^"]*"|'[^']*'/g, "…")
    .replace(/\d+/g, "N")
    .slice(0, 160);
}
