// Benchmark corpora: the 78,311 paths of Linux 6.1 (../shared/corpora/linux-6.1-paths.txt.gz),
// loaded as a list, materialised as a tree of empty files, and as a git repo of that tree.
// Trees are cached under os.tmpdir() keyed by corpus name so reruns skip the slow part.
//
//   loadCorpusPaths(): string[]                      the paths, in corpus order
//   materialiseTree(): Promise<string>               a plain (non-git) folder of empty files
//   materialiseGitRepo(): Promise<string>            the same tree, committed in a git repo
//   materialiseLargeGitRepo(copies = 16): Promise<string>
//                                                    a git repo whose index lists the corpus under copy00/
//                                                    ... copyNN/ (1.25M paths for 16), with no files written
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, closeSync, openSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { packageRoot } from "../src/workspace/package-root.js";

export const corpusName = "linux-6.1-paths";

/** Where the corpus lives: <repo>/../shared/corpora, or $CODEINTEL_CORPORA. */
export function corpusFile(): string {
  const dir = process.env.CODEINTEL_CORPORA ?? resolve(packageRoot(), "..", "shared", "corpora");
  return join(dir, `${corpusName}.txt.gz`);
}

export function loadCorpusPaths(): string[] {
  const text = gunzipSync(readFileSync(corpusFile())).toString("utf8");
  return text.split("\n").filter((line) => line.length > 0);
}

/** A folder of empty files, one per corpus path. Built once, then reused. */
export async function materialiseTree(): Promise<string> {
  const target = join(tmpdir(), `codeintel-bench-${corpusName}-tree`);
  // The marker lives beside the tree so it never shows up in walks of it.
  if (existsSync(`${target}.complete`)) return target;
  buildTree(target, loadCorpusPaths());
  writeFileSync(`${target}.complete`, "");
  return target;
}

/** The same tree committed in a git repo (tracked files only, clean work tree). */
export async function materialiseGitRepo(): Promise<string> {
  const target = join(tmpdir(), `codeintel-bench-${corpusName}-git`);
  if (existsSync(join(target, ".git", "codeintel-complete"))) return target;
  buildTree(target, loadCorpusPaths());
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=bench", "-c", "user.email=bench@localhost", ...args], {
      cwd: target,
      stdio: ["ignore", "ignore", "inherit"],
      maxBuffer: 1 << 30,
    });
  git("init", "-q");
  // The corpus' own .gitignore files would hide some of its paths; force-add everything.
  git("add", "-f", "-A");
  git("commit", "-q", "-m", "corpus");
  writeFileSync(join(target, ".git", "codeintel-complete"), "");
  return target;
}

/**
 * A git repo whose index lists the corpus `copies` times, under copy00/, copy01/, ...: built with
 * `git update-index --index-info` (every entry the empty blob), so no file is written and a 1.25M-path
 * repo takes seconds. The entries are marked skip-worktree: `git ls-files --deleted` then skips them
 * (they are not on disk), so a listing keeps them all, as in a sparse checkout.
 */
export async function materialiseLargeGitRepo(copies = 16): Promise<string> {
  const target = join(tmpdir(), `codeintel-bench-${corpusName}-x${copies}-git`);
  if (existsSync(join(target, ".git", "codeintel-complete"))) return target;
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const git = (args: string[], input?: Buffer | string) =>
    execFileSync("git", args, { cwd: staging, input, stdio: [input === undefined ? "ignore" : "pipe", "pipe", "inherit"], maxBuffer: 1 << 30 });
  git(["init", "-q"]);
  const blob = git(["hash-object", "-w", "--stdin"], "").toString("utf8").trim();
  const paths = loadCorpusPaths();
  const entries: string[] = [];
  const names: string[] = [];
  for (let c = 0; c < copies; c++) {
    const prefix = `copy${String(c).padStart(2, "0")}/`;
    for (const p of paths) {
      entries.push(`100644 ${blob}\t${prefix}${p}\0`);
      names.push(`${prefix}${p}\0`);
    }
  }
  git(["update-index", "--add", "-z", "--index-info"], entries.join(""));
  git(["update-index", "--skip-worktree", "-z", "--stdin"], names.join(""));
  writeFileSync(join(staging, ".git", "codeintel-complete"), "");
  try {
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (err) {
    // Another bench process built it at the same time: keep theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(join(target, ".git", "codeintel-complete"))) throw err;
  }
  return target;
}

function buildTree(target: string, paths: string[]): void {
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const made = new Set<string>();
  for (const p of paths) {
    const full = join(staging, p);
    const dir = dirname(full);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    closeSync(openSync(full, "w"));
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
}
