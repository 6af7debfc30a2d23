import { Fzf } from "fzf";
import { describe, expect, it } from "vitest";
import { fuzzyScore } from "../../src/files/fuzzy-score.js";
import { extendsQuery, parseQuery, scorePath } from "../../src/files/query.js";

function score(query: string, path: string, positions: number[] | null = null): number {
  const bytes = new TextEncoder().encode(path);
  return scorePath(parseQuery(query), "utf8", bytes, 0, bytes.length, path.lastIndexOf("/") + 1, positions);
}

/** The ranking the finder applies: score, then shorter path, then path. */
function rank(query: string, paths: string[]): string[] {
  return paths
    .map((p) => ({ p, s: score(query, p) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || a.p.length - b.p.length || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0))
    .map((x) => x.p);
}

describe("fzf v2 scoring", () => {
  it("gives the npm fzf package's scores and positions for single fuzzy terms", () => {
    const paths = [
      "src/files/fuzzy-score.ts", "Documentation/ABI/README", "README", "drivers/net/ethernet/intel/e1000/e1000_main.c",
      "arch/x86/Kconfig", "fs/ext4/inode.c", "include/linux/kconfig.h", "tools/perf/util/fzf_like.c", "camelCaseFile.ts",
      "a_b-c.d/e", "src/main/java/Main.java", "kernel/configs/tiny.config",
    ];
    for (const query of ["readme", "kconfig", "main", "fzf", "ccf", "abcde", "x86k", "src", "e1000m", "c"]) {
      const fzf = new Fzf(paths, { casing: "case-insensitive", fuzzy: "v2", sort: false });
      const expected = new Map<string, { score: number; positions: number[] }>(
        fzf.find(query).map((e: { item: string; score: number; positions: Set<number> }) => [e.item, { score: e.score, positions: [...e.positions].sort((a, b) => a - b) }]),
      );
      for (const path of paths) {
        const text = new TextEncoder().encode(path);
        const q = new TextEncoder().encode(query);
        const positions: number[] = [];
        const s = fuzzyScore(text, 0, text.length, q, false, positions);
        const want = expected.get(path);
        if (!want) {
          expect(s, `${query} / ${path}`).toBe(-1);
          continue;
        }
        expect(s, `${query} / ${path}`).toBe(want.score);
        expect(positions.sort((a, b) => a - b), `${query} / ${path}`).toEqual(want.positions);
      }
    }
  });
});

describe("path-aware ranking", () => {
  it("puts README before Documentation/ABI/README for `readme`", () => {
    expect(rank("readme", ["Documentation/ABI/README", "README", "fs/qnx4/README", "readme-tools/x.c"]).slice(0, 3)).toEqual([
      "README",
      "fs/qnx4/README",
      "Documentation/ABI/README",
    ]);
  });

  it("ranks a basename match above the same letters spread over folders", () => {
    const ranked = rank("main", ["m/a/i/n/x.c", "lib/main.c", "src/main/x.c"]);
    expect(ranked[0]).toBe("lib/main.c");
    expect(ranked.at(-1)).toBe("m/a/i/n/x.c");
  });

  it("breaks ties by shorter path, then by path", () => {
    expect(rank("util", ["b/util.c", "a/util.c", "util.c", "aa/util.c"])).toEqual(["util.c", "a/util.c", "b/util.c", "aa/util.c"]);
  });

  it("prefers clean folder-boundary matches of several terms over terms smeared over one basename", () => {
    const ranked = rank("drivers net eth intel", ["drivers/gpu/drm/i915/gt/intel_engine_types.h", "drivers/net/ethernet/intel"]);
    expect(ranked[0]).toBe("drivers/net/ethernet/intel");
  });
});

describe("extended syntax", () => {
  const paths = ["src/main.c", "src/main.h", "test/main_test.c", "Makefile", "docs/make.md", "src/Main.java"];
  it("requires every space-separated term", () => {
    expect(rank("src main", paths)).toEqual(["src/main.c", "src/main.h", "src/Main.java"]);
  });
  it("supports 'exact, ^prefix, suffix$, ^equal$, !negation and |", () => {
    expect(rank("'ake", paths).sort()).toEqual(["Makefile", "docs/make.md"]);
    expect(rank("^src", paths)).toEqual(["src/main.c", "src/main.h", "src/Main.java"]);
    expect(rank(".c$", paths)).toEqual(["src/main.c", "test/main_test.c"]);
    expect(rank("^makefile$", paths)).toEqual(["Makefile"]);
    expect(rank("main !test", paths)).toEqual(["src/main.c", "src/main.h", "src/Main.java"]);
    expect(rank("main .h$ | .java$", paths).sort()).toEqual(["src/Main.java", "src/main.h"]);
  });
  it("is case-insensitive in lowercase and case-sensitive as soon as the query has an uppercase letter", () => {
    expect(rank("main", paths)).toContain("src/Main.java");
    expect(rank("Main", paths)).toEqual(["src/Main.java"]);
  });
  it("returns highlight positions that spell the query", () => {
    const positions: number[] = [];
    score("kcfg", "arch/x86/Kconfig", positions);
    expect(positions.sort((a, b) => a - b).map((i) => "arch/x86/Kconfig"[i]).join("").toLowerCase()).toBe("kcfg");
  });
  it("knows when a query only narrows the previous one", () => {
    const ext = (a: string, b: string) => extendsQuery(parseQuery(a), parseQuery(b));
    expect(ext("kc", "kco")).toBe(true);
    expect(ext("src", "src main")).toBe(true);
    expect(ext("!foo", "!foob")).toBe(false);
    expect(ext("kco", "kc")).toBe(false);
    expect(ext("main", "main$")).toBe(true);
    expect(ext("", "anything")).toBe(true);
  });
});
