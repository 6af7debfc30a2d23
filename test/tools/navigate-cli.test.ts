// `codeintel hover|definition|references|symbols|diagnostics` as a user runs them:
// a real process, real servers, and nothing left running after it exits.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { splitPosition } from "../../src/cli/navigate.js";
import { bin } from "../support/compiled.js";
import { processesWithEnv } from "../support/processes.js";
import { copyFixtures, removeTree } from "../support/tree.js";

const dir = copyFixtures("ts");
const project = join(dir, "ts");
const tag = `codeintel-cli-test-${process.pid}-${Date.now()}`;
afterAll(() => removeTree(dir));

function cli(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: project, encoding: "utf8", env: { ...process.env, CODEINTEL_TEST_TAG: tag }, timeout: 120_000 });
}

/** Processes still running that inherited this test's tag: language servers the CLI left behind. */
function taggedProcesses(): number[] {
  return processesWithEnv("CODEINTEL_TEST_TAG", tag);
}

describe("codeintel navigation commands", () => {
  it("parses FILE:LINE:COL", () => {
    expect(splitPosition("src/a.ts:12:7")).toEqual({ file: "src/a.ts", line: 12, column: 7 });
    expect(splitPosition("src/a.ts:12")).toEqual({ file: "src/a.ts", line: 12, column: undefined });
    expect(splitPosition("src/a.ts")).toEqual({ file: "src/a.ts", line: undefined, column: undefined });
  });

  it("prints help for each command", () => {
    for (const c of ["hover", "definition", "references", "symbols", "diagnostics"]) {
      const r = cli(c, "--help");
      expect(r.status).toBe(0);
      expect(r.stdout).toContain("FILE:LINE[:COL]");
    }
  });

  it("references by symbol, as text, and exits leaving no server running", () => {
    const r = cli("references", "src/shapes.ts", "--symbol", "totalArea");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("3 references for `totalArea` (src/shapes.ts:24:17) in 2 files");
    expect(taggedProcesses()).toEqual([]);
  });

  it("hover FILE:LINE:COL --json and definition", () => {
    const hover = cli("hover", "src/main.ts:6:20", "--json");
    expect(hover.status).toBe(0);
    expect(JSON.parse(hover.stdout).contents).toContain("totalArea(shapes: Shape[]): number");
    const def = cli("definition", "src/main.ts:6:20");
    expect(def.stdout).toContain("src/shapes.ts (1)\n  24:17");
  });

  it("symbols FILE lists the outline; symbols QUERY searches the workspace", () => {
    expect(cli("symbols", "src/shapes.ts").stdout).toContain("7: class Circle");
    const search = cli("symbols", "Square");
    expect(search.status).toBe(0);
    expect(search.stdout).toMatch(/src\/shapes.ts \(\d+\)\n {2}15:\d+ class Square/);
    expect(cli("diagnostics", "src/main.ts").stdout.trim()).toBe("src/main.ts: no problems");
  });

  it("reports bad input with a message and a non-zero exit", () => {
    const missing = cli("hover", "src/nope.ts:1");
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/\[not_found\].*does not exist/);
    const past = cli("hover", "src/main.ts:400");
    expect(past.stderr).toMatch(/\[invalid_input\] line 400 is past the end/);
    const usage = cli("hover", "src/main.ts");
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("give FILE:LINE[:COL] or --symbol NAME");
    expect(taggedProcesses()).toEqual([]);
  });
});
