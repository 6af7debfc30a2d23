// Real folders under the OS temp dir for tests: a tree from a { path: content } map, copies of
// test/fixtures (tests edit files on disk), and removal.
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** A fresh temp folder holding `files` (parent folders made as needed); returns its path. */
export function makeTree(files: Record<string, string>, prefix = "codeintel-tree-"): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** Copies test/fixtures/<names> into a fresh temp dir; returns its canonical path. */
export function copyFixtures(...names: string[]): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "codeintel-lsp-")));
  for (const name of names) cpSync(join(fixturesDir, name), join(dir, name), { recursive: true });
  return dir;
}

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** An empty temp folder and the function that removes it. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = makeTree({}, `codeintel-${label}-`);
  return { dir, cleanup: () => removeTree(dir) };
}
