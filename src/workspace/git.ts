// Listing a folder through git, when it lies inside a git work tree (it may be a subfolder).
// Tracked files (`git ls-files -z`, from the index: fast), tracked files deleted from the work
// tree but not staged (`git ls-files -z --deleted`: one lstat per tracked file) and
// untracked-but-not-ignored files (`git ls-files -o --exclude-standard -z`, a directory walk:
// slower) run as three processes at once. By default tracked paths are passed on once the
// deleted ones are known and subtracted, so a listing agrees with the watcher, which drops a
// deleted file at once; together they equal the files of `git ls-files -co --exclude-standard`
// that exist. With `streamTracked`, tracked paths are passed on as git prints them (a first
// answer while a big index is still being read) and the deleted ones come back in the result,
// for the caller to take out. Paths arrive as raw bytes (git's -z output is not quoted),
// relative to the folder.
//
// Public surface:
//   listGitFiles(folder, onPaths, signal?, options?): Promise<GitListing>
//     onPaths(paths: Buffer[]) is called per chunk of complete NUL-separated paths.
//     Resolves { isRepo: false } when the folder is not in a work tree (or git is missing),
//     so the caller can fall back to walking; { isRepo: true, deleted } when streamTracked.
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
}

export async function listGitFiles(
  folder: string,
  onPaths: (paths: Buffer[]) => void,
  signal?: AbortSignal,
  options: GitListOptions = {},
): Promise<GitListing> {
  const tracked: Buffer[] = [];
  const deletedPaths: Buffer[] = [];
  const untracked = runLsFiles(folder, ["ls-files", "-o", "--exclude-standard", "-z"], onPaths, signal);
  const index = await Promise.all([
    runLsFiles(folder, ["ls-files", "-z"], options.streamTracked ? onPaths : (paths) => tracked.push(...paths), signal),
    runLsFiles(folder, ["ls-files", "-z", "--deleted"], (paths) => deletedPaths.push(...paths), signal),
  ]);
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

function runLsFiles(
  folder: string,
  args: string[],
  onPaths: (paths: Buffer[]) => void,
  signal?: AbortSignal,
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
