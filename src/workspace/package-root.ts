// The folder of codeintel's package.json, found from this module's own location, compiled
// (dist/src/workspace) or not (src/workspace, under vitest). Static assets (the picker page),
// bin/ and the built workers (dist/workers) are found from it. The package's name is checked,
// so a package.json that a build step might drop into dist/ is never taken for it. Its version
// is read here too, the one place: `codeintel -V`, the server's initialize answer and the
// daemon's identity all say the same.
//
//   packageRoot()      the folder of codeintel's package.json
//   packageVersion()   its "version"
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: { dir: string; version: string } | undefined;

export function packageRoot(): string {
  return found().dir;
}

export function packageVersion(): string {
  return found().version;
}

function found(): { dir: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    const manifest = existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string }) : undefined;
    if (manifest?.name === "codeintel") return (cached = { dir, version: String(manifest.version) });
    const up = dirname(dir);
    if (up === dir) throw new Error("codeintel: cannot find the package root (a package.json named codeintel)");
    dir = up;
  }
}
