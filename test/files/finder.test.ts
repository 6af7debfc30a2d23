import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder, FinderError } from "../../src/files/finder.js";
import { tieBreak } from "../../src/files/path-rules.js";
import { parseQuery, scorePath } from "../../src/files/query.js";
import { git, gitRepo, makeTree, removeTree } from "./helpers.js";

const trees: string[] = [];
let finder: FileFinder;
let repo: string;

beforeAll(() => {
  finder = new FileFinder({ watch: false, threads: 2 });
  repo = gitRepo({
    "README": "", "Documentation/ABI/README": "", "src/main.c": "", "src/util/strings.c": "", "lib/main.c": "",
    ".gitignore": "*.o\nbuild/\n", "src/main.o": "", "build/out.c": "", "notes/untracked.md": "",
  });
  git(repo, "add", "README", "Documentation", "src/main.c", "lib", ".gitignore");
  trees.push(repo);
});
afterAll(async () => {
  await finder.close();
  trees.forEach(removeTree);
});

describe("FileFinder.find", () => {
  it("searches tracked and untracked-not-ignored files of a git repo, with folders as candidates", async () => {
    const { results } = await finder.find("", [repo], { limit: 100 });
    const paths = results.map((r) => r.path).sort();
    expect(paths).toEqual([".gitignore", "Documentation", "Documentation/ABI", "Documentation/ABI/README", "README", "lib", "lib/main.c", "notes", "notes/untracked.md", "src", "src/main.c", "src/util", "src/util/strings.c"]);
    const dir = results.find((r) => r.path === "src/util")!;
    expect(dir).toMatchObject({ root: repo, fileName: "util", matchType: "directory" });
  });

  it("returns ranked result objects with highlight indices", async () => {
    const { results } = await finder.find("readme", [repo]);
    expect(results.map((r) => r.path)).toEqual(["README", "Documentation/ABI/README"]);
    const first = results[0]!;
    expect(first).toEqual({ root: repo, path: "README", fileName: "README", matchType: "file", score: expect.any(Number), indices: [0, 1, 2, 3, 4, 5] });
    expect(results[1]!.indices).toEqual([18, 19, 20, 21, 22, 23]);
  });

  it("lists a subfolder of a work tree relative to that subfolder", async () => {
    const { results } = await finder.find("main", [join(repo, "src")], { includeDirectories: false });
    expect(results.map((r) => r.path)).toEqual(["main.c"]);
  });

  it("leaves out tracked files deleted from disk but not staged, as the watcher does", async () => {
    const tree = gitRepo({ "keep.ts": "", "gone.ts": "", "old/only.ts": "", "old/kept.ts": "", "dir/all-gone.ts": "" });
    trees.push(tree);
    git(tree, "add", ".");
    git(tree, "commit", "-qm", "files");
    for (const f of ["gone.ts", "old/only.ts", "dir/all-gone.ts"]) rmSync(join(tree, f));
    rmSync(join(tree, "dir"), { recursive: true });
    // A fresh finder lists from scratch, as a service start does.
    const fresh = new FileFinder({ watch: false, threads: 1 });
    try {
      const { results } = await fresh.find("", [tree], { limit: 100 });
      expect(results.map((r) => r.path).sort()).toEqual(["keep.ts", "old", "old/kept.ts"]);
      // The same seen from a subfolder root.
      const sub = await fresh.find("", [join(tree, "old")], { limit: 100 });
      expect(sub.results.map((r) => r.path)).toEqual(["kept.ts"]);
    } finally {
      await fresh.close();
    }
  });

  it("searches several roots and names each result's root", async () => {
    const other = makeTree({ "pkg/main.rs": "" });
    trees.push(other);
    const { results } = await finder.find("main", [repo, other], { includeDirectories: false });
    // ("Documentation/ABI/README" matches too, far below: d-o-c-u-M-e-n-t-A-t-I-o-N.)
    expect(results.slice(0, 3).map((r) => [r.root, r.path])).toEqual([
      [repo, "lib/main.c"],
      [repo, "src/main.c"],
      [other, "pkg/main.rs"],
    ]);
  });

  it("walks a non-git tree with its ignore files", async () => {
    const plain = makeTree({ ".gitignore": "skip/\n", "skip/a.c": "", "keep/a.c": "", ".ignore": "*.tmp\n", "keep/b.tmp": "" });
    trees.push(plain);
    const { results } = await finder.find("a.c", [plain]);
    expect(results.map((r) => r.path)).toEqual(["keep/a.c"]);
    expect((await finder.find("tmp", [plain])).results).toEqual([]);
  });

  it("lists the same whether a non-git tree is walked in slices here or in parallel workers", async () => {
    const files: Record<string, string> = { ".gitignore": "*.tmp\n", "a/.gitignore": "!keep.tmp\n" };
    for (let i = 0; i < 400; i++) files[`a/b${i % 9}/c${i % 4}/f${i}.${i % 5 === 0 ? "tmp" : "c"}`] = "";
    files["a/keep.tmp"] = "";
    const plain = makeTree(files);
    trees.push(plain);
    const inWorkers = new FileFinder({ watch: false, threads: 2, walkInWorkers: true });
    try {
      const ours = (await finder.find("", [plain], { limit: 10_000 })).results.map((r) => r.path).sort();
      const theirs = (await inWorkers.find("", [plain], { limit: 10_000 })).results.map((r) => r.path).sort();
      expect(theirs).toEqual(ours);
      expect(ours).toContain("a/keep.tmp");
      expect(ours.filter((p) => p.endsWith(".tmp"))).toEqual(["a/keep.tmp"]);
    } finally {
      await inWorkers.close();
    }
  });

  it("honours the limit and reports how many matched", async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`d/file${i}.txt`] = "";
    const many = makeTree(files);
    trees.push(many);
    const found = await finder.find("file", [many], { limit: 7 });
    expect(found.results).toHaveLength(7);
    expect(found.matched).toBe(300);
    expect(found.results[0]!.path).toBe("d/file0.txt");
  });
});

describe("top-N pruning", () => {
  it("returns exactly the brute-force ranking of every entry", async () => {
    const files: Record<string, string> = {};
    const words = ["file", "field", "fire", "profile", "fief", "fixture", "config", "readme", "index", "lib"];
    for (let i = 0; i < 1500; i++) {
      const w = (k: number) => words[(i * 7 + k * 3) % words.length]!;
      files[`${w(1)}_${i % 13}/${w(2)}${i % 5}/${w(3)}-${i}.${i % 3 ? "ts" : "md"}`] = "";
    }
    const root = makeTree(files);
    trees.push(root);
    const all = (await finder.find("", [root], { limit: 100_000 })).results.map((r) => ({ p: r.path, dir: r.matchType === "directory" }));
    for (const query of ["fie", "fi re", "readme", "x", "conf idx", "^fi", "lib !md"]) {
      const q = parseQuery(query);
      const expected = all
        .map(({ p, dir }) => {
          const bytes = new TextEncoder().encode(p);
          return { p, s: scorePath(q, "utf8", bytes, 0, bytes.length, p.lastIndexOf("/") + 1, dir, null), tie: tieBreak(bytes, 0, bytes.length) };
        })
        .filter((x) => x.s >= 0)
        .sort((a, b) => b.s - a.s || a.p.length - b.p.length || b.tie - a.tie || (a.p < b.p ? -1 : 1));
      const found = await finder.find(query, [root], { limit: 25 });
      expect(found.matched, query).toBe(expected.length);
      expect(found.results.map((r) => r.path), query).toEqual(expected.slice(0, 25).map((x) => x.p));
      expect(found.results.map((r) => r.score), query).toEqual(expected.slice(0, 25).map((x) => x.s));
    }
  });
});

describe("bad input", () => {
  it("rejects a root that does not exist", async () => {
    await expect(finder.find("x", ["/definitely/not/here"])).rejects.toThrow(new FinderError("root_not_found", "root does not exist: /definitely/not/here"));
  });

  it("rejects a root that is a file", async () => {
    const file = join(repo, "README");
    await expect(finder.find("x", [file])).rejects.toMatchObject({ code: "root_not_directory", message: `root is not a directory: ${file}` });
  });

  it("answers an empty query with the first N entries in a stable order, files before folders", async () => {
    const a = await finder.find("", [repo], { limit: 4 });
    const b = await finder.find("   ", [repo], { limit: 4 });
    expect(a.results.map((r) => r.path)).toEqual(["README", ".gitignore", "lib/main.c", "src/main.c"]);
    expect(b.results).toEqual(a.results);
  });

  it("handles a 10,000-character query without crashing or hanging", async () => {
    const long = "a".repeat(10_000);
    expect((await finder.find(long, [repo])).results).toEqual([]);
    const words = Array.from({ length: 2000 }, () => "src").join(" ");
    expect((await finder.find(words, [repo])).results.length).toBeGreaterThan(0);
  });

  it("finds paths that are not valid UTF-8 (git and walk)", async () => {
    const name = Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x63]); // "bad\xff.c"
    const g = gitRepo({ "ok.c": "" });
    const w = makeTree({ "ok.c": "" });
    trees.push(g, w);
    for (const root of [g, w]) {
      writeFileSync(Buffer.concat([Buffer.from(`${root}/`), name]), "");
      const { results } = await finder.find("bad", [root]);
      expect(results.map((r) => r.path)).toEqual(["bad\uFFFD.c"]);
      expect(results[0]!.indices).toEqual([0, 1, 2]);
    }
  });

  it("lists symlink cycles once without following them", async () => {
    const root = makeTree({ "a/b/file.c": "" });
    trees.push(root);
    symlinkSync("../..", join(root, "a", "b", "up"));
    symlinkSync(".", join(root, "here"));
    const { results } = await finder.find("", [root], { limit: 100 });
    expect(results.map((r) => r.path).sort()).toEqual(["a", "a/b", "a/b/file.c", "a/b/up", "here"]);
  });

  it("lists a dangling symlink like git does, without failing", async () => {
    const root = makeTree({ "fine/x.c": "" });
    trees.push(root);
    mkdirSync(join(root, "gone"));
    symlinkSync("/nonexistent/target", join(root, "gone", "link"));
    const { results } = await finder.find("", [root]);
    expect(results.map((r) => r.path).sort()).toEqual(["fine", "fine/x.c", "gone", "gone/link"]);
  });

  it("rejects an already-aborted signal and a find cancelled while running", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(finder.find("x", [repo], { signal: controller.signal })).rejects.toMatchObject({ code: "cancelled" });
  });
});
