// The `codeintel index` process under stress: kill -9 mid-run then a restart, and two
// processes indexing into the same cache at once. Real CLI processes (compiled), real servers.
import Database from "better-sqlite3";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { symbolDatabasePath } from "../../src/symbols/cache-location.js";
import { compiled, runCli } from "../support/compiled.js";
import { eventually } from "../support/eventually.js";
import { widgetProject } from "./helpers.js";

const FILES = 240;
let root: string;
let cacheDir: string;
let cleanup: () => void;
const started: ChildProcess[] = [];

beforeAll(() => {
  compiled("src/cli/index-command.js");
  ({ root, cacheDir, cleanup } = widgetProject("reliability", FILES));
});

afterAll(() => {
  // Language servers of a killed CLI are in its process group: end that group, which we started.
  for (const child of started) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  cleanup();
});

function index(extra: string[] = []): ReturnType<typeof runCli> {
  const run = runCli(["index", "--root", root, "--cache-dir", cacheDir, "--json", ...extra], { detached: true });
  started.push(run.child);
  return run;
}

/** Files a language server has answered (the syntactic pass's rows are tier 'syntax'). */
function okFiles(): number {
  try {
    const db = new Database(symbolDatabasePath(root, cacheDir), { readonly: true, timeout: 5000 });
    try {
      return (db.prepare("SELECT count(*) AS n FROM files WHERE status = 'ok' AND tier = 'lsp'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet
  }
}

describe("codeintel index under stress", () => {
  it("survives kill -9 mid-run and resumes without redoing finished files", async () => {
    const first = index();
    await eventually(() => okFiles() >= 40, "40 files indexed", 90_000);
    first.child.kill("SIGKILL");
    await first.done;
    const db = new Database(symbolDatabasePath(root, cacheDir));
    expect((db.pragma("integrity_check") as { integrity_check: string }[])[0]!.integrity_check).toBe("ok");
    const finished = (db.prepare("SELECT count(*) AS n FROM files WHERE status = 'ok' AND tier = 'lsp'").get() as { n: number }).n;
    db.close();
    expect(finished).toBeGreaterThanOrEqual(40);
    expect(finished).toBeLessThan(FILES + 1);

    const second = index();
    const result = await second.done;
    expect(result.code, result.err).toBe(0);
    const summary = JSON.parse(result.out) as { total: number; skipped: number; indexed: number; failed: number };
    expect(summary.total).toBe(FILES + 1);
    expect(summary.failed).toBe(0);
    expect(summary.skipped).toBeGreaterThanOrEqual(finished);
    expect(summary.indexed).toBe(FILES + 1 - summary.skipped);
    expect(okFiles()).toBe(FILES + 1);
  });

  it("two processes indexing the same cache at once: no lock errors, a complete index", async () => {
    const more = join(root, "src", "more");
    mkdirSync(more, { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(join(more, `extra${i}.ts`), `export const extraValue${i} = ${i};\nexport function extraFunction${i}() { return ${i}; }\n`);
    const a = index();
    const b = index();
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.err + rb.err).not.toMatch(/locked|SQLITE_BUSY/i);
    expect([ra.code, rb.code]).toEqual([0, 0]);
    expect(okFiles()).toBe(FILES + 41);
    const db = new Database(symbolDatabasePath(root, cacheDir), { readonly: true });
    expect((db.pragma("integrity_check") as { integrity_check: string }[])[0]!.integrity_check).toBe("ok");
    const dupes = db.prepare("SELECT count(*) AS n FROM (SELECT file_id, name, start_line FROM symbols GROUP BY 1, 2, 3 HAVING count(*) > 1)").get() as { n: number };
    expect(dupes.n).toBe(0);
    db.close();
  });
});
