// Symlinks that leave the project root are listed, never read (workspace/paths.ts
// realPathWithin). A repo links a file of another folder holding a unique marker and function
// definitions; nothing codeintel prints, caches or sends to a language server may carry it.
// Through the real CLI (one-shot, --no-daemon) and a real language-server pool.
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileFinder } from "../../src/files/finder.js";
import { LspPool } from "../../src/lsp/pool.js";
import { bin } from "../support/compiled.js";
import { tempDir } from "../support/tree.js";

const MARKER = "OUTSIDE_MARKER_c0nf1ne";

let base: string;
let cleanup: () => void;
let root: string;
let cacheDir: string;

function write(path: string, text: string): void {
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
}

beforeAll(() => {
  ({ dir: base, cleanup } = tempDir("confine"));
  base = realpathSync(base);
  const outside = join(base, "outside");
  root = join(base, "t");
  cacheDir = join(base, "cache");
  // Java: tree-sitter reads it and no server is installed here, so every answer is the syntax tier's.
  // One line, so any snippet of it would show the marker.
  write(join(outside, "Secret.java"), `class Secret { static void root() { Lib.root(); } static void outsideMarkerFn() {} } // ${MARKER}\n`);
  write(join(outside, "secret.ts"), `export function outsideMarkerTs(): string { return "${MARKER}"; }\n`);
  write(join(root, "src/Lib.java"), "class Lib {\n  static void root() {}\n  static void use() { root(); Secret.outsideMarkerFn(); }\n}\n");
  write(join(root, "src/main.ts"), "export function inside(): number {\n  return 1;\n}\n");
  symlinkSync(join(outside, "Secret.java"), join(root, "src/Evil.java"));
  symlinkSync(join(outside, "secret.ts"), join(root, "src/evil.ts"));
  // A link inside the root is read like any file.
  symlinkSync(join(root, "src/main.ts"), join(root, "src/alias.ts"));
  // A folder link leading out: the walk lists it and does not follow it.
  symlinkSync(outside, join(root, "linked"));
});

afterAll(() => cleanup?.());

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, "--root", root], {
    cwd: base, // FILE arguments are relative to the working directory, as a user gives them
    encoding: "utf8",
    env: { ...process.env, CODEINTEL_NO_DAEMON: "1", CODEINTEL_CACHE_DIR: cacheDir },
    timeout: 120_000,
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("a symlink leading outside the root", () => {
  it("references, definition and hover (syntax tier, text scan, snippets) never show its content", () => {
    const refs = cli("references", "t/src/Lib.java", "--symbol", "root");
    expect(refs.status).toBe(0);
    expect(refs.out).toContain("src/Lib.java");
    expect(refs.out).not.toContain(MARKER);
    expect(refs.out).not.toContain("Evil.java");

    const def = cli("definition", "t/src/Lib.java:3:23");
    expect(def.out).not.toContain(MARKER);
    expect(def.out).not.toContain("Evil.java");

    // outsideMarkerFn is declared only in the linked file.
    const hover = cli("hover", "t/src/Lib.java:3:38");
    expect(hover.out).not.toContain(MARKER);
    expect(hover.out).not.toContain("Evil.java");
  }, 240_000);

  it("index lists it as excluded, and symbols never finds what it declares", () => {
    const index = cli("index", "--cache-dir", cacheDir, "--json");
    expect(index.status).toBe(0);
    const summary = JSON.parse(index.out.slice(index.out.indexOf("{"))) as { excludedFiles: { path: string; error: string }[] };
    expect(summary.excludedFiles).toEqual(
      expect.arrayContaining([
        { path: "src/Evil.java", error: expect.stringContaining("outside the project root") },
        { path: "src/evil.ts", error: expect.stringContaining("outside the project root") },
      ]),
    );
    expect(summary.excludedFiles.map((f) => f.path)).not.toContain("src/alias.ts");
    for (const name of ["outsideMarkerFn", "outsideMarkerTs"]) {
      const found = cli("symbols", name, "--cache-dir", cacheDir, "--json");
      expect(found.out, name).not.toContain(`"name": "${name}"`);
      expect(found.out).not.toContain(MARKER);
    }
    // The inside declarations are there.
    const inside = cli("symbols", "inside", "--cache-dir", cacheDir).out;
    expect(inside).toContain("src/main.ts");
    expect(inside).toContain("src/alias.ts");
  }, 240_000);

  it("is never opened in a language server (document sync refuses it)", async () => {
    // A root of TypeScript only, so the workspace-symbol search asks tsserver alone.
    const tsRoot = join(base, "ts-only");
    write(join(tsRoot, "main.ts"), "export function inside(): number {\n  return 1;\n}\n");
    symlinkSync(join(base, "outside/secret.ts"), join(tsRoot, "evil.ts"));
    const finder = new FileFinder({ watch: false });
    const pool = new LspPool({ roots: [tsRoot], files: finder });
    try {
      await expect(pool.documentSymbols(join(tsRoot, "evil.ts"))).rejects.toMatchObject({ code: "invalid_input", message: expect.stringContaining("outside the project root") });
      // The server still answers for the files inside.
      expect(JSON.stringify(await pool.documentSymbols(join(tsRoot, "main.ts")))).toContain("inside");
      expect(await pool.documentText(join(tsRoot, "main.ts"))).toContain("inside");
      // The server never got its text: its workspace symbols (a project of the opened files) lack its function.
      expect(JSON.stringify((await pool.searchWorkspaceSymbols("outsideMarkerTs", tsRoot)).hits)).not.toContain("outsideMarkerTs");
    } finally {
      await pool.dispose();
      await finder.close();
    }
  }, 120_000);
});
