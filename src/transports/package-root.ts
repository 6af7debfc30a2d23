// Static assets (the picker page) ship in src/, not dist/: find them from the package root,
// which is the nearest folder with package.json above this module, compiled or not.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error("codeintel: cannot find the package root (package.json)");
    dir = parent;
  }
  cached = dir;
  return dir;
}
