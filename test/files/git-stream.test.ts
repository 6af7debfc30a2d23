import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FileFinder, type FindSnapshot } from "../../src/files/finder.js";
import { git, gitRepo, indexOnlyRepo as sharedIndexOnlyRepo, latch, removeTree } from "./helpers.js";

const trees: string[] = [];
afterAll(() => {
  for (const t of trees) removeTree(t);
});

/** helpers.ts's index-only repo (big and cheap: no files written), removed after the tests. */
function indexOnlyRepo(paths: string[]): string {
  const repo = sharedIndexOnlyRepo(paths);
  trees.push(repo);
  return repo;
}

/** Deep paths that sort before `include/` and match `mutex` poorly (as drivers/iio/multiplexer does in Linux). */
function deepFiller(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(`drivers/iio/multiplexer/chan-${i % 50}/iio-mux-${i}.c`);
  return out;
}

describe("a git tree's listing", () => {
  it("grows the index while git's output arrives, not only once the listing is complete", async () => {
    // ~400 KB of `git ls-files` output: several pipe reads.
    const files: Record<string, string> = {};
    for (let i = 0; i < 6000; i++) files[`packages/pkg-${i % 60}/src/components/widget-number-${i}.ts`] = "";
    const repo = gitRepo(files);
    trees.push(repo);
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "files");
    const finder = new FileFinder({ watch: false, threads: 2 });
    try {
      const index = finder.openRoot(repo);
      const counts: number[] = [];
      index.onGrow(() => counts.push(index.table.liveCount));
      await index.ready;
      const total = index.table.liveCount;
      expect(total).toBe(6000 + 61 + 60 + 60);
      // Sessions are told of entries while the listing is under way: partial answers come early.
      expect(counts.some((n) => n > 0 && n < total)).toBe(true);
      const { results } = await finder.find("widget 5999", [repo], { limit: 1 });
      expect(results[0]!.path).toBe("packages/pkg-59/src/components/widget-number-5999.ts");
    } finally {
      await finder.close();
    }
  });

  it("sends snapshots before the listing is complete, the first one ranking the shallow best that sorts late", async () => {
    // 30,000 deep paths (~1.6 MB of git output) before the best match in path order, and 3,000
    // shallow ones (several pipe reads each). The deep listing is held until the first snapshot
    // is out, as a slow reader would hold git: so the snapshot is surely early.
    const shallow = Array.from({ length: 3000 }, (_, i) => `include/linux/header-${i}.h`);
    const repo = indexOnlyRepo([...deepFiller(30_000), ...shallow, "include/linux/mutex.h", "kernel/locking/mutex.c"]);
    const hold = latch("the first snapshot");
    const finder = new FileFinder({ watch: false, threads: 2, holdDeepListing: hold.opened });
    try {
      const session = finder.startSession([repo], { limit: 5, throttleMs: 0 });
      const updates: FindSnapshot[] = [];
      session.on("updated", (snap) => {
        updates.push(snap);
        hold.open();
      });
      const final = await new Promise<FindSnapshot>((resolve) => {
        session.once("completed", resolve);
        session.update("mutex");
      });
      expect(final.results[0]!.path).toBe("include/linux/mutex.h");
      expect(final.scanned).toBeGreaterThan(33_000);
      const early = updates.filter((u) => !u.walkComplete);
      expect(early.length).toBeGreaterThan(0);
      // The first snapshot has seen the shallow paths, not only the corner of the tree git lists first.
      expect(early[0]!.results[0]!.path).toBe(final.results[0]!.path);
      expect(early[0]!.scanned).toBeLessThan(final.scanned);
      session.stop();
    } finally {
      await finder.close();
    }
  });

  it("lists the same entries shallow-first as in git's order: untracked added, deleted taken out, none twice", async () => {
    const files: Record<string, string> = { "README.md": "", "src/a.ts": "", "src/deep/er/b.ts": "", "lib/x/y/z/c.ts": "", "gone/d.ts": "", "gone/x/y/e.ts": "" };
    const repo = gitRepo(files);
    trees.push(repo);
    git(repo, "add", ".");
    git(repo, "commit", "-qm", "files");
    rmSync(join(repo, "gone"), { recursive: true });
    execFileSync("sh", ["-c", "mkdir -p new/a/b && : > new/a/b/f.ts && : > top.txt"], { cwd: repo });
    const listed = async (shallowFirst: number) => {
      const finder = new FileFinder({ watch: false, threads: 1, shallowFirst });
      try {
        const index = finder.openRoot(repo);
        await index.ready;
        return index.paths({ directories: true });
      } finally {
        await finder.close();
      }
    };
    const inOrder = await listed(0);
    for (const depth of [1, 2, 3]) {
      const shallowFirst = await listed(depth);
      expect(new Set(shallowFirst).size).toBe(shallowFirst.length);
      expect([...shallowFirst].sort()).toEqual([...inOrder].sort());
    }
    expect(inOrder.sort()).toEqual(
      ["README.md", "lib", "lib/x", "lib/x/y", "lib/x/y/z", "lib/x/y/z/c.ts", "new", "new/a", "new/a/b", "new/a/b/f.ts", "src", "src/a.ts", "src/deep", "src/deep/er", "src/deep/er/b.ts", "top.txt"].sort(),
    );
  });

  it("lists the folders of a path thousands of segments deep", async () => {
    // Folders are derived from git's file list; each level once, without recursing per level.
    const depth = 20_000;
    const deep = `${Array(depth).fill("d").join("/")}/leaf.txt`;
    const repo = indexOnlyRepo([deep, "top.txt"]);
    const finder = new FileFinder({ watch: false, threads: 1 });
    try {
      const index = finder.openRoot(repo);
      await index.ready;
      const folders = index.paths({ directories: true }).filter((p) => !p.endsWith(".txt"));
      expect(folders.length).toBe(depth);
      expect(index.paths().sort()).toEqual([deep, "top.txt"]);
    } finally {
      await finder.close();
    }
  });
});
