import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder, type FileIndexChange } from "../../src/files/finder.js";
import { eventually, git, gitRepo, makeTree, removeTree } from "./helpers.js";

let finder: FileFinder;
const trees: string[] = [];
const warnings: string[] = [];

beforeAll(() => {
  finder = new FileFinder({ threads: 2, rescanIntervalMs: 200, onWarning: (m) => warnings.push(m) });
});
afterAll(async () => {
  await finder.close();
  trees.forEach(removeTree);
});

async function paths(query: string, root: string): Promise<string[]> {
  return (await finder.find(query, [root], { limit: 500 })).results.map((r) => r.path);
}

for (const kind of ["git", "plain"] as const) {
  describe(`watcher freshness (${kind} root)`, () => {
    let root: string;
    const changes: FileIndexChange[] = [];

    beforeAll(async () => {
      const files = { ".gitignore": "*.log\nout/\n", "src/app.ts": "", "src/old_name.ts": "", "doomed.txt": "" };
      root = kind === "git" ? gitRepo(files) : makeTree(files);
      if (kind === "git") {
        git(root, "add", "-A");
        git(root, "commit", "-qm", "init");
      }
      trees.push(root);
      mkdirSync(join(root, "was_empty"));
      const index = finder.openRoot(root);
      index.onChange((ev) => changes.push(ev));
      await index.ready;
      await index.watching;
    });

    it("adds a created file without a rescan", async () => {
      writeFileSync(join(root, "src", "fresh_widget.ts"), "");
      await eventually(async () => (await paths("freshwidget", root)).includes("src/fresh_widget.ts"));
      expect(changes).toContainEqual({ kind: "add", path: "src/fresh_widget.ts" });
    });

    it("drops a deleted file", async () => {
      rmSync(join(root, "doomed.txt"));
      await eventually(async () => !(await paths("doomed", root)).includes("doomed.txt"));
      expect(changes).toContainEqual({ kind: "unlink", path: "doomed.txt" });
    });

    it("follows a rename", async () => {
      renameSync(join(root, "src", "old_name.ts"), join(root, "src", "new_name.ts"));
      await eventually(async () => {
        const found = await paths("name.ts", root);
        return found.includes("src/new_name.ts") && !found.includes("src/old_name.ts");
      });
    });

    it("picks up a folder moved in with content, and its removal", async () => {
      const outside = makeTree({ "deep/inner_thing.ts": "", "top_thing.ts": "" });
      trees.push(outside);
      renameSync(outside, join(root, "moved"));
      await eventually(async () => {
        const found = await paths("thing", root);
        return found.includes("moved/deep/inner_thing.ts") && found.includes("moved/top_thing.ts");
      });
      expect(await paths("moved", root)).toContain("moved/deep");
      rmSync(join(root, "moved"), { recursive: true });
      await eventually(async () => (await paths("thing", root)).length === 0);
    });

    it("watches folders created later and folders that were empty (unknown to git)", async () => {
      mkdirSync(join(root, "later", "sub"), { recursive: true });
      // Written at once, racing the new folder's watch: the index must still get it.
      writeFileSync(join(root, "later", "sub", "late_file.ts"), "");
      await eventually(async () => (await paths("later", root)).includes("later/sub"));
      writeFileSync(join(root, "later", "sub", "later_still.ts"), "");
      writeFileSync(join(root, "was_empty", "now_full.ts"), "");
      await eventually(async () => {
        const found = await paths("ts", root);
        return ["later/sub/late_file.ts", "later/sub/later_still.ts", "was_empty/now_full.ts"].every((p) => found.includes(p));
      });
    });

    it("ignores what the ignore rules ignore", async () => {
      writeFileSync(join(root, "noise.log"), "");
      mkdirSync(join(root, "out"));
      writeFileSync(join(root, "out", "artifact.js"), "");
      writeFileSync(join(root, "sentinel_after.ts"), "");
      // The sentinel was written last: once it is listed, the events before it have been seen.
      await eventually(async () => (await paths("sentinel", root)).includes("sentinel_after.ts"));
      expect(await paths("noise", root)).toEqual([]);
      expect(await paths("artifact", root)).toEqual([]);
      expect(changes.map((c) => c.path)).not.toContain("noise.log");
    });
  });
}

describe("running out of inotify watches", () => {
  it("degrades to periodic rescans with a warning, never a crash", async () => {
    const root = makeTree({ "a.txt": "" });
    trees.push(root);
    const index = finder.openRoot(root);
    await index.watching;
    const chokidar = index.treeWatcher!.chokidar;
    // The kernel limit cannot be lowered for this test alone (it is system-wide): deliver the
    // error chokidar gets from fs.watch when inotify is exhausted.
    chokidar.emit("error", Object.assign(new Error("ENOSPC: System limit for number of file watchers reached"), { code: "ENOSPC" }));
    expect(index.degraded).toBe(true);
    expect(warnings.some((w) => w.includes("ENOSPC") && w.includes(root))).toBe(true);
    writeFileSync(join(root, "after_limit.txt"), "");
    await eventually(async () => (await paths("afterlimit", root)).includes("after_limit.txt"));
    rmSync(join(root, "a.txt"));
    await eventually(async () => !(await paths("a.txt", root)).includes("a.txt"));
  });
});

describe("a root that is a subfolder of a git work tree", () => {
  it("keeps every file and folder through the watcher's catch-up rescan", async () => {
    const repo = gitRepo({ "pkg/package.json": "{}", "pkg/src/a.ts": "", "pkg/src/b.ts": "", "other/x.ts": "" });
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "init");
    trees.push(repo);
    const root = join(repo, "pkg");
    const index = finder.openRoot(root);
    const changes: FileIndexChange[] = [];
    index.onChange((ev) => changes.push(ev));
    await index.ready;
    const listed = index.paths({ directories: true }).sort();
    expect(listed).toEqual(["package.json", "src", "src/a.ts", "src/b.ts"]);
    await index.watching; // includes one rescan, diffed against the first listing
    await index.rescan();
    expect(index.paths({ directories: true }).sort()).toEqual(listed);
    expect(changes).toEqual([]);
  });
});
