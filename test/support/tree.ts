// Real folders under the OS temp dir for tests: a tree from a { path: content } map, and removal.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

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

export function removeTree(root: string): void {
  rmSync(root, { recursive: true, force: true });
}

/** An empty temp folder and the function that removes it. */
export function tempDir(label: string): { dir: string; cleanup: () => void } {
  const dir = makeTree({}, `codeintel-${label}-`);
  return { dir, cleanup: () => removeTree(dir) };
}
