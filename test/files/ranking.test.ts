import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import {
  BONUS_BOUNDARY,
  BONUS_CAMEL_123,
  BONUS_CONSECUTIVE,
  BONUS_FIRST_CHAR_MULTIPLIER as MULT,
  BONUS_NON_WORD,
  fuzzyScore,
  prefixScore,
  SCORE_GAP_EXTENSION as GAP_EXT,
  SCORE_GAP_START as GAP_START,
  SCORE_MATCH as MATCH,
  suffixScore,
  equalScore,
  useScheme,
} from "../../src/files/fuzzy-score.js";
import { extendsQuery, parseQuery, scorePath } from "../../src/files/query.js";
import { makeTree, removeTree } from "./helpers.js";

function score(query: string, path: string, positions: number[] | null = null, isDir = false): number {
  const bytes = new TextEncoder().encode(path);
  return scorePath(parseQuery(query), "utf8", bytes, 0, bytes.length, path.lastIndexOf("/") + 1, isDir, positions);
}

/** The ranking the finder applies: score, then shorter path, then path. */
function rank(query: string, paths: string[]): string[] {
  return paths
    .map((p) => ({ p, s: score(query, p) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => b.s - a.s || a.p.length - b.p.length || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0))
    .map((x) => x.p);
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/** fzf's FuzzyMatchV2 on one text: score and the matched span [start, end). */
function fuzzy(text: string, pattern: string, caseSensitive = false): { score: number; start: number; end: number } {
  const positions: number[] = [];
  const t = utf8(text);
  const s = fuzzyScore(t, 0, t.length, utf8(caseSensitive ? pattern : pattern.toLowerCase()), caseSensitive, positions);
  return { score: s, start: s < 0 ? -1 : Math.min(...positions), end: s < 0 ? -1 : Math.max(...positions) + 1 };
}

describe("fzf 0.32+ scoring (the expectations of fzf's algo_test.go)", () => {
  const WHITE = BONUS_BOUNDARY + 2;
  const DELIMITER = BONUS_BOUNDARY + 1;

  it("scores by character class in the default scheme: after whitespace, after a delimiter, camelCase, digits", () => {
    useScheme("default");
    try {
      const cases: Array<[string, string, number, number, number]> = [
        ["fooBarbaz1", "oBZ", 2, 9, MATCH * 3 + BONUS_CAMEL_123 + GAP_START + GAP_EXT * 3],
        ["foo bar baz", "fbb", 0, 9, MATCH * 3 + WHITE * MULT + WHITE * 2 + 2 * GAP_START + 4 * GAP_EXT],
        ["/AutomatorDocument.icns", "rdoc", 9, 13, MATCH * 4 + BONUS_CAMEL_123 + BONUS_CONSECUTIVE * 2],
        ["/man1/zshcompctl.1", "zshc", 6, 10, MATCH * 4 + DELIMITER * MULT + DELIMITER * 3],
        ["/.oh-my-zsh/cache", "zshc", 8, 13, MATCH * 4 + BONUS_BOUNDARY * MULT + BONUS_BOUNDARY * 2 + GAP_START + DELIMITER],
        ["ab0123 456", "12356", 3, 10, MATCH * 5 + BONUS_CONSECUTIVE * 3 + GAP_START + GAP_EXT],
        ["abc123 456", "12356", 3, 10, MATCH * 5 + BONUS_CAMEL_123 * MULT + BONUS_CAMEL_123 * 2 + BONUS_CONSECUTIVE + GAP_START + GAP_EXT],
        ["foo/bar/baz", "fbb", 0, 9, MATCH * 3 + WHITE * MULT + DELIMITER * 2 + 2 * GAP_START + 4 * GAP_EXT],
        ["fooBarBaz", "fbb", 0, 7, MATCH * 3 + WHITE * MULT + BONUS_CAMEL_123 * 2 + 2 * GAP_START + 2 * GAP_EXT],
        ["foo barbaz", "fbb", 0, 8, MATCH * 3 + WHITE * MULT + WHITE + GAP_START * 2 + GAP_EXT * 3],
        ["fooBar Baz", "foob", 0, 4, MATCH * 4 + WHITE * MULT + WHITE * 3],
        ["xFoo-Bar Baz", "foo-b", 1, 6, MATCH * 5 + BONUS_CAMEL_123 * MULT + BONUS_CAMEL_123 * 2 + BONUS_NON_WORD + BONUS_BOUNDARY],
      ];
      for (const [text, pattern, start, end, want] of cases) expect(fuzzy(text, pattern), `${pattern} / ${text}`).toEqual({ score: want, start, end });
      expect(fuzzy("fooBarbaz1", "oBZ", true).score).toBe(-1);
      expect(fuzzy("fooBarbaz1", "oBz", true)).toEqual({ score: MATCH * 3 + BONUS_CAMEL_123 + GAP_START + GAP_EXT * 3, start: 2, end: 9 });
    } finally {
      useScheme("path");
    }
  });

  it("uses the path scheme for paths: `/` the only delimiter, the start of a path counts as after one", () => {
    expect(fuzzy("foo/bar/baz", "fbb").score).toBe(MATCH * 3 + DELIMITER * MULT + DELIMITER * 2 + 2 * GAP_START + 4 * GAP_EXT);
    // Whitespace and other punctuation are plain word boundaries here.
    expect(fuzzy("foo bar", "fb").score).toBe(MATCH * 2 + DELIMITER * MULT + BONUS_BOUNDARY + GAP_START + 2 * GAP_EXT);
    expect(fuzzy("a:b", "b").score).toBe(MATCH + BONUS_BOUNDARY * MULT);
  });

  it("lets ^ and $ skip leading and trailing whitespace, as fzf does, unless the pattern has it", () => {
    const t = utf8("  notes.txt  ");
    expect(prefixScore(t, 0, t.length, utf8("notes"), false, null)).toBeGreaterThan(0);
    expect(suffixScore(t, 0, t.length, utf8(".txt"), false, null)).toBeGreaterThan(0);
    expect(equalScore(t, 0, t.length, utf8("notes.txt"), false, null)).toBeGreaterThan(0);
    expect(prefixScore(t, 0, t.length, utf8(" notes"), false, null)).toBe(-1);
    expect(score("^notes .txt$", "  notes.txt  ")).toBeGreaterThan(0);
  });

});

/**
 * One finder for a describe block, and `tree(paths)`: a throwaway folder of empty files at those
 * paths, removed after the block. `finder()` is the block's finder once beforeAll has run.
 */
function finderOverTrees(): { tree: (paths: string[]) => string; finder: () => FileFinder } {
  let finder: FileFinder;
  const trees: string[] = [];
  beforeAll(() => {
    finder = new FileFinder({ watch: false, threads: 2 });
  });
  afterAll(async () => {
    await finder.close();
    for (const t of trees) removeTree(t);
  });
  const tree = (paths: string[]) => {
    const root = makeTree(Object.fromEntries(paths.map((p) => [p, ""])));
    trees.push(root);
    return root;
  };
  return { tree, finder: () => finder };
}

describe("the finder on real trees", () => {
  const { tree, finder } = finderOverTrees();
  const find = async (root: string, query: string) => (await finder().find(query, [root], { limit: 10 })).results.map((r) => (r.matchType === "directory" ? `${r.path}/` : r.path));

  it("matches accented Latin letters by their base letter (naive finds naïve), both ways", async () => {
    const root = tree(["docs/naïve-bayes.md", "menu/CAFÉ.txt", "docs/other.md"]);
    expect((await find(root, "naive"))[0]).toBe("docs/naïve-bayes.md");
    expect((await find(root, "CAFE"))[0]).toBe("menu/CAFÉ.txt");
    const hit = (await finder().find("bayes naive", [root])).results[0]!;
    expect(hit.indices.map((i) => hit.path[i]).join("")).toBe("naïvebayes");
  });

  it("puts a file named by the last term before the folder of that name", async () => {
    const root = tree(["src/parser/parser.ts", "src/parser/lexer.ts", "src/parser/nodes.ts", "test/parser/cases.test.ts"]);
    const got = await find(root, "parser");
    expect(got[0]).toBe("src/parser/parser.ts");
    expect(got.indexOf("src/parser/")).toBeLessThan(got.indexOf("src/parser/lexer.ts"));
    // An index file is named by its folder.
    const pkg = tree(["hono/middleware/cors/index.js", "hono/middleware/cors/README.md", "hono/cors-helpers.js"]);
    expect((await find(pkg, "hono cors"))[0]).toBe("hono/middleware/cors/index.js");
  });

  it("ranks folders as files only when the query names them or ends with /", async () => {
    const root = tree(["drivers/net/ethernet/intel/e100.c", "drivers/net/ethernet/intel/Kconfig", "fs/ext4/acl.c", "fs/ext4/inode.c"]);
    expect((await find(root, "drivers/net/ethernet/intel/"))[0]).toBe("drivers/net/ethernet/intel/");
    expect((await find(root, "fs/ext4"))[0]).toBe("fs/ext4/");
    // Not named (the query's last word is deeper than the folder): files first.
    const got = await find(root, "ethernet kconfig");
    expect(got[0]).toBe("drivers/net/ethernet/intel/Kconfig");
    expect(got.filter((p) => p.endsWith("/"))).toEqual([]);
  });

  it("puts a name made of all the terms before terms spread over folders", async () => {
    const root = tree(["lib/http/client.c", "lib/http/http_client.c", "lib/http/server.c"]);
    expect((await find(root, "http client"))[0]).toBe("lib/http/http_client.c");
  });

  it("puts a term that is a whole segment before a prefix of a longer one, even on a longer path", async () => {
    const root = tree(["src/fs/vfs/inode.c", "fs/vfsx/inode.c"]);
    expect((await find(root, "vfs inode"))[0]).toBe("src/fs/vfs/inode.c");
  });

  it("puts a path whose tail the terms spell before the terms spread over a longer path", async () => {
    // Linux 6.1 paths: mlx5's sf/dev/dev.c is a folder's main file (two whole `dev` segments), yet
    // `net core dev` spells net/core/dev.c. Two terms count only as the whole path: `x86 entry_64`
    // still wants arch/x86/entry/entry_64.S, not the shorter-tailed Documentation/x86/entry_64.rst.
    const root = tree([
      "net/core/dev.c",
      "net/core/dev_ioctl.c",
      "drivers/net/ethernet/mellanox/mlx5/core/sf/dev/dev.c",
      "arch/x86/entry/entry_64.S",
      "Documentation/x86/entry_64.rst",
      "mm/page_alloc.c",
      "tools/testing/selftests/mm/page_alloc.c",
    ]);
    expect((await find(root, "net core dev"))[0]).toBe("net/core/dev.c");
    expect((await find(root, "x86 entry_64"))[0]).toBe("arch/x86/entry/entry_64.S");
    expect((await find(root, "mm page_alloc"))[0]).toBe("mm/page_alloc.c");
  });

  it("breaks ties by shorter path, then fewer folders, then own over vendored, visible over hidden; tests go below", async () => {
    const root = tree(["lib/x/util.c", "libxx/util.c", "test/util.c", "uart/util.c", "vendor/lru.c", "widget/lru.c", ".cache/io.c", "zzzzzz/io.c", "src/lru_cache.c"]);
    expect(await find(root, "util")).toEqual(["uart/util.c", "libxx/util.c", "lib/x/util.c", "test/util.c"]);
    expect(await find(root, "io.c")).toEqual(["zzzzzz/io.c", ".cache/io.c"]);
    // Only tie-breaks: the vendored file named `lru` still beats the project's lru_cache.c.
    expect(await find(root, "lru")).toEqual(["widget/lru.c", "vendor/lru.c", "src/lru_cache.c"]);
  });
});

describe("general ranking rules, on real paths (issue 21's principles)", () => {
  const { tree, finder } = finderOverTrees();
  const first = async (root: string, query: string) => {
    const r = (await finder().find(query, [root], { limit: 10 })).results[0]!;
    return r.matchType === "directory" ? `${r.path}/` : r.path;
  };
  // Linux 6.1, hono and jest paths.
  const hono = ["src/router.ts", "src/router/reg-exp-router/router.ts", "src/router/reg-exp-router/index.ts", "src/router/trie-router/router.ts", "src/router/smart-router/router.ts", "src/router/linear-router/router.ts", "src/router/pattern-router/router.ts", "src/hono.ts"];
  const jest = [
    "e2e/runJest.ts",
    "e2e/__tests__/version.test.ts",
    "packages/jest-core/src/runJest.ts",
    "packages/jest-core/src/version.ts",
    "packages/jest-config/src/normalize.ts",
    "packages/jest-config/src/__tests__/normalize.test.ts",
    "packages/test-utils/src/normalizeIcons.ts",
    "packages/jest-reporters/src/CoverageReporter.ts",
    "packages/jest-reporters/src/__tests__/CoverageReporter.test.js",
    "e2e/__tests__/coverageReport.test.ts",
    "website/static/img/content/feature-coverage.png",
  ];

  it("folder words, then a file word: the named file in those folders beats a name holding all the words", async () => {
    const root = tree(["kernel/sched/core.c", "kernel/sched/core_sched.c", "net/ipv4/tcp.c", "net/ipv4/tcp_ipv4.c", "fs/nfs/pnfs.c", "fs/nfs/pnfs_nfs.c"]);
    expect(await first(root, "sched core")).toBe("kernel/sched/core.c");
    expect(await first(root, "ipv4 tcp")).toBe("net/ipv4/tcp.c");
    expect(await first(root, "nfs pnfs")).toBe("fs/nfs/pnfs.c");
  });

  it("the canonical copy of a name: the shallowest one, not one inside a folder of that name, nor a test's", async () => {
    expect(await first(tree(hono), "router")).toBe("src/router.ts");
    const root = tree(jest);
    expect(await first(root, "runJest")).toBe("packages/jest-core/src/runJest.ts");
    expect(await first(root, "version")).toBe("packages/jest-core/src/version.ts");
  });

  it("intent words: test or spec asks for the test file, and without them source comes first", async () => {
    const root = tree(jest);
    expect(await first(root, "normalize test")).toBe("packages/jest-config/src/__tests__/normalize.test.ts");
    expect(await first(root, "normalize")).toBe("packages/jest-config/src/normalize.ts");
  });

  it("abbreviations: the starts of a camelCase or kebab-case name's words beat letters scattered over folders", async () => {
    expect(await first(tree(jest), "covrep")).toBe("packages/jest-reporters/src/CoverageReporter.ts");
    const root = tree(["drivers/ata/libata-transport.c", "tools/lib/traceevent/libtraceevent.pc.template", "drivers/ata/libata-trace.c"]);
    expect(await first(root, "libtran")).toBe("drivers/ata/libata-transport.c");
  });

  it("a name that is the words and nothing else beats longer names that start with them", async () => {
    // eslint 9's paths.
    const root = tree(["lib/languages/js/source-code/source-code.js", "lib/linter/source-code-fixer.js", "lib/linter/source-code-visitor.js", "lib/linter/source-code-traverser.js"]);
    expect(await first(root, "source code")).toBe("lib/languages/js/source-code/source-code.js");
  });

  it("the empty query lists files before folders", async () => {
    const got = (await finder().find("", [tree(hono)], { limit: 3 })).results;
    expect(got.map((r) => r.matchType)).toEqual(["file", "file", "file"]);
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
