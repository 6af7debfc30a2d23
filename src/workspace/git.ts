// Listing a folder through git, when it lies inside a git work tree (it may be a subfolder).
// Tracked files (`git ls-files -z`, from the index: fast), tracked files deleted from the work
// tree but not staged (`git ls-files -z --deleted`: one lstat per tracked file) and
// untracked-but-not-ignored files (`git ls-files -o --exclude-standard -z`, a directory walk:
// slower) run as three processes at once. By default tracked paths are passed on once the
// deleted ones are known and subtracted, so a listing agrees with the watcher, which drops a
// deleted file at once; together they equal the files of `git ls-files -co --exclude-standard`
// that exist. With `streamTracked`, tracked paths are passed on as git prints them (a first
// answer while a big index is still being read) and the deleted ones come back in the result,
// for the caller to take out. With `shallowFirst: D` as well, a fourth process lists the tracked
// paths at most D segments deep (`:(glob)*`, `:(glob)*/*`, ...) first, and the full listing passes
// on only the deeper ones, after it and after `holdDeep`: its output waits in the pipe meanwhile
// (git reads its index, the slow part of a big listing, in parallel); the deleted and untracked
// listings start once the shallow one is in. git prints in path order, so without this an early
// answer has seen `arch/` ... `drivers/` only, and shallow paths (`Makefile`, `mm/slub.c`,
// `include/linux/mutex.h`) are where most best matches live (`onShallowDone` says when they are
// all passed on). Paths arrive as raw bytes (git's -z output is not quoted), relative to the folder.
//
// Public surface:
//   listGitFiles(folder, onPaths, signal?, options?): Promise<GitListing>
//     onPaths(paths: Buffer[]) is called per chunk of complete NUL-separated paths.
//     Resolves { isRepo: false } when the folder is not in a work tree (or git is missing),
//     so the caller can fall back to walking; { isRepo: true, deleted } when streamTracked.
//   interface GitListing, GitListOptions { streamTracked?, shallowFirst?, onShallowDone?, holdDeep? }
import { spawn } from "node:child_process";

export interface GitListing {
  isRepo: boolean;
  /** Why git could not list (only when isRepo is false). */
  reason?: string;
  /** With streamTracked: tracked paths already passed on that are missing from the work tree. */
  deleted?: Buffer[];
}

export interface GitListOptions {
  streamTracked?: boolean;
  /** With streamTracked: pass on tracked paths at most this many segments deep first (0: off). */
  shallowFirst?: number;
  /** With shallowFirst: called once every shallow tracked path has been passed on (or that listing failed). */
  onShallowDone?: () => void;
  /**
   * With shallowFirst: called once the shallow listing is in; the full listing is read only once
   * the promise it returns settles (the caller's first answer can go out without competing with it).
   */
  holdDeep?: () => Promise<unknown>;
}

export async function listGitFiles(
  folder: string,
  onPaths: (paths: Buffer[]) => void,
  signal?: AbortSignal,
  options: GitListOptions = {},
): Promise<GitListing> {
  const tracked: Buffer[] = [];
  const deletedPaths: Buffer[] = [];
  const depth = options.streamTracked ? Math.max(0, Math.floor(options.shallowFirst ?? 0)) : 0;
  // Spawned in the order their output is needed: a spawn blocks this thread for milliseconds.
  const shallow =
    depth > 0
      ? runLsFiles(folder, ["ls-files", "-z", "--", ...shallowPathspecs(depth)], onPaths, signal).then((r) => {
          // Also on a failure (then the whole listing fails): nobody may wait for it forever.
          options.onShallowDone?.();
          return r;
        })
      : null;
  // The shallow listing has those paths: the full one passes on the deeper ones only, once the
  // shallow ones are in (the caller's first answer waits for them; this thread is theirs till then).
  const onTracked = !options.streamTracked
    ? (paths: Buffer[]) => tracked.push(...paths)
    : depth > 0
      ? (paths: Buffer[]) => {
          const deep = paths.filter((p) => deeperThan(p, depth));
          if (deep.length > 0) onPaths(deep);
        }
      : onPaths;
  const hold = shallow?.then(() => options.holdDeep?.()).catch(() => undefined);
  const full = runLsFiles(folder, ["ls-files", "-z"], onTracked, signal, hold);
  // These two are needed only at the end (deleted) or are few (untracked, a walk of the work tree):
  // with a shallow pass they start after it, not competing with it for the two cores.
  const started = shallow ? shallow.then(() => undefined) : Promise.resolve();
  const deletedRun = started.then(() => runLsFiles(folder, ["ls-files", "-z", "--deleted"], (paths) => deletedPaths.push(...paths), signal));
  const untracked = started.then(() => runLsFiles(folder, ["ls-files", "-o", "--exclude-standard", "-z"], onPaths, signal));
  const index = await Promise.all([full, deletedRun, ...(shallow ? [shallow] : [])]);
  if (index.every((r) => r.ok) && !options.streamTracked) {
    const deleted = new Set(deletedPaths.map((p) => p.toString("latin1")));
    const present = deleted.size === 0 ? tracked : tracked.filter((p) => !deleted.has(p.toString("latin1")));
    if (present.length > 0) onPaths(present);
  }
  const results = [...index, await untracked];
  const failed = results.find((r) => !r.ok);
  if (failed) return { isRepo: false, reason: failed.reason };
  return options.streamTracked ? { isRepo: true, deleted: deletedPaths } : { isRepo: true };
}

// One glob pathspec per depth, 1 to `depth` stars joined by slashes: in glob magic a star stops at
// a slash, so together they match the paths at most `depth` segments deep.
function shallowPathspecs(depth: number): string[] {
  const specs: string[] = [];
  for (let d = 1; d <= depth; d++) specs.push(`:(glob)${Array(d).fill("*").join("/")}`);
  return specs;
}

/** Whether `p` has more than `depth` segments (at least `depth` slashes). */
function deeperThan(p: Buffer, depth: number): boolean {
  // A byte loop: a native indexOf call per slash costs more than reading the few bytes.
  let slashes = 0;
  for (let k = 0; k < p.length; k++) if (p[k] === 47 && ++slashes >= depth) return true;
  return false;
}

function runLsFiles(
  folder: string,
  args: string[],
  onPaths: (paths: Buffer[]) => void,
  signal?: AbortSignal,
  /** Read nothing of git's output before this settles (git blocks once the pipe is full). */
  after?: Promise<unknown>,
): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    // Outside a work tree git prints nothing on stdout, so streaming chunks before the exit code is known is safe.
    const child = spawn("git", ["-c", "core.quotePath=false", ...args], {
      cwd: folder,
      stdio: ["ignore", "pipe", "pipe"],
      signal,
    });
    let carry: Buffer | null = null;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      const data: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
      const paths: Buffer[] = [];
      let from = 0;
      for (;;) {
        const nul = data.indexOf(0, from);
        if (nul < 0) break;
        if (nul > from) paths.push(data.subarray(from, nul));
        from = nul + 1;
      }
      carry = from < data.length ? Buffer.from(data.subarray(from)) : null;
      if (paths.length > 0) onPaths(paths);
    });
    if (after) {
      child.stdout.pause();
      void after.then(() => child.stdout.resume());
    }
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    child.on("error", (err) => resolve({ ok: false, reason: err.message }));
    child.on("close", (code) => {
      if (code === 0) {
        if (carry && carry.length > 0) onPaths([carry]);
        resolve({ ok: true });
      } else {
        resolve({ ok: false, reason: stderr.trim() || `git exited with ${code}` });
      }
    });
  });
}
