import { afterAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { git, gitRepo, removeTree } from "./helpers.js";

const trees: string[] = [];
afterAll(() => {
  for (const t of trees) removeTree(t);
});

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
});
