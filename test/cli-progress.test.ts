// The `codeintel index` progress line: fitted to the terminal by dropping whole fields, never by
// cutting one, and wiped on Ctrl-C before a summary with the true count. The pure render at
// several widths, then the real CLI under a pseudo-terminal (util-linux `script`) with a real
// Ctrl-C typed into it, real language servers and a real cache.
import Database from "better-sqlite3";
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderProgress } from "../src/cli/progress-line.js";
import type { IndexProgress } from "../src/symbols/indexer.js";
import { symbolDatabasePath } from "../src/symbols/cache-location.js";
import { bin, compiled } from "./support/compiled.js";
import { tempDir } from "./support/tree.js";

const CLEAR_LINE = "\r\x1b[2K";
const noSyntax = { done: 0, total: 0, parsed: 0, skipped: 0, failed: 0, excluded: 0, symbols: 0, elapsedMs: 0, rate: 0 };
const sample: IndexProgress = { phase: "indexing", tier: "lsp", files: 5678, syntax: noSyntax, done: 1234, total: 5678, indexed: 1000, skipped: 234, failed: 3, empty: 0, excluded: 0, syntaxOnly: 0, missingServers: [], keptSyntax: 0, serverFailures: [], symbols: 123456, rate: 12.34, etaMs: 65_000, elapsedMs: 1 };
const parsing: IndexProgress = { ...sample, tier: "syntax", done: 0, skipped: 0, failed: 0, symbols: 0, rate: 0, etaMs: null, syntax: { ...noSyntax, done: 1200, total: 2399, parsed: 1200, symbols: 66_000, rate: 400, elapsedMs: 3000 } };
const wholeField = [/^(\[[#-]+\] )?(syntax \d+\/\d+ · lsp )?\d+\/\d+( files)?$/, /^ETA (\?|\d+s|\d+m\d\ds)$/, /^\d+ symbols$/, /^\d+ failed$/, /^\d+\.\d files\/s$/, /^\d+ skipped$/];

/** Every field of a drawn line is whole (fields are two spaces apart): nothing was cut mid-token. */
function wholeTokens(line: string): boolean {
  return line.split("  ").every((field) => wholeField.some((re) => re.test(field)));
}

describe("renderProgress", () => {
  it.each([0, 20, 80, 200])("fits %i columns with whole fields", (columns) => {
    const line = renderProgress(sample, columns);
    expect(line.length).toBeLessThanOrEqual((columns || 80) - 1);
    expect(wholeTokens(line)).toBe(true);
    expect(line).toContain("1234/5678 files");
  });

  it("drops the least useful fields first and treats a zero-width terminal as 80 columns", () => {
    expect(renderProgress(sample, 0)).toBe(renderProgress(sample, 80));
    expect(renderProgress(sample, 20)).toBe("1234/5678 files");
    expect(renderProgress(sample, 80)).toBe("[##--------] 1234/5678 files  ETA 1m05s  123456 symbols  3 failed  12.3 files/s");
    expect(renderProgress(sample, 200)).toBe("[######----------------------] 1234/5678 files  ETA 1m05s  123456 symbols  3 failed  12.3 files/s  234 skipped");
    expect(renderProgress(sample, 12)).toBe("1234/5678");
    expect(renderProgress(sample, 3)).toBe("");
  });

  it.each([0, 20, 40, 80, 200])("shows both passes, fitted to %i columns: the syntax count, then the servers'", (columns) => {
    const line = renderProgress(parsing, columns);
    expect(line.length).toBeLessThanOrEqual((columns || 80) - 1);
    expect(wholeTokens(line)).toBe(true);
    expect(line).toContain("0/5678 files");
  });

  it("follows the pass running now: the bar, ETA, symbols and rate of the syntactic pass while it parses", () => {
    expect(renderProgress(parsing, 100)).toBe("[############-----------] syntax 1200/2399 · lsp 0/5678 files  ETA 3s  66000 symbols  400.0 files/s");
    expect(renderProgress(parsing, 80)).toBe("[#########---------] syntax 1200/2399 · lsp 0/5678 files  ETA 3s  66000 symbols");
    expect(renderProgress(parsing, 40)).toBe("syntax 1200/2399 · lsp 0/5678 files");
    expect(renderProgress(parsing, 30)).toBe("0/5678 files");
    const serving = { ...sample, syntax: { ...parsing.syntax, done: 2399 } };
    expect(renderProgress(serving, 100)).toBe("[#####----------------] syntax 2399/2399 · lsp 1234/5678 files  ETA 1m05s  123456 symbols  3 failed");
  });
});

describe("codeintel index on a terminal", () => {
  let root: string;
  let cleanup: () => void;
  let cacheRun = 0;

  beforeAll(() => {
    compiled("src/cli/progress-line.js"); // the CLI runs from dist/: it must be built from this source
    const t = tempDir("progress");
    cleanup = t.cleanup;
    root = join(t.dir, "project");
    mkdirSync(join(root, "src"), { recursive: true });
    writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
    for (let i = 0; i < 240; i++) writeFileSync(join(root, "src", `module${i}.ts`), `export class Widget${i} {\n  render${i}(): number {\n    return ${i};\n  }\n}\nexport function makeWidget${i}(): Widget${i} {\n  return new Widget${i}();\n}\n`);
  });
  afterAll(() => cleanup());

  /** `codeintel index` in a pseudo-terminal `columns` wide (0: as `script` leaves it); `interruptAt` types Ctrl-C once that many files are done. */
  function indexInTerminal(columns: number, interruptAt?: number): Promise<{ code: number | null; out: string; cacheDir: string }> {
    const cacheDir = join(root, "..", `cache${cacheRun++}`);
    const stty = columns > 0 ? `stty cols ${columns} rows 24; ` : "";
    const child = spawn("script", ["-qec", `${stty}exec ${process.execPath} ${bin} index --root ${root} --cache-dir ${cacheDir}`, "/dev/null"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let typed = false;
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const last = [...out.matchAll(/(\d+)\/\d+ files/g)].at(-1);
      if (interruptAt !== undefined && !typed && last && Number(last[1]) >= interruptAt) {
        typed = true;
        child.stdin.write("\x03"); // what the terminal sends for Ctrl-C: SIGINT to the foreground job
      }
    });
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, out, cacheDir })));
  }

  /** The progress lines drawn, each as the terminal shows it after a clear-line. */
  const draws = (out: string) => out.split(CLEAR_LINE).map((s) => s.replace(/\^C$/, "")).filter((s) => /^\S*\s*\d+\/\d+ files/.test(s) || /^\[/.test(s));

  it("on Ctrl-C wipes the bar, draws no more and prints the true count, exit 130", async () => {
    const { code, out, cacheDir } = await indexInTerminal(80, 20);
    expect(code, out).toBe(130);
    const drawn = draws(out);
    expect(drawn.length).toBeGreaterThan(1);
    for (const line of drawn) {
      expect(line.length, line).toBeLessThanOrEqual(79);
      expect(wholeTokens(line), line).toBe(true);
      expect(line).toMatch(/^\[[#-]+\] (syntax \d+\/\d+ · lsp )?\d+\/\d+ files {2}ETA \S+ {2}\d+ symbols( {2}\d+\.\d files\/s)?/);
    }
    // Nothing drawn after the Ctrl-C the terminal echoed; the summary starts on a wiped line.
    expect(out.slice(out.indexOf("^C"))).not.toMatch(/\d+\/\d+ files {2}ETA/);
    const summary = /^interrupted: (\d+) of (\d+) files done/.exec(out.split(CLEAR_LINE).at(-1)!);
    expect(summary, out).not.toBeNull();
    const [done, total] = [Number(summary![1]), Number(summary![2])];
    expect(done).toBeLessThan(total);
    const db = new Database(symbolDatabasePath(root, cacheDir), { readonly: true });
    try {
      // The syntax pass settled every file first; `done` counts the files the servers answered.
      expect((db.prepare("SELECT count(*) AS n FROM files WHERE tier = 'lsp'").get() as { n: number }).n).toBe(done);
    } finally {
      db.close();
    }
  }, 180_000);

  it("on a terminal that reports no width draws whole 79-column lines, then the summary on its own line", async () => {
    const { code, out } = await indexInTerminal(0);
    expect(code, out).toBe(0);
    const drawn = draws(out);
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) {
      expect(line.length, line).toBeLessThanOrEqual(79);
      expect(wholeTokens(line), line).toBe(true);
    }
    expect(out.split(CLEAR_LINE).at(-1)).toMatch(/^indexed: 241 files/);
  }, 180_000);
});
