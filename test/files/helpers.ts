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
