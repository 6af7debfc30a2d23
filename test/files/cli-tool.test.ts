import { spawnSync } from "node:child_process";
import { mkdtempSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { finderSearchProvider } from "../../src/adapters/finder-file-search.js";
import { FileFinder } from "../../src/files/finder.js";
import { createFindFilesTool } from "../../src/tools/find-files.js";
import { ToolError } from "../../src/core/tool.js";
import { bin } from "../support/compiled.js";
import { git, gitRepo, makeTree, removeTree } from "./helpers.js";

let repo: string;
let other: string;

beforeAll(() => {
  repo = realpathSync(gitRepo({ "README.md": "", "docs/guide/README.md": "", "src/index.ts": "" }));
  git(repo, "add", "-A");
  other = realpathSync(makeTree({ "lib/readme_parser.py": "" }));
});
afterAll(() => [repo, other].forEach(removeTree));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, "find", ...args], { encoding: "utf8", cwd: repo });
}

describe("codeintel find", () => {
  it("prints ranked paths, one per line, from the current folder by default", () => {
    const r = cli("readme");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["README.md", "docs/guide/README.md"]);
  });

  it("prints result objects with --json, across several roots, honouring --limit", () => {
    const r = cli("readme", "--root", repo, "--root", other, "--json", "--limit", "2", "--files-only");
    expect(r.status, r.stderr).toBe(0);
    const results = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(results).toHaveLength(2);
    expect(results[0]).toEqual({ root: repo, path: "README.md", fileName: "README.md", matchType: "file", score: expect.any(Number), indices: [0, 1, 2, 3, 4, 5] });
  });

  it("explains every option in --help", () => {
    const r = cli("--help");
    expect(r.status).toBe(0);
    for (const opt of ["--root", "--limit", "--json", "--files-only", "QUERY"]) expect(r.stdout).toContain(opt);
  });

  it("exits 2 on bad usage and 1 with a clear message on a bad root", () => {
    expect(cli().status).toBe(2);
    expect(cli("x", "--limit", "zero").status).toBe(2);
    expect(cli("x", "--bogus").stderr).toContain("unknown option '--bogus'");
    const r = cli("x", "--root", "/no/such/folder");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("codeintel find: root '/no/such/folder' does not exist");
  });
});

describe("codeintel find --no-daemon", () => {
  it("loads none of the language servers' code, SQLite or tree-sitter: a file search needs only the finder", () => {
    // A preload that names, at exit, the CommonJS packages the process loaded (ESM imports of them land in the same cache).
    const probe = join(mkdtempSync(join(tmpdir(), "ci-find-probe-")), "loaded.cjs");
    const heavy = /node_modules\/(vscode-languageserver[^/]*|vscode-jsonrpc|better-sqlite3|web-tree-sitter)\//;
    writeFileSync(probe, `process.on("exit", () => process.stderr.write("LOADED " + JSON.stringify(Object.keys(require.cache).filter((k) => ${heavy}.test(k))) + "\\n"));\n`);
    const r = spawnSync(process.execPath, ["--require", probe, bin, "find", "readme", "--no-daemon"], { encoding: "utf8", cwd: repo });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["README.md", "docs/guide/README.md"]);
    expect(r.stderr).toContain("LOADED []");
    // The probe sees them when they load: hover, in-process too, loads the language servers' code.
    const hover = spawnSync(process.execPath, ["--require", probe, bin, "hover", join(repo, "src/index.ts"), "--symbol", "x", "--no-daemon"], { encoding: "utf8", cwd: repo });
    expect(hover.stderr).toMatch(/LOADED \[".*vscode-languageserver-protocol/);
  }, 120_000);
});

describe("find_files tool", () => {
  it("answers with structured results and compact text, grouped by root when there are several", async () => {
    const finder = new FileFinder({ watch: false });
    try {
      const tool = createFindFilesTool({ search: finderSearchProvider(finder, [repo, other]) });
      const ctx = { signal: new AbortController().signal };
      const one = await tool.run({ query: "readme", roots: [repo], limit: 1 }, ctx);
      expect(one.structured).toMatchObject({ query: "readme", total: 2, truncated: true, results: [{ path: "README.md" }] });
      expect(one.text).toBe("2 matches for 'readme' (showing the best 1):\nREADME.md");
      const both = await tool.run({ query: "readme" }, ctx);
      expect(both.text).toContain(`${repo}:\n  README.md`);
      expect(both.text).toContain(`${other}:\n  lib/readme_parser.py`);
      await expect(tool.run({ query: "x", roots: ["/etc"] }, ctx)).rejects.toBeInstanceOf(ToolError);
      await expect(tool.run({ query: "x", limit: 0 }, ctx)).rejects.toMatchObject({ code: "invalid_input" });
      expect(tool.name).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(tool.annotations.readOnlyHint).toBe(true);
    } finally {
      await finder.close();
    }
  });

  it("maps the engine's errors through the one adapter: a closed finder is 'unavailable', a root outside the project is refused", async () => {
    const finder = new FileFinder({ watch: false });
    const tool = createFindFilesTool({ search: finderSearchProvider(finder, [repo]) });
    const ctx = { signal: new AbortController().signal };
    await expect(tool.run({ query: "x", roots: [other] }, ctx)).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/^root /) });
    await finder.close();
    await expect(tool.run({ query: "readme" }, ctx)).rejects.toMatchObject({ name: "ToolError", code: "unavailable" });
  });
});
