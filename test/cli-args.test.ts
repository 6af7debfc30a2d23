// One strict parser for every command (src/cli/command.ts), seen from the real binary: short
// flags, "did you mean", per-command help, and usage errors (exit 2 with the usage line) where
// the hand-made parsers used to guess, keep the last value or ignore a flag.
import { spawnSync } from "node:child_process";
import { readFileSync, realpathSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { codeintelBuild } from "../src/daemon/locate.js";
import { packageVersion } from "../src/workspace/package-root.js";
import { bin } from "./support/compiled.js";
import { makeTree, removeTree } from "./support/tree.js";

const tree = realpathSync(makeTree({ "README.md": "", "docs/README.md": "", "src/readme.ts": "" }));
afterAll(() => removeTree(tree));

/** The CLI with stdin already closed, so a server that wrongly starts ends at once (exit 0). */
function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: tree, encoding: "utf8", input: "", timeout: 60_000 });
}

describe("codeintel arguments", () => {
  it("takes -n, -r and -j as --limit, --root and --json", () => {
    const r = cli("find", "readme", "-n", "1", "-r", tree, "-j");
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveLength(1);
    const joined = cli("find", "readme", "-jn2");
    expect(JSON.parse(joined.stdout)).toHaveLength(2);
  });

  it("refuses an unknown option with a suggestion and the command's usage line, exit 2", () => {
    const r = cli("find", "readme", "--limt", "5");
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("codeintel find: unknown option '--limt' (did you mean --limit?)");
    expect(r.stderr).toContain("Usage: codeintel find QUERY");
    expect(r.stdout).toBe("");
    expect(cli("symbols", "x", "--contianer", "A").stderr).toContain("(did you mean --container?)");
    expect(cli("fnd", "readme").stderr).toContain("unknown command 'fnd' (did you mean find?)");
  });

  it("refuses a missing value, a value on a switch and a single-valued option given twice", () => {
    const missing = cli("find", "readme", "--root", "--json");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--root needs a value (DIR)");
    expect(cli("find", "readme", "--json=yes").stderr).toContain("--json takes no value");
    const twice = cli("index", "--root", tree, "--root", "/tmp");
    expect(twice.status).toBe(2);
    expect(twice.stderr).toContain("--root given more than once");
    const extra = cli("index", "somewhere");
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain("unexpected argument 'somewhere'");
  });

  it("names the right option when a flag belongs to the other server", () => {
    const http = cli("app-server", "--http", "8765");
    expect(http.status).toBe(2);
    expect(http.stderr).toContain("--http is not an option of codeintel app-server: use --listen ws://HOST:PORT");
    const listen = cli("serve", "--listen", "ws://127.0.0.1:0");
    expect(listen.status).toBe(2);
    expect(listen.stderr).toContain("--listen is not an option of codeintel serve: MCP over HTTP is --http PORT");
    const limit = cli("hover", "src/readme.ts:1", "--limit", "3");
    expect(limit.status).toBe(2);
    expect(limit.stderr).toContain("--limit is not an option of codeintel hover");
  });

  it("prints a command's own help for `help CMD`, --help and -h", () => {
    const find = cli("help", "find");
    expect(find.status).toBe(0);
    expect(find.stdout).toMatch(/^Usage: codeintel find QUERY/);
    expect(find.stdout).toContain("-n, --limit N");
    expect(find.stdout).not.toContain("Commands:");
    expect(cli("find", "-h").stdout).toBe(find.stdout);
    expect(cli("find", "--help").stdout).toBe(find.stdout);
    // After `--` a -h is a query, not a request for help.
    expect(cli("find", "--", "-h").stdout).not.toContain("Usage:");
  });

  it("gives each navigation command its own help text", () => {
    const pages = new Map<string, string>();
    for (const c of ["hover", "definition", "references", "diagnostics", "symbols"]) {
      const r = cli("help", c);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: codeintel ${c} `));
      pages.set(c, r.stdout);
    }
    expect(new Set(pages.values()).size).toBe(5);
    expect(pages.get("hover")).not.toContain("--limit");
    expect(pages.get("diagnostics")).not.toMatch(/^\s*--symbol NAME/m);
    expect(pages.get("hover")).toMatch(/^\s*--symbol NAME/m);
    expect(pages.get("symbols")).toContain("--kind K");
    expect(pages.get("references")).not.toContain("--kind");
  });

  it("prints the version for -V and --version, the one the daemon and the server report", () => {
    const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
    expect(cli("-V").stdout).toBe(`${version}\n`);
    expect(cli("--version").stdout).toBe(`${version}\n`);
    expect(packageVersion()).toBe(version);
    expect(codeintelBuild().version).toBe(version);
  });

  it("says a negative count is wrong, and suggests a count rather than a form that is refused too", () => {
    for (const args of [["find", "readme", "-n", "-1"], ["find", "readme", "--limit", "-1"]]) {
      const r = cli(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${args[2] === "-n" ? "-n (--limit)" : "--limit"} takes a count N, which cannot be negative: got '-1' (e.g. ${args[2]} 10)`);
      expect(r.stderr).not.toContain("--limit=-1");
    }
    // The suggested form works.
    expect(cli("find", "readme", "-n", "10").status).toBe(0);
    // A value that merely starts with '-' (not a count) still gets the inline form.
    expect(cli("find", "readme", "--root", "-x").stderr).toContain("write --root=-x if that is the value");
  });
});
