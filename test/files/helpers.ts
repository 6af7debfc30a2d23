// Fixture trees for the file-finder tests: real folders under the OS temp dir, real git.
import { execFileSync } from "node:child_process";
import { makeTree } from "../support/tree.js";

export { eventually, latch } from "../support/eventually.js";
export { makeTree, removeTree } from "../support/tree.js";

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@localhost", ...args], { cwd, encoding: "utf8" });
}

export function gitRepo(files: Record<string, string>): string {
  const root = makeTree(files, "codeintel-git-");
  git(root, "init", "-q");
  return root;
}

/**
 * A git repo whose index lists `paths` (all the empty blob) with none of them on disk: big lists
 * made in a moment. They are marked skip-worktree, so git does not report them as deleted.
 */
export function indexOnlyRepo(paths: string[]): string {
  const root = gitRepo({});
  const blob = execFileSync("git", ["hash-object", "-w", "--stdin"], { cwd: root, input: "", encoding: "utf8" }).trim();
  const run = (args: string[], input: string) => execFileSync("git", args, { cwd: root, input, maxBuffer: 1 << 28 });
  run(["update-index", "-z", "--add", "--index-info"], paths.map((p) => `100644 ${blob}\t${p}\0`).join(""));
  run(["update-index", "-z", "--skip-worktree", "--stdin"], paths.map((p) => `${p}\0`).join(""));
  return root;
}
