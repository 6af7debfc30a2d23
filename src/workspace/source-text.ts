// Reading a file's text safely: the one gate every reader of a project file's content goes
// through (open documents, the symbol indexer, the syntax tier's parse and text scan, the
// navigation tools and their snippets), and every reader of small config files.
//
// Confinement (workspace/paths.ts realPathWithin): a project file is read only when its real
// path is inside a root. Cheaply: the file's folder is judged once (memoised over a batch with
// FolderRealPaths), and the file is opened with O_NOFOLLOW, so a plain file costs no extra
// system call and only a file that is itself a symlink pays a realpath. O_NOFOLLOW also means a
// file swapped for a link between the check and the open is refused, not followed.
//
// A named pipe opened for reading blocks until a writer appears, forever if none does, and a
// blocked readFileSync freezes the whole process (signals included); a device may never end.
// So the file is opened with O_NONBLOCK (which returns at once for a FIFO) and judged by
// fstat on that same descriptor, never by a stat before the open (a race). Only then is it read.
//
//   readSourceTextSync(path, within)  → SourceText | SourceRefusal    inside a root, regular, ≤ MAX_SOURCE_BYTES, not binary
//   readSourceText(path, within)      → the same, without blocking the event loop
//   readRegularFileSync(path, maxBytes) → bytes | SourceRefusal   (ignore and config files: not confined)
//   MAX_IGNORE_FILE_BYTES
//   refusalMessage(r, name)      → "'name' is a named pipe, not a regular file"
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { FolderRealPaths, isInside, OUTSIDE_ROOTS_DETAIL, realPathWithin } from "./paths.js";

/**
 * Where a read may go: the canonical roots (each read judges its folder anew: for single reads
 * and long-lived readers), or a batch's FolderRealPaths (each folder judged once).
 */
export type ReadWithin = readonly string[] | FolderRealPaths;

/** Past this size a file is not sent to a language server (55 MB froze tsserver for minutes). */
const MAX_SOURCE_BYTES = 10 * 1024 * 1024;
/** Ignore files are read whole on the walk; one bigger than this is treated as unreadable. */
export const MAX_IGNORE_FILE_BYTES = 8 * 1024 * 1024;
/** A NUL byte in the first bytes means binary, as git and grep decide. */
const BINARY_PROBE_BYTES = 8000;

export interface SourceText {
  ok: true;
  text: string;
  /** The exact bytes read (what a content hash should cover). */
  bytes: Buffer;
  /** From the fstat of the descriptor read: a later stat that differs means the file changed since. */
  size: number;
  mtimeMs: number;
}

/** `outside_root`: the file's real path is not inside a project root (a symlink leading out). */
export type RefusalReason = "not_found" | "outside_root" | "not_regular" | "too_large" | "binary" | "unreadable";

export interface SourceRefusal {
  ok: false;
  reason: RefusalReason;
  /** Why, phrased to follow the file's name: "is a named pipe (FIFO), not a regular file". */
  detail: string;
  /** Size and mtime when known (so a refusal can be remembered until the file changes). */
  size?: number;
  mtimeMs?: number;
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY;

export function refusalMessage(r: SourceRefusal, name: string): string {
  return `'${name}' ${r.detail}`;
}

export function readSourceTextSync(path: string, within: ReadWithin): SourceText | SourceRefusal {
  const fd = openConfinedSync(path, within);
  if (typeof fd !== "number") return fd;
  const bytes = readDescriptorSync(fd, MAX_SOURCE_BYTES);
  return bytes.ok ? judgeContent(bytes.bytes, bytes.stats) : bytes;
}

export async function readSourceText(path: string, within: ReadWithin): Promise<SourceText | SourceRefusal> {
  const handle = await openConfined(path, within);
  if ("ok" in handle) return handle;
  try {
    const st = await handle.stat();
    const refused = judgeStats(st, MAX_SOURCE_BYTES);
    if (refused) return refused;
    const buf = Buffer.allocUnsafe(Math.min(st.size, MAX_SOURCE_BYTES) + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
      if (n === buf.length) return tooLarge(n, st, MAX_SOURCE_BYTES); // it grew past the cap while being read
    }
    return judgeContent(buf.subarray(0, n), st);
  } catch (err) {
    return { ok: false, reason: "unreadable", detail: `cannot be read (${(err as Error).message})` };
  } finally {
    await handle.close();
  }
}

/** A regular file's bytes (at most maxBytes), or why not; never blocks on a pipe or a device. Not confined: for files the user names (ignore files, codeintel.json). */
export function readRegularFileSync(path: string | Buffer, maxBytes: number): { ok: true; bytes: Buffer; stats: Stats } | SourceRefusal {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    return openFailure(err);
  }
  return readDescriptorSync(fd, maxBytes);
}

/** Reads and closes `fd`. */
function readDescriptorSync(fd: number, maxBytes: number): { ok: true; bytes: Buffer; stats: Stats } | SourceRefusal {
  try {
    const st = fstatSync(fd);
    const refused = judgeStats(st, maxBytes);
    if (refused) return refused;
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const read = readSync(fd, buf, n, buf.length - n, n);
      if (read === 0) break;
      n += read;
      if (n === buf.length) return tooLarge(n, st, maxBytes);
    }
    return { ok: true, bytes: buf.subarray(0, n), stats: st };
  } catch (err) {
    return { ok: false, reason: "unreadable", detail: `cannot be read (${(err as Error).message})` };
  } finally {
    closeSync(fd);
  }
}

// ---- Confined opening (the rule: workspace/paths.ts realPathWithin) ----

/** Without O_NOFOLLOW (Windows) every file's own real path is checked instead. */
const NO_FOLLOW: number = constants.O_NOFOLLOW ?? 0;

type Target = { ok: true; path: string } | SourceRefusal;

const OUTSIDE: SourceRefusal = { ok: false, reason: "outside_root", detail: OUTSIDE_ROOTS_DETAIL };

function rootsOf(within: ReadWithin): readonly string[] {
  return within instanceof FolderRealPaths ? within.roots : within;
}

/** The path to open: the file's name in its folder's real path, the folder judged by the rule. */
function folderChecked(path: string, within: ReadWithin): Target {
  const roots = rootsOf(within);
  const abs = resolve(path);
  if (roots.includes(abs)) return { ok: true, path: abs }; // a root (canonical): a directory, refused by fstat
  if (!roots.some((r) => isInside(r, abs))) return OUTSIDE;
  const folder = within instanceof FolderRealPaths ? within.of(dirname(abs)) : realPathWithin(dirname(abs), roots);
  if (!folder.ok) return folder.missing ? { ok: false, reason: "not_found", detail: "does not exist" } : OUTSIDE;
  const candidate = join(folder.realPath, basename(abs));
  return NO_FOLLOW === 0 ? linkChecked(candidate, roots) : { ok: true, path: candidate };
}

/** The file is itself a symlink (O_NOFOLLOW refused it): the rule on its whole path. */
function linkChecked(candidate: string, roots: readonly string[]): Target {
  const verdict = realPathWithin(candidate, roots);
  if (verdict.ok) return { ok: true, path: verdict.realPath };
  return verdict.missing ? { ok: false, reason: "not_found", detail: "is a symlink to nothing (its target does not exist)" } : OUTSIDE;
}

/** O_NOFOLLOW's refusal of a symlink: ELOOP (Linux, macOS), EMLINK (FreeBSD). */
function isLink(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ELOOP" || code === "EMLINK";
}

function openConfinedSync(path: string, within: ReadWithin): number | SourceRefusal {
  const first = folderChecked(path, within);
  if (!first.ok) return first;
  try {
    return openSync(first.path, OPEN_FLAGS | NO_FOLLOW);
  } catch (err) {
    if (!isLink(err)) return openFailure(err);
  }
  const target = linkChecked(first.path, rootsOf(within));
  if (!target.ok) return target;
  try {
    return openSync(target.path, OPEN_FLAGS | NO_FOLLOW);
  } catch (err) {
    return openFailure(err);
  }
}

async function openConfined(path: string, within: ReadWithin): Promise<FileHandle | SourceRefusal> {
  const first = folderChecked(path, within);
  if (!first.ok) return first;
  try {
    return await open(first.path, OPEN_FLAGS | NO_FOLLOW);
  } catch (err) {
    if (!isLink(err)) return openFailure(err);
  }
  const target = linkChecked(first.path, rootsOf(within));
  if (!target.ok) return target;
  try {
    return await open(target.path, OPEN_FLAGS | NO_FOLLOW);
  } catch (err) {
    return openFailure(err);
  }
}

function judgeStats(st: Stats, maxBytes: number): SourceRefusal | undefined {
  if (st.isFile()) return st.size > maxBytes ? tooLarge(st.size, st, maxBytes) : undefined;
  const what = st.isDirectory() ? "a directory" : st.isFIFO() ? "a named pipe (FIFO)" : st.isSocket() ? "a socket" : st.isCharacterDevice() || st.isBlockDevice() ? "a device" : "a special file";
  return { ok: false, reason: "not_regular", detail: `is ${what}, not a regular file`, size: st.size, mtimeMs: st.mtimeMs };
}

function judgeContent(bytes: Buffer, st: Stats): SourceText | SourceRefusal {
  if (bytes.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
    return { ok: false, reason: "binary", detail: "is a binary file; language servers only read source text", size: st.size, mtimeMs: st.mtimeMs };
  }
  return { ok: true, text: bytes.toString("utf8"), bytes, size: st.size, mtimeMs: st.mtimeMs };
}

function tooLarge(size: number, st: Stats, limit: number): SourceRefusal {
  return {
    ok: false,
    reason: "too_large",
    detail: `is too large (${Math.max(size, st.size)} bytes; the limit is ${limit})`,
    size: st.size,
    mtimeMs: st.mtimeMs,
  };
}

function openFailure(err: unknown): SourceRefusal {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT" || e.code === "ENOTDIR") return { ok: false, reason: "not_found", detail: "does not exist" };
  // A Unix socket cannot be opened at all.
  if (e.code === "ENXIO") return { ok: false, reason: "not_regular", detail: "is a socket or device, not a regular file" };
  return { ok: false, reason: "unreadable", detail: `cannot be opened (${e.message})` };
}
