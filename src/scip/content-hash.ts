// Which content a SCIP document describes, as git blob ids (`git hash-object`): an index built
// at a commit describes that commit's blobs (`git ls-tree`), one built from the work tree the
// files as they are now. A file answers from the index while its blob id on disk is the
// indexed one, whatever its mtime says.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { isInside, realPathWithin } from "../workspace/paths.js";

/** The git blob id of `bytes`: sha1 of "blob <length>\0" and the bytes. */
export function blobId(bytes: Uint8Array): string {
  return createHash("sha1").update(`blob ${bytes.byteLength}\0`).update(bytes).digest("hex");
}

/** The blob id of a root-relative file as it is on disk, or null when it is missing or leads outside the root. */
export function diskBlobId(root: string, relPath: string): string | null {
  const abs = join(root, relPath);
  if (!isInside(root, abs)) return null;
  const verdict = realPathWithin(abs, [root]);
  if (!verdict.ok) return null;
  try {
    return blobId(readFileSync(verdict.realPath));
  } catch {
    return null;
  }
}

/**
 * The commit's full id and the blob id of each file under `root` at it (paths relative to
 * root). Throws a clear error when root is not in a git work tree or the commit is unknown.
 */
export function blobsAtCommit(root: string, commit: string): { commit: string; blobs: Map<string, string> } {
  const git = (args: string[]): Buffer => execFileSync("git", args, { cwd: root, maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] });
  let full: string;
  try {
    full = git(["rev-parse", "--verify", "--quiet", `${commit}^{commit}`]).toString().trim();
  } catch (err) {
    const detail = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`commit ${commit} is not known to git in ${root}${detail ? ` (${detail})` : ""}`, { cause: err });
  }
  const blobs = new Map<string, string>();
  const listing = git(["ls-tree", "-r", "-z", full]).toString("utf8");
  for (const entry of listing.split("\0")) {
    // "<mode> blob <id>\t<path>"
    const tab = entry.indexOf("\t");
    if (tab < 0) continue;
    const [, type, id] = entry.slice(0, tab).split(" ");
    if (type === "blob" && id) blobs.set(entry.slice(tab + 1), id);
  }
  return { commit: full, blobs };
}

/** The work tree's HEAD commit, or undefined outside git. */
export function headCommit(root: string): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--verify", "--quiet", "HEAD"], { cwd: root, stdio: ["ignore", "pipe", "ignore"] }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Blob ids of files on disk, remembered by (mtime, size) so a warm query hashes nothing. */
export class DiskBlobIds {
  readonly #known = new Map<string, { mtimeMs: number; size: number; id: string | null }>();

  constructor(private readonly root: string) {}

  of(relPath: string): string | null {
    let st;
    try {
      st = statSync(join(this.root, relPath));
    } catch {
      this.#known.delete(relPath);
      return null;
    }
    const hit = this.#known.get(relPath);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.id;
    const id = diskBlobId(this.root, relPath);
    this.#known.set(relPath, { mtimeMs: st.mtimeMs, size: st.size, id });
    return id;
  }
}
