// Answers several servers make up never fail because one server is missing (issue 18): a
// TypeScript project with a README.md (marksman is not installed here) and a Cargo.toml (nor
// is taplo). `codeintel symbols` before any `codeintel index` answers from the syntactic tier
// and the servers that run, naming each server that did not contribute once; `codeintel index`
// counts a missing server's files as syntax tier only (not failed, not retried every run) and
// asks them once the server is installed. Real servers, real CLI, real folders.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import type { IndexOutput } from "../../src/tools/index-symbols.js";
import { resolveRoots } from "../../src/workspace/paths.js";
import { bin, compiled, repoRoot } from "../support/compiled.js";
import { tempDir } from "./helpers.js";

let base: string;
let root: string;
let cleanup: () => void;

beforeAll(() => {
  compiled("src/cli/main.js");
  ({ dir: base, cleanup } = tempDir("shortfalls"));
  const project = join(base, "project");
  mkdirSync(join(project, "src"), { recursive: true });
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }));
  writeFileSync(join(project, "src", "service.ts"), "export class UserService {\n  name = 'x';\n}\nexport function getUserService(): UserService {\n  return new UserService();\n}\n");
  writeFileSync(join(project, "README.md"), "# Users\n\nA user service.\n");
  writeFileSync(join(project, "Cargo.toml"), '[package]\nname = "users"\n');
  [root] = resolveRoots([project]);
});
afterAll(() => cleanup());

function cli(args: string[], cacheDir: string, cwd = root): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    // The projects are this test's own, and their codeintel.json names server commands: trusted.
    const env = { ...process.env, CODEINTEL_CACHE_DIR: cacheDir, CODEINTEL_NO_DAEMON: "1", CODEINTEL_TRUST: "1" };
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("close", (code) => resolve({ code, out, err }));
  });
}

const count = (text: string, word: string) => text.split(word).length - 1;

describe("a missing server removes only its own part", () => {
  it("codeintel symbols before any index answers from the syntactic tier, naming marksman and taplo once each", async () => {
    const r = await cli(["symbols", "gus", "--json"], join(base, "cache-symbols"));
    expect(r.code, r.err).toBe(0);
    const answer = JSON.parse(r.out) as { results: { name: string; source: string; path: string }[]; complete: boolean; reason?: string };
    expect(answer.results).toEqual([expect.objectContaining({ name: "getUserService", path: "src/service.ts", source: "syntax" })]);
    expect(answer.complete).toBe(false);
    expect(count(answer.reason!, "marksman did not answer")).toBe(1);
    expect(count(answer.reason!, "taplo did not answer")).toBe(1);
    expect(answer.reason).toMatch(/To fix: `brew install marksman`/);
    // The text says it too, first line, without "retry shortly": a missing server stays missing.
    const text = await cli(["symbols", "gus"], join(base, "cache-symbols"));
    expect(text.code, text.err).toBe(0);
    expect(text.out.split("\n")[0]).toMatch(/^partial answer: .*marksman did not answer/);
    expect(text.out.split("\n")[0]).not.toMatch(/retry shortly/);
    expect(text.out).toMatch(/4:17 function getUserService {2}\[syntax\]/);
  }, 120_000);

  it("live workspace symbols answer from the servers that run, one line per missing server", async () => {
    const finder = new FileFinder({ watch: false });
    const pool = new LspPool({ roots: [root], files: finder });
    try {
      const search = await pool.searchWorkspaceSymbols("gus", root);
      const marksman = search.partial.filter((l) => l.startsWith("marksman"));
      expect(marksman).toEqual([expect.stringMatching(/^marksman did not answer \(not installed\): is not installed: 'marksman' was not found on PATH\. To fix: /)]);
      expect(search.shortfalls).toEqual(expect.arrayContaining([expect.objectContaining({ serverId: "taplo", why: "not_installed" })]));
      const found = await pool.searchWorkspaceSymbols("UserService", root);
      expect(found.hits.map((h) => h.name)).toContain("UserService");
      expect(found.partial.filter((l) => l.startsWith("marksman"))).toHaveLength(1);
    } finally {
      await pool.dispose();
      await finder.close();
    }
  }, 120_000);

  it("codeintel index counts a missing server's files as syntax tier only, hints once per server, and asks them once it is installed", async () => {
    const cacheDir = join(base, "cache-index");
    // pyright under a command that does not exist yet: "not installed" until the script appears.
    const py = join(base, "pyproject");
    mkdirSync(join(py, "bin"), { recursive: true });
    const server = join(py, "bin", "later-pyright");
    writeFileSync(join(py, "codeintel.json"), JSON.stringify({ servers: { pyright: { command: [server, "--stdio"], version: "1", install: "run the test's install step" } } }));
    writeFileSync(join(py, "shapes.py"), "class Circle:\n    def area(self):\n        return 3\n\n\ndef make_circle():\n    return Circle()\n");
    writeFileSync(join(py, "notes.md"), "# Notes\n");

    const first = await cli(["index", "--json", "-r", py], cacheDir, py);
    expect(first.code, first.err).toBe(0);
    const one = JSON.parse(first.out) as IndexOutput;
    expect(one.failed).toBe(0);
    expect(one.failures).toEqual([]);
    expect(one.syntaxOnly).toBe(2);
    expect(one.missingServers.map((m) => m.serverId).sort()).toEqual(["marksman", "pyright"]);
    expect(one.missingServers.find((m) => m.serverId === "pyright")).toMatchObject({ files: 1, reason: expect.stringContaining("To fix: run the test's install step") });
    expect(one.tiers.syntax.files).toBe(1);

    const text = await cli(["index", "-r", py], cacheDir, py);
    expect(text.code, text.err).toBe(0);
    expect(text.out).toMatch(/failed: 0\n/);
    expect(text.out).toMatch(/no server installed \(syntax tier only, asked once it is\): 2/);
    expect(count(text.out, "To fix: run the test's install step")).toBe(1);
    expect(text.out).not.toMatch(/retried on a later run/);

    // Installed: the next run asks pyright for the file it left to the syntax tier.
    writeFileSync(server, `#!/bin/sh\nexec "${process.execPath}" "${join(repoRoot, "node_modules", "pyright", "langserver.index.js")}" "$@"\n`);
    chmodSync(server, 0o755);
    const third = await cli(["index", "--json", "-r", py], cacheDir, py);
    expect(third.code, third.err).toBe(0);
    const three = JSON.parse(third.out) as IndexOutput;
    expect(three.missingServers.map((m) => m.serverId)).toEqual(["marksman"]);
    expect(three.indexed).toBe(1);
    expect(three.tiers.lsp.symbols).toBeGreaterThanOrEqual(3);
    const after = await cli(["symbols", "Circle", "--json", "-r", py], cacheDir, py);
    expect(JSON.parse(after.out).results[0]).toMatchObject({ name: "Circle", source: "lsp", server: "pyright" });
  }, 240_000);

  it("a server that fails or times out on every file: one line per server saying why, and exit 3", async () => {
    const broken = join(base, "broken");
    mkdirSync(broken, { recursive: true });
    // pyright "installed" as a command that exits at once: it fails to start, then is marked broken.
    writeFileSync(join(broken, "codeintel.json"), JSON.stringify({ servers: { pyright: { command: ["/bin/false"], version: "1" } }, lsp: { restartBackoffMs: 10, maxRestarts: 1 } }));
    for (let i = 0; i < 4; i++) writeFileSync(join(broken, `mod${i}.py`), `class Thing${i}:\n    pass\n`);
    const r = await cli(["index", "-r", broken], join(base, "cache-broken"), broken);
    expect(r.code, r.out + r.err).toBe(3);
    expect(r.out).toMatch(/failed: 4 \(retried on a later run\)/);
    expect(r.out).toMatch(/^ {4}pyright, 4 files: /m);
    expect(count(r.out, "pyright, ")).toBe(1);
    // The syntax symbols stay: the run is incomplete, not empty.
    const found = await cli(["symbols", "Thing2", "--json", "-r", broken], join(base, "cache-broken"), broken);
    expect(JSON.parse(found.out).results[0]).toMatchObject({ name: "Thing2", source: "syntax" });

    // tsserver with a documentSymbol timeout no answer meets: a slow server, said as such.
    const slow = join(base, "slow");
    mkdirSync(join(slow, "src"), { recursive: true });
    writeFileSync(join(slow, "tsconfig.json"), JSON.stringify({ include: ["src"] }));
    writeFileSync(join(slow, "codeintel.json"), JSON.stringify({ lsp: { timeouts: { "textDocument/documentSymbol": 1 } } }));
    writeFileSync(join(slow, "src", "a.ts"), "export class Slow {}\n");
    const t = await cli(["index", "--json", "-r", slow], join(base, "cache-slow"), slow);
    expect(t.code, t.out + t.err).toBe(3);
    const summary = JSON.parse(t.out) as IndexOutput;
    expect(summary.serverFailures).toEqual(expect.arrayContaining([expect.objectContaining({ serverId: "typescript", files: 1, why: "timeout", reason: expect.stringContaining("did not answer textDocument/documentSymbol") })]));
    expect(t.err + t.out).not.toMatch(/"serverFailures": \[\]/);
  }, 240_000);
});
