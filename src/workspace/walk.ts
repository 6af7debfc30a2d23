// Lists a folder tree the way `git ls-files -co --exclude-standard` would (for trees that are not
// in a git work tree): ignore files at every level with git's semantics, hidden files included,
// `.git` skipped, and folders that cannot be read reported and skipped rather than failing the
// walk. Folders are listed too. A symlink to a folder inside the root is followed and listed as a
// folder; one that leads outside the root, to a folder above it (a cycle), to a folder already
// followed, or to a file is listed as git lists it (an entry of its own) and not followed.
//
// Public surface:
//   walkTree(root, options?): WalkResult            synchronous, whole tree
//   planWalk(root, levels, options?)                the top levels, plus the folders below as work items
//   walkFolders(root, items, options?): WalkResult  walks work items (what each parallel walk worker runs)
//   interface WalkOptions { hidden?, ignoreFiles?, signal?, onBatch? }
//   interface WalkEntry { path: string; dir: boolean }  root-relative, '/'-separated
//   interface WalkResult { entries: WalkEntry[]; errors: WalkError[]; aborted: boolean }
//
// Names that are not valid UTF-8 come back decoded lossily (U+FFFD), the way Node's fs decodes
// them; such folders are still descended into, through their raw byte names.
import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import { ALWAYS_SKIPPED, DEFAULT_IGNORE_FILES, IgnoreStack, parseIgnoreFile, readIgnoreFile, type IgnoreRule } from "./ignore.js";

export interface WalkEntry {
  path: string;
  dir: boolean;
}

export interface WalkError {
  path: string;
  code: string;
  message: string;
}

export interface WalkOptions {
  /** List dot-files and dot-folders (default true, as git does). */
  hidden?: boolean;
  /** Per-folder ignore files honoured (default [".gitignore", ".ignore"]). */
  ignoreFiles?: string[];
  /** Checked every 1024 entries. */
  signal?: AbortSignal;
  /** Receives entries in batches as the walk goes, for streaming consumers. */
  onBatch?: (entries: WalkEntry[]) => void;
  batchSize?: number;
}

export interface WalkResult {
  entries: WalkEntry[];
  errors: WalkError[];
  aborted: boolean;
}

export function walkTree(root: string, options: WalkOptions = {}): WalkResult {
  return walkFolders(root, [{ rel: "", chain: [] }], options);
}

/** A folder still to walk, with the ignore rules in force above it (outermost first); cloneable to workers. */
export interface PendingFolder {
  rel: string;
  chain: IgnoreRule[][];
}

/**
 * Walks the first `levels` levels breadth-first and returns the folders below as work items,
 * so several workers can walk the rest (walkFolders) in parallel.
 */
export function planWalk(root: string, levels: number, options: WalkOptions = {}): WalkResult & { pending: PendingFolder[] } {
  let frontier: PendingFolder[] = [{ rel: "", chain: [] }];
  const entries: WalkEntry[] = [];
  const errors: WalkError[] = [];
  for (let level = 0; level < levels && frontier.length > 0; level++) {
    const next: PendingFolder[] = [];
    for (const folder of frontier) {
      const r = walkFolders(root, [folder], { ...options, onBatch: undefined, onSubfolder: (f) => next.push(f) });
      entries.push(...r.entries);
      errors.push(...r.errors);
    }
    frontier = next;
  }
  return { entries, errors, aborted: false, pending: frontier };
}

interface InternalOptions extends WalkOptions {
  /** When set, subfolders are handed here instead of being walked (one level only). */
  onSubfolder?: (folder: PendingFolder) => void;
}

/** Walks each start folder (root-relative) completely. */
export function walkFolders(root: string, start: PendingFolder[], options: InternalOptions = {}): WalkResult {
  const hidden = options.hidden ?? true;
  const ignoreFiles = options.ignoreFiles ?? DEFAULT_IGNORE_FILES;
  const batchSize = options.batchSize ?? 4096;
  const entries: WalkEntry[] = [];
  const errors: WalkError[] = [];
  let flushed = 0;
  let sinceCheck = 0;
  let aborted = false;

  // Raw byte paths, so folders whose names are not UTF-8 can still be read.
  const rootBuf = Buffer.from(root.endsWith("/") ? root : `${root}/`);
  const follow = symlinkFollower(root);
  type Frame = { rel: string; abs: Buffer; ignore: IgnoreStack; chain: IgnoreRule[][] | null };
  const stack: Frame[] = start.map((f) => ({
    rel: f.rel,
    abs: f.rel === "" ? rootBuf : Buffer.concat([rootBuf, Buffer.from(`${f.rel}/`)]),
    ignore: f.chain.reduce((st, rules) => st.with(rules), IgnoreStack.empty),
    chain: options.onSubfolder ? f.chain : null,
  }));

  while (stack.length > 0) {
    const folder = stack.pop()!;
    let dirents: Dirent<Buffer>[];
    try {
      dirents = readdirSync(folder.abs, { withFileTypes: true, encoding: "buffer" });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      errors.push({ path: folder.rel, code: e.code ?? "EIO", message: e.message });
      continue;
    }
    const names = new Array<string>(dirents.length);
    for (let k = 0; k < dirents.length; k++) names[k] = dirents[k]!.name.toString("utf8");
    let ignore = folder.ignore;
    let chain = folder.chain;
    for (const name of ignoreFiles) {
      if (!names.includes(name)) continue;
      // An unreadable ignore file is treated as absent, as git does.
      const text = readIgnoreFile(Buffer.concat([folder.abs, Buffer.from(name)]));
      if (text === null) continue;
      const rules = parseIgnoreFile(text, folder.rel);
      ignore = ignore.with(rules);
      if (chain && rules.length > 0) chain = [...chain, rules];
    }
    const prefix = folder.rel === "" ? "" : `${folder.rel}/`;
    for (let k = 0; k < dirents.length; k++) {
      const d = dirents[k]!;
      const name = names[k]!;
      if (!hidden && name.startsWith(".")) continue;
      const linkAbs = d.isSymbolicLink() ? Buffer.concat([folder.abs, d.name]) : null;
      const isDir = d.isDirectory() || (linkAbs !== null && follow(linkAbs, folder.abs));
      if (isDir && ALWAYS_SKIPPED.has(name)) continue;
      const rel = prefix + name;
      if (ignore.ignores(rel, isDir)) continue;
      entries.push({ path: rel, dir: isDir });
      if (!isDir) continue;
      if (options.onSubfolder && chain) options.onSubfolder({ rel, chain });
      else stack.push({ rel, abs: Buffer.concat([folder.abs, d.name, SLASH]), ignore, chain: null });
    }
    sinceCheck += dirents.length;
    if (sinceCheck >= 1024) {
      sinceCheck = 0;
      if (options.signal?.aborted) {
        aborted = true;
        break;
      }
    }
    if (options.onBatch && entries.length - flushed >= batchSize) {
      options.onBatch(entries.slice(flushed));
      flushed = entries.length;
    }
  }
  if (options.onBatch && entries.length > flushed) options.onBatch(entries.slice(flushed));
  return { entries, errors, aborted };
}

const SLASH = Buffer.from("/");

/**
 * Whether to follow the symlink at `linkAbs` (in folder `parentAbs`): its target is a folder
 * inside the root, not the root or a folder above the link (a cycle), and not one already
 * followed in this walk. Links are rare: the realpath calls are paid only for them.
 */
function symlinkFollower(root: string): (linkAbs: Buffer, parentAbs: Buffer) => boolean {
  let realRoot: string | null = null;
  const followed = new Set<string>();
  return (linkAbs, parentAbs) => {
    try {
      realRoot ??= realpathSync(root);
      const target = realpathSync(linkAbs).toString();
      if (!target.startsWith(realRoot + "/") || followed.has(target) || !statSync(target).isDirectory()) return false;
      const parent = realpathSync(parentAbs).toString();
      if (parent === target || parent.startsWith(target + "/")) return false;
      followed.add(target);
      return true;
    } catch {
      return false; // a dangling or unreadable link stays a plain entry
    }
  };
}
