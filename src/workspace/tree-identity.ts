// What a root's file tree is, as one hash: a recording is only worth replaying on the tree it was
// made on. Inside a git work tree, the tree object of the root's folder at HEAD (a content hash of
// every tracked file below it, the same in every clone and untouched by commits elsewhere in the
// repository) plus the content of every file that differs from it (modified, staged, deleted,
// untracked and not ignored). Elsewhere, a content hash of every file the walk lists (ignore files
// honoured, as the finder lists them).
//
//   treeIdentity(root): Promise<TreeIdentity>
//   sameTree(a, b): boolean           whether two identities name the same content
//   describeTree(identity): string    one line for reports: "git tree 1a2b3c4 at commit 5d6e7f8, 2 changed files"
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { forEachPath } from "./git.js";
import { walkTree } from "./walk.js";

export interface TreeIdentity {
  /** "git": the root's tree at HEAD plus its changes; "content": every file hashed (not in a git work tree). */
  kind: "git" | "content";
  /** What is compared: sha256 over the tree and every file that differs from it. */
  hash: string;
  /** git: HEAD's commit, for the reader (not compared: a commit elsewhere in the repository leaves the root as it was). */
  commit?: string;
  /** git: files that differ from HEAD; content: every file hashed. */
  files: number;
}

const run = promisify(execFile);
const GIT_OUTPUT_LIMIT = 256 * 1024 * 1024;

export async function treeIdentity(root: string): Promise<TreeIdentity> {
  return (await gitIdentity(root)) ?? contentIdentity(root);
}

export function sameTree(a: TreeIdentity, b: TreeIdentity): boolean {
  return a.kind === b.kind && a.hash === b.hash;
}

export function describeTree(t: TreeIdentity): string {
  if (t.kind === "content") return `content ${t.hash.slice(0, 12)} of ${t.files} files`;
  const changed = t.files === 0 ? "no changes" : `${t.files} changed file${t.files === 1 ? "" : "s"}`;
  return `git ${t.hash.slice(0, 12)} (commit ${t.commit?.slice(0, 10) ?? "?"}, ${changed})`;
}

async function gitIdentity(root: string): Promise<TreeIdentity | undefined> {
  const git = async (...args: string[]) => (await run("git", ["-C", root, ...args], { maxBuffer: GIT_OUTPUT_LIMIT, encoding: "buffer" })).stdout;
  let commit: string;
  let tree: string;
  try {
    // HEAD:./ is the tree of the folder git runs in: the root, wherever it sits in the repository.
    [commit, tree] = (await git("rev-parse", "HEAD", "HEAD:./")).toString("utf8").trim().split("\n") as [string, string];
  } catch {
    return undefined; // not a work tree, no commit yet, or the root is not tracked at HEAD: hash the content instead
  }
  const changed = new Set<string>();
  const collect = (bytes: Buffer) => forEachPath(bytes, 0, bytes.length, (s, e) => void (e > s && changed.add(bytes.toString("utf8", s, e))));
  // Worktree and index against HEAD, and untracked files git does not ignore, relative to the root.
  collect(await git("diff", "--name-only", "--relative", "--no-renames", "-z", "HEAD", "--", "."));
  collect(await git("ls-files", "-o", "--exclude-standard", "-z", "--", "."));
  const hash = createHash("sha256").update(`git tree ${tree}\0`);
  await hashFiles(hash, root, [...changed].sort());
  return { kind: "git", hash: hash.digest("hex"), commit, files: changed.size };
}

async function contentIdentity(root: string): Promise<TreeIdentity> {
  const files = walkTree(root).entries.filter((e) => !e.dir).map((e) => e.path).sort();
  const hash = createHash("sha256").update("content\0");
  await hashFiles(hash, root, files);
  return { kind: "content", hash: hash.digest("hex"), files: files.length };
}

/** Each path and its bytes' hash; a path that cannot be read (deleted, a dangling link) is hashed as such. */
async function hashFiles(hash: ReturnType<typeof createHash>, root: string, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    let content: string;
    try {
      content = createHash("sha256").update(await readFile(join(root, path))).digest("hex");
    } catch (err) {
      content = `unreadable ${(err as NodeJS.ErrnoException).code ?? "error"}`;
    }
    hash.update(`${path}\0${content}\0`);
  }
}
