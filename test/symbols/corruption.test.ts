// A cache whose data pages are damaged (the header intact, so opening it looks fine), through
// the real CLI: `codeintel index` must find the damage, rebuild and exit 0 with a right cache;
// a symbol query must answer right whether or not it touches the damage.
import Database from "better-sqlite3";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { symbolDatabasePath } from "../../src/symbols/cache-location.js";
import { compiled, runCli } from "../support/compiled.js";
import { widgetProject } from "./helpers.js";

const FILES = 120;
let root: string;
let cacheDir: string;
let cleanup: () => void;

beforeAll(() => {
  compiled("src/cli/index-command.js");
  ({ root, cacheDir, cleanup } = widgetProject("corruption", FILES));
});

afterAll(() => cleanup());

const cli = (args: string[]) => runCli(args).done;
const index = () => cli(["index", "--root", root, "--cache-dir", cacheDir, "--json"]);
const dbPath = () => symbolDatabasePath(root, cacheDir);

function integrity(): string {
  const db = new Database(dbPath(), { readonly: true });
  try {
    return (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
  } catch (err) {
    return (err as Error).message; // damage bad enough that the check itself stops
  } finally {
    db.close();
  }
}

/** Overwrites `pages` whole pages starting at page `first` (1-based) with garbage; the header page stays. */
function damagePages(first: number, pages: number): void {
  const bytes = readFileSync(dbPath());
  const pageSize = bytes.readUInt16BE(16);
  for (let i = (first - 1) * pageSize; i < Math.min(bytes.length, (first - 1 + pages) * pageSize); i++) bytes[i] = (i * 7919) & 0xff;
  writeFileSync(dbPath(), bytes);
}

/** Leaf pages of one table, from SQLite's dbstat: damage there is met only by a query that reads them. */
function leafPagesOf(table: string): number[] {
  const db = new Database(dbPath(), { readonly: true });
  try {
    return (db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").all(table) as { pageno: number }[]).map((r) => r.pageno);
  } finally {
    db.close();
  }
}

function pageCount(): number {
  const bytes = readFileSync(dbPath());
  return Math.floor(bytes.length / bytes.readUInt16BE(16));
}

describe("damaged data pages", () => {
  it("codeintel index finds them, warns, rebuilds and exits 0 with a sound, complete cache", async () => {
    const first = await index();
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toMatchObject({ total: FILES + 1, failed: 0 });
    // The symbols table only: an unchanged re-run reads the files table and never these.
    const leaves = leafPagesOf("symbols");
    expect(leaves.length).toBeGreaterThan(4);
    for (const page of leaves.slice(1, 4)) damagePages(page, 1);
    expect(integrity()).not.toBe("ok");

    const second = await index();
    expect(second.err).toMatch(/symbol cache .* failed its integrity check .*rebuilding it/);
    expect(second.code).toBe(0);
    // Rebuilt, so every file was asked again; and now the database is sound.
    expect(JSON.parse(second.out)).toMatchObject({ total: FILES + 1, indexed: FILES + 1, failed: 0 });
    expect(integrity()).toBe("ok");
    const query = await cli(["symbols", "makeWidget77", "--root", root, "--cache-dir", cacheDir, "--json"]);
    expect(query.code).toBe(0);
    expect(query.out).toContain("src/module77.ts");
  }, 240_000);

  it("a symbol query over damage it reads warns and still answers right", async () => {
    expect((await index()).code).toBe(0);
    // Everything past the schema's first pages: any query reads damage.
    damagePages(3, pageCount());
    const query = await cli(["symbols", "makeWidget42", "--root", root, "--cache-dir", cacheDir, "--json"]);
    expect(query.err).toMatch(/symbol cache .*(rebuilding it|will be rebuilt)/);
    expect(query.code).toBe(0);
    expect(query.out).toContain("src/module42.ts");
  }, 240_000);
});
