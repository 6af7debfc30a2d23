// Small generated project trees for the service tests (not git repos: the walker lists them).
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** `dirs` folders of `perDir` files each, named so queries like "file_3" match many. */
export function makeTree(dirs: number, perDir: number): string {
  const root = mkdtempSync(join(tmpdir(), "ci-tree-"));
  for (let d = 0; d < dirs; d++) {
    const dir = join(root, `module_${d}`, d % 2 ? "src" : "lib");
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < perDir; f++) writeFileSync(join(dir, `file_${f}_${d}.ts`), "");
  }
  writeFileSync(join(root, "README.md"), "# tree\n");
  return root;
}
