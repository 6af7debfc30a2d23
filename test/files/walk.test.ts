import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { IgnoreMatcher } from "../../src/workspace/ignore.js";
import { planWalk, walkFolders, walkTree } from "../../src/workspace/walk.js";
import { git, makeTree, removeTree } from "./helpers.js";

const roots: string[] = [];
afterAll(() => roots.forEach(removeTree));

// Exercises every gitignore feature the walker implements; git is the oracle.
const fixture: Record<string, string> = {
  ".gitignore": ["*.log", "!keep.log", "/build/", "tmp*/", "docs/**/draft-*.md", "\\#literal", "# a comment", "trailing-space-file   ", "[abc]x.txt", "**/gen/out", "cache/**"].join("\n"),
  "a.txt": "", "keep.log": "", "drop.log": "", "#literal": "", "ax.txt": "", "dx.txt": "", "trailing-space-file": "",
  "build/x.c": "", "src/build/y.c": "", "tmp1/z": "", "tmpfile": "",
  "docs/readme.md": "", "docs/a/b/draft-1.md": "", "docs/final.md": "",
  "src/.gitignore": "*.o\n!important.o\nlocal/\n/rooted.txt\n", "src/main.c": "", "src/main.o": "", "src/important.o": "",
  "src/local/q.c": "", "src/rooted.txt": "", "src/sub/rooted.txt": "", "src/sub/deep/gen/out": "", "gen/out": "",
  "cache/x": "", ".hidden/file": "", ".env": "",
  "pkg/.gitignore": "*\n!*.ts\n!*/\n", "pkg/a.ts": "", "pkg/a.js": "", "pkg/inner/b.ts": "", "pkg/inner/b.js": "",
};

function gitListing(root: string): string[] {
  const out = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: root });
  return out.toString("utf8").split("\0").filter(Boolean).sort();
}

describe("walkTree", () => {
  it("lists exactly what git ls-files -co --exclude-standard lists, nested ignore files included", () => {
    const root = makeTree(fixture);
    roots.push(root);
    git(root, "init", "-q");
    const files = walkTree(root, { ignoreFiles: [".gitignore"] }).entries.filter((e) => !e.dir).map((e) => e.path).sort();
    const expected = gitListing(root);
    expect(expected).toContain("keep.log");
    expect(expected).not.toContain("drop.log");
    expect(files).toEqual(expected);
  });

  it("gives the same entries when split into a plan and work items (as the parallel walk does)", () => {
    const root = makeTree(fixture);
    roots.push(root);
    const whole = walkTree(root).entries.map((e) => `${e.path}:${e.dir}`).sort();
    for (const levels of [1, 2, 3]) {
      const plan = planWalk(root, levels);
      const rest = structuredClone(plan.pending).flatMap((item) => walkFolders(root, [item]).entries);
      const split = [...plan.entries, ...rest].map((e) => `${e.path}:${e.dir}`).sort();
      expect(split, `levels ${levels}`).toEqual(whole);
    }
  });

  it("agrees with git on symlink cycles and non-UTF-8 names, and survives both", () => {
    const root = makeTree({ "a/file.txt": "", ".gitignore": "" });
    roots.push(root);
    symlinkSync("..", join(root, "a", "loop"));
    symlinkSync(root, join(root, "self"));
    writeFileSync(Buffer.concat([Buffer.from(root + "/"), Buffer.from([0x6e, 0xff, 0xfe, 0x2e, 0x74])]), "");
    mkdirSync(Buffer.concat([Buffer.from(root + "/"), Buffer.from([0x64, 0xe9])]));
    writeFileSync(Buffer.concat([Buffer.from(root + "/"), Buffer.from([0x64, 0xe9, 0x2f, 0x69, 0x6e, 0x2e, 0x63])]), "");
    git(root, "init", "-q");
    const result = walkTree(root, { ignoreFiles: [".gitignore"] });
    const files = result.entries.filter((e) => !e.dir).map((e) => e.path).sort();
    expect(files).toEqual(gitListing(root));
    expect(files).toContain("a/loop");
    expect(files.some((f) => f.includes("\uFFFD/in.c"))).toBe(true);
    expect(result.errors).toEqual([]);
  });

  it("follows a symlinked folder inside the root as a folder; not one outside, above it, or followed already", () => {
    const root = makeTree({ "src/lib/util.ts": "", "docs/a.md": "" });
    const outside = makeTree({ "secret.txt": "" });
    roots.push(root, outside);
    symlinkSync("src/lib", join(root, "lib"));
    symlinkSync("../src/lib", join(root, "docs", "lib-again")); // the same target: followed once
    symlinkSync(outside, join(root, "out"));
    symlinkSync("../..", join(root, "src", "lib", "up")); // the root, from inside: a cycle
    const entries = walkTree(root).entries;
    const dirs = entries.filter((e) => e.dir).map((e) => e.path).sort();
    const files = entries.filter((e) => !e.dir).map((e) => e.path).sort();
    expect(dirs).toEqual(["docs", "lib", "src", "src/lib"]);
    expect(files).toEqual(["docs/a.md", "docs/lib-again", "lib/up", "lib/util.ts", "out", "src/lib/up", "src/lib/util.ts"]);
  });

  it("honours .ignore files by default and can skip hidden entries", () => {
    const root = makeTree({ ".ignore": "secret/\n", "secret/x": "", "open/y": "", ".dot/z": "" });
    roots.push(root);
    const all = walkTree(root).entries.map((e) => e.path);
    expect(all).not.toContain("secret/x");
    expect(all).toContain("open/y");
    expect(all).toContain(".dot/z");
    expect(all).toContain("open");
    const visible = walkTree(root, { hidden: false }).entries.map((e) => e.path);
    expect(visible).not.toContain(".dot/z");
  });

  it("reports unreadable folders and keeps walking", () => {
    const root = makeTree({ "ok/a.txt": "", "locked/b.txt": "", "z/c.txt": "" });
    roots.push(root);
    chmodSync(root, 0o755);
    chmodSync(join(root, "locked"), 0o000);
    try {
      const script = `import(${JSON.stringify(new URL("../../dist/src/workspace/walk.js", import.meta.url).href)}).then((m) => {
        const r = m.walkTree(${JSON.stringify(root)});
        process.stdout.write(JSON.stringify({ paths: r.entries.map((e) => e.path), errors: r.errors }));
      })`;
      // chmod 000 does not stop root: walk as an unprivileged user then, so the error path really runs.
      const asRoot = process.getuid?.() === 0;
      const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { paths: string[]; errors: Array<{ path: string; code: string }> };
      expect(out.paths).toContain("ok/a.txt");
      expect(out.paths).toContain("z/c.txt");
      expect(out.paths).not.toContain("locked/b.txt");
      expect(out.errors).toEqual([expect.objectContaining({ path: "locked", code: "EACCES" })]);
    } finally {
      chmodSync(join(root, "locked"), 0o755);
    }
  });

  it("stops when aborted", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) files[`d${i % 30}/f${i}`] = "";
    const root = makeTree(files);
    roots.push(root);
    const controller = new AbortController();
    controller.abort();
    const r = walkTree(root, { signal: controller.signal });
    expect(r.aborted).toBe(true);
    expect(r.entries.length).toBeLessThan(3030);
  });
});

describe("IgnoreMatcher", () => {
  it("answers like the walker for paths deep in the tree", () => {
    const root = makeTree(fixture);
    roots.push(root);
    const m = new IgnoreMatcher(root, { ignoreFiles: [".gitignore"] });
    expect(m.ignores("src/main.o", false)).toBe(true);
    expect(m.ignores("src/important.o", false)).toBe(false);
    expect(m.ignores("src/local/q.c", false)).toBe(true);
    expect(m.ignores("build/x.c", false)).toBe(true);
    expect(m.ignores("src/build/y.c", false)).toBe(false);
    expect(m.ignores("pkg/inner/b.js", false)).toBe(true);
    expect(m.ignores("pkg/inner/b.ts", false)).toBe(false);
    expect(m.ignores(".git/config", false)).toBe(true);
  });
});
