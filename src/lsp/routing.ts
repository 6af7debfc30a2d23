// Which server answers for a file: the registry's spec for its extension, rooted at the
// nearest folder with one of the spec's root markers inside the file's project root (a
// monorepo gets one server, not one per package).
//
//   serverFor(registry, roots, absPath) → { serverId, root } | null      no checks, no spawn
//   locate(registry, roots, absPath)    → { spec, root }, or LspError saying why there is none
//   projectRootOf(roots, absPath)       → the innermost project root holding the file

import { existsSync } from "node:fs";
import { isInside } from "../workspace/paths.js";
import { LspError } from "./errors.js";
import { findServerRoot, type ServerRegistry, type ServerSpec } from "./registry.js";
import type { ServerLocation } from "../protocol/index.js";
export type { ServerLocation } from "../protocol/index.js";


export function serverFor(registry: ServerRegistry, roots: readonly string[], absPath: string): ServerLocation | null {
  const spec = registry.specFor(absPath);
  const projectRoot = projectRootOf(roots, absPath);
  if (!spec || !projectRoot) return null;
  return { serverId: spec.id, root: findServerRoot(absPath, projectRoot, spec) };
}

export function locate(registry: ServerRegistry, roots: readonly string[], absPath: string): { spec: ServerSpec; root: string } {
  const spec = registry.specFor(absPath);
  if (!spec) throw registry.noServerError(absPath);
  const projectRoot = projectRootOf(roots, absPath);
  if (!projectRoot) throw new LspError("invalid_input", `${absPath} is outside every project root`);
  // No server is started for a file that is not there.
  if (!existsSync(absPath)) throw new LspError("not_found", `file ${absPath} does not exist`);
  return { spec, root: findServerRoot(absPath, projectRoot, spec) };
}

export function projectRootOf(roots: readonly string[], absPath: string): string | undefined {
  let best: string | undefined;
  for (const r of roots) if (isInside(r, absPath) && (!best || r.length > best.length)) best = r;
  return best;
}
