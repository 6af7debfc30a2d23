// The SCIP tier's turn in hover, definition and references: it answers first, with no language
// server, when the root has an imported index and the file is the indexed content; otherwise
// (no index, the file edited since, no symbol at the position, nothing defined in the index)
// it passes, and the live server or the syntax tier answers as before.
//
//   preciseTarget(deps, input, signal) → the target and the symbol there, or undefined (pass)
//   preciseProvenance(found) / preciseLine(found) / preciseLocations(found, located)
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver-protocol";
import type { PreciseHit, PreciseIndex, PreciseLocation, PreciseLocations } from "../../scip/precise-index.js";
import type { ScipInfo } from "../../scip/scip-store.js";
import { readSourceTextSync } from "../../workspace/source-text.js";
import type { Completeness, NavigationDeps, Provenance } from "./common.js";
import { checkTarget, locateTarget, type ResolvedTarget, type TargetInputFields } from "./target.js";

export interface PreciseTarget {
  target: ResolvedTarget;
  index: PreciseIndex;
  hit: PreciseHit;
  info: ScipInfo;
}

/** The target resolved from the file on disk (a name through the syntax outline), when the SCIP tier can answer for it. */
export async function preciseTarget(deps: NavigationDeps, input: TargetInputFields, signal: AbortSignal): Promise<PreciseTarget | undefined> {
  if (!deps.precise) return undefined;
  const checked = checkTarget(deps, input);
  const { root, relPath, absPath } = checked.file;
  const index = deps.precise.get(root);
  if (!index?.covers(relPath)) return undefined;
  const read = readSourceTextSync(absPath, deps.roots);
  if (!read.ok) return undefined;
  const nav = deps.syntax;
  const outline = async () => (nav ? (await nav.outline(root, relPath, signal)).symbols : []);
  let target: ResolvedTarget;
  try {
    target = await locateTarget(checked, read.text, checked.symbol !== undefined ? await outline() : outline);
  } catch {
    return undefined; // a name the outline lacks: the other tiers say so in their words
  }
  const found = index.at(relPath, target.position.line, target.position.character);
  return found.hit ? { target, index, hit: found.hit, info: found.info } : undefined;
}

export function preciseProvenance(found: PreciseTarget): Provenance {
  return { precision: "exact", source: "scip", ...(found.info.commit ? { indexedCommit: found.info.commit } : {}) };
}

/** The text's first line: which index answered. */
export function preciseLine(found: PreciseTarget): string {
  const { tool, commit } = found.info;
  return `from the SCIP index (${[tool, commit ? `commit ${commit.slice(0, 12)}` : "work tree at import"].filter(Boolean).join(", ")})`;
}

/** LSP locations of the found ones, and whether files edited since the index left some out. */
export function preciseLocations(found: PreciseTarget, located: PreciseLocations): { locations: Location[]; completeness: Completeness } {
  const root = found.target.root;
  const locations = located.locations.map((l) => toLocation(root, l));
  const n = located.stalePaths.length;
  if (n === 0) return { locations, completeness: { complete: true } };
  const named = located.stalePaths.slice(0, 5).join(", ") + (n > 5 ? `, and ${n - 5} more` : "");
  return { locations, completeness: { complete: false, reason: `${n} ${n === 1 ? "file" : "files"} changed since the SCIP index was made, their occurrences are left out: ${named}` } };
}

function toLocation(root: string, l: PreciseLocation): Location {
  return { uri: pathToFileURL(join(root, l.path)).href, range: { start: l.start, end: l.end } };
}
