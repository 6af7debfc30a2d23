// Project roots and path confinement: every path a caller gives must land inside
// one of the configured roots, after resolving `..` and symlinks.
//
//   resolveRoots(dirs)                → canonical (realpath) roots, validated
//   confinePath(input, roots, opts?)  → { root, absPath, relPath } or a PathError
//   toRootRelative(absPath, roots)    → { root, relPath } | null (for rendering results)
//   realPathWithin(path, roots)       → the real path when it is inside a root, else why not:
//                                       THE rule every reader of file content follows
//   new FolderRealPaths(roots)        → the same rule for folders, memoised over a batch of reads
//
// Readers do not call these directly: they read through workspace/source-text.ts, which applies
// the rule to a file's folder (once per folder) and to the file itself only when it is a symlink.

import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import type { ToolErrorCode } from "../protocol/index.js";

/** The protocol's tool error codes a path can fail with. */
export type PathErrorCode = Extract<ToolErrorCode, "invalid_input" | "not_found">;

export class PathError extends Error {
  constructor(
    readonly code: PathErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "PathError";
  }
}

export interface ConfinedPath {
  /** The canonical root that holds the path. */
  root: string;
  /** Canonical absolute path (symlinks resolved). */
  absPath: string;
  /** Path relative to `root`, with forward slashes. */
  relPath: string;
}

/** Canonicalises root directories; throws PathError for missing or non-directory roots. */
export function resolveRoots(dirs: readonly string[]): string[] {
  if (dirs.length === 0) throw new PathError("invalid_input", "no project root configured");
  const out: string[] = [];
  // Each distinct entry is resolved once (a realpath on the calling thread).
  for (const dir of new Set(dirs)) {
    let real: string;
    try {
      real = realpathSync(resolve(dir));
    } catch {
      throw new PathError("not_found", `root '${dir}' does not exist`);
    }
    if (!statSync(real).isDirectory()) throw new PathError("invalid_input", `root '${dir}' is not a directory`);
    if (!out.includes(real)) out.push(real);
  }
  return out;
}

/** True when `absPath` is `root` itself or below it (both canonical). */
export function isInside(root: string, absPath: string): boolean {
  if (absPath === root) return true;
  const base = root.endsWith(sep) ? root : root + sep;
  return absPath.startsWith(base);
}

/**
 * Resolves a caller-supplied path: relative paths are taken against each root in
 * turn (first existing match wins, else the first root); absolute paths must lie
 * inside a root. The canonical target (after symlinks) must also lie inside that root.
 * With `mustExist: false` a missing file is allowed (its parent is canonicalised).
 */
export function confinePath(input: string, roots: readonly string[], opts: { mustExist?: boolean } = {}): ConfinedPath {
  const mustExist = opts.mustExist ?? true;
  if (typeof input !== "string" || input.trim() === "") throw new PathError("invalid_input", "a file path is required");
  if (input.includes("\0")) throw new PathError("invalid_input", "the path contains a NUL character");
  const candidates = isAbsolute(input) ? [resolve(input)] : roots.map((r) => resolve(r, input));
  const rootList = roots.join(", ");

  let lexicalHit = false;
  let missing: string | undefined;
  for (const candidate of candidates) {
    const root = roots.find((r) => isInside(r, candidate));
    if (!root) continue;
    lexicalHit = true;
    let real: string;
    try {
      real = realpathSync(candidate);
    } catch {
      missing ??= candidate;
      continue;
    }
    if (!isInside(root, real)) {
      throw new PathError("invalid_input", `'${input}' resolves (through a symlink) to ${real}, outside the project root ${root}`);
    }
    return { root, absPath: real, relPath: toSlash(relative(root, real)) };
  }
  if (!lexicalHit) {
    throw new PathError("invalid_input", `'${input}' is outside every project root (${rootList}); give a path relative to a root or an absolute path inside one`);
  }
  if (mustExist || !missing) throw new PathError("not_found", `file '${input}' does not exist under ${rootList}`);
  const root = roots.find((r) => isInside(r, missing))!;
  return { root, absPath: missing, relPath: toSlash(relative(root, missing)) };
}

/** Maps an absolute path back to its root for display; null when outside every root. */
export function toRootRelative(absPath: string, roots: readonly string[]): { root: string; relPath: string } | null {
  let best: string | undefined;
  for (const r of roots) if (isInside(r, absPath) && (!best || r.length > best.length)) best = r;
  return best ? { root: best, relPath: toSlash(relative(best, absPath)) } : null;
}

/** Where a path really is, judged by the confinement rule. */
export type RealPathVerdict =
  | { ok: true; realPath: string }
  /** `missing`: the path (or a link's target) does not exist; else it leads outside every root. */
  | { ok: false; missing: boolean; detail: string };

export const OUTSIDE_ROOTS_DETAIL = "leads outside the project roots (through a symlink, or it is not under one); it is listed, never read";

/**
 * The confinement rule for reading: a file's content is read only when its real path — every
 * symlink resolved, in its own name or in any folder above it — is inside one of `roots`
 * (canonical, as resolveRoots gives them). A link that leaves the roots may be listed by the file
 * finder, but nothing reads through it: not the syntax tier, the symbol index, the language
 * servers' document sync, snippets, nor approximate navigation's text search.
 */
export function realPathWithin(path: string, roots: readonly string[]): RealPathVerdict {
  let real: string;
  try {
    // The native realpath: one call into libc, not the JS walk that lstats every segment.
    real = realpathSync.native(path);
  } catch {
    return { ok: false, missing: true, detail: "does not exist" };
  }
  return roots.some((r) => isInside(r, real)) ? { ok: true, realPath: real } : { ok: false, missing: false, detail: OUTSIDE_ROOTS_DETAIL };
}

/**
 * realPathWithin for the folders of a batch of files (a syntax pass or a text scan over a root's
 * list): each folder's real path is asked once, so a scan of 78k files in 5k folders costs 5k
 * realpaths, not 78k. Keep one per batch, not for the life of a service: a folder replaced by
 * a link later must be judged again.
 */
export class FolderRealPaths {
  readonly #known = new Map<string, RealPathVerdict>();

  constructor(readonly roots: readonly string[]) {}

  of(folder: string): RealPathVerdict {
    let verdict = this.#known.get(folder);
    if (!verdict) {
      verdict = realPathWithin(folder, this.roots);
      this.#known.set(folder, verdict);
    }
    return verdict;
  }
}

function toSlash(p: string): string {
  return sep === "/" ? p : p.split(sep).join("/");
}
