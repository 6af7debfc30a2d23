// Small generated project trees for the service tests (not git repos: the walker lists them).
import { makeTree as makeFiles } from "../support/tree.js";

/** `dirs` folders of `perDir` files each, named so queries like "file_3" match many. */
export function makeTree(dirs: number, perDir: number): string {
  const files: Record<string, string> = { "README.md": "# tree\n" };
  for (let d = 0; d < dirs; d++) for (let f = 0; f < perDir; f++) files[`module_${d}/${d % 2 ? "src" : "lib"}/file_${f}_${d}.ts`] = "";
  return makeFiles(files, "ci-tree-");
}
