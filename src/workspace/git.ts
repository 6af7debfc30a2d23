// Listing a folder through git, when it lies inside a git work tree (it may be a subfolder).
// Tracked files (`git ls-files -z`, from the index: fast), tracked files deleted from the work
// tree but not staged (`git ls-files -z --deleted`: one lstat per tracked file) and
// untracked-but-not-ignored files (`git ls-files -o --exclude-standard -z`, a directory walk:
// slower). Together they equal the files of `git ls-files -co --exclude-standard` that exist.
// The tracked listing runs first, alone (a first answer waits for it); the other two start once it
// is complete (or once `startRest` settles), side by side. By default tracked paths are passed on
// once the deleted ones are known and subtracted, so a listing agrees with the watcher, which
// drops a deleted file at once. With `streamTracked`, tracked paths are passed on as git prints
// them and the deleted ones come back in the result, for the caller to take out.
// Paths are passed on as raw bytes, never one object per path: a sink gets a buffer and a range of
// it made of whole NUL-terminated paths (git's -z output is not quoted), relative to the folder.
//
// Public surface:
//   listGitFiles(folder, sinks, signal?, options?): Promise<GitListing>
//     sinks.tracked / sinks.untracked (bytes, from, to): bytes[from, to) is one or more paths, each
//     ending in a NUL (empty ones skipped by the caller); called as git's output arrives.
//     Resolves { isRepo: false } when the folder is not in a work tree (or git is missing),
//     so the caller can fall back to walking; { isRepo: true, deleted } when streamTracked.
//   interface GitListing, GitListOptions { streamTracked?, onTrackedDone?, startRest? }, PathSink
import { spawn } from "node:child_process";

/** bytes[from, to) holds whole paths, each followed by a NUL. The buffer may be git's own chunk: keep a copy, not a view, of what outlives the call. */
export type PathSink = (bytes: Buffer, from: number, to: number) => void;

export interface GitListing {
  isRepo: boolean;
  /** Why git could not list (only when isRepo is false). */
  reason?: string;
  /** With streamTracked: tracked paths already passed on that are missing from the work tree. */
  deleted?: Buffer[];
}

export interface GitListOptions {
  /** Pass tracked paths on as git prints them; the deleted ones come back in the result. */
  streamTracked?: boolean;
  /** Called once every tracked path has been passed on (also when that listing failed). */
  onTrackedDone?: () => void;
  /**
   * The deleted and untracked listings start once the tracked one is complete and this settles
   * (default: at once then). They compete with what the caller does with the tracked paths.
   */
  startRest?: Promise<unknown>;
}

export async function listGitFiles(
  folder: string,
  sinks: { tracked: PathSink; untracked: PathSink },
  signal?: AbortSignal,
  options: GitListOptions = {},
): Promise<GitListing> {
  const deletedPaths: Buffer[] = [];
  // Without streamTracked, the tracked output is kept (its chunks, not a copy per path) until the
  // deleted paths are known.
  const held: Array<{ bytes: Buffer; from: number; to: number }> = [];
  const onTracked: PathSink = options.streamTracked ? sinks.tracked : (bytes, from, to) => held.push({ bytes, from, to });
  const tracked = runLsFiles(folder, ["ls-files", "-z"], onTracked, signal).then((r) => {
    // Also on a failure (then the whole listing fails): nobody may wait for it forever.
    options.onTrackedDone?.();
    return r;
  });
  // Spawned after the tracked listing, not beside it: each spawn blocks this thread for
  // milliseconds, and these two (an lstat per tracked file, a walk of the work tree) would take
  // the cores the first answer needs.
  const started = tracked.then(() => options.startRest).catch(() => undefined);
  const untracked = started.then(() => runLsFiles(folder, ["ls-files", "-o", "--exclude-standard", "-z"], sinks.untracked, signal));
  const deletedRun = started.then(() =>
    runLsFiles(folder, ["ls-files", "-z", "--deleted"], (bytes, from, to) => {
      forEachPath(bytes, from, to, (s, e) => deletedPaths.push(Buffer.from(bytes.subarray(s, e))));
    }, signal),
  );
  const index = await Promise.all([tracked, deletedRun]);
  if (index.every((r) => r.ok) && !options.streamTracked) {
    const deleted = new Set(deletedPaths.map((p) => p.toString("latin1")));
    for (const h of held) {
      if (deleted.size === 0) sinks.tracked(h.bytes, h.from, h.to);
      else forEachPath(h.bytes, h.from, h.to, (s, e) => {
        if (!deleted.has(h.bytes.toString("latin1", s, e))) sinks.tracked(h.bytes, s, e + 1);
      });
    }
  }
  const results = [...index, await untracked];
  const failed = results.find((r) => !r.ok);
  if (failed) return { isRepo: false, reason: failed.reason };
  return options.streamTracked ? { isRepo: true, deleted: deletedPaths } : { isRepo: true };
}

/** Calls `each(start, end)` for every non-empty path of bytes[from, to) (end: its NUL). */
export function forEachPath(bytes: Uint8Array, from: number, to: number, each: (start: number, end: number) => void): void {
  let s = from;
  for (let k = from; k < to; k++) {
    if (bytes[k] !== 0) continue;
    if (k > s) each(s, k);
    s = k + 1;
  }
}

function runLsFiles(
  folder: string,
  args: string[],
  onPaths: PathSink,
  signal?: AbortSignal,
): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    // Outside a work tree git prints nothing on stdout, so streaming chunks before the exit code is known is safe.
    const child = spawn("git", ["-c", "core.quotePath=false", ...args], {
      cwd: folder,
      stdio: ["ignore", "pipe", "pipe"],
      signal,
    });
    // The start of a path the previous chunk ended in (a copy: small, and the chunk is gone).
    let carry: Buffer | null = null;
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      let from = 0;
      if (carry) {
        const nul = chunk.indexOf(0);
        if (nul < 0) {
          carry = Buffer.concat([carry, chunk]);
          return;
        }
        const joined = Buffer.concat([carry, chunk.subarray(0, nul + 1)]);
        carry = null;
        onPaths(joined, 0, joined.length);
        from = nul + 1;
      }
      let last = chunk.length - 1;
      while (last >= from && chunk[last] !== 0) last--;
      if (last >= from) onPaths(chunk, from, last + 1);
      else last = from - 1;
      if (last + 1 < chunk.length) carry = Buffer.from(chunk.subarray(last + 1));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    child.on("error", (err) => resolve({ ok: false, reason: err.message }));
    child.on("close", (code) => {
      if (code === 0) {
        if (carry && carry.length > 0) {
          // A last path without its NUL (git always ends one; be lenient).
          const whole = Buffer.concat([carry, Buffer.alloc(1)]);
          onPaths(whole, 0, whole.length);
        }
        resolve({ ok: true });
      } else {
        resolve({ ok: false, reason: stderr.trim() || `git exited with ${code}` });
      }
    });
  });
}
