// Reading a file's text safely: the one gate every path that sends text to a language server
// (open documents, the symbol indexer, the navigation tools) and every reader of small config
// files goes through.
//
// A named pipe opened for reading blocks until a writer appears, forever if none does, and a
// blocked readFileSync freezes the whole process (signals included); a device may never end.
// So the file is opened with O_NONBLOCK (which returns at once for a FIFO) and judged by
// fstat on that same descriptor, never by a stat before the open (a race). Only then is it read.
//
//   readSourceTextSync(absPath)  → SourceText | SourceRefusal    regular, ≤ MAX_SOURCE_BYTES, not binary
//   readSourceText(absPath)      → the same, without blocking the event loop
//   readRegularFileSync(path, maxBytes) → bytes | SourceRefusal   (ignore files)
//   MAX_IGNORE_FILE_BYTES
//   refusalMessage(r, name)      → "'name' is a named pipe, not a regular file"
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open } from "node:fs/promises";

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

export type RefusalReason = "not_found" | "not_regular" | "too_large" | "binary" | "unreadable";

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

export function readSourceTextSync(absPath: string): SourceText | SourceRefusal {
  const bytes = readRegularFileSync(absPath, MAX_SOURCE_BYTES);
  return bytes.ok ? judgeContent(bytes.bytes, bytes.stats) : bytes;
}

export async function readSourceText(absPath: string): Promise<SourceText | SourceRefusal> {
  let handle;
  try {
    handle = await open(absPath, OPEN_FLAGS);
  } catch (err) {
    return openFailure(err);
  }
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

/** A regular file's bytes (at most maxBytes), or why not; never blocks on a pipe or a device. */
export function readRegularFileSync(path: string | Buffer, maxBytes: number): { ok: true; bytes: Buffer; stats: Stats } | SourceRefusal {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (err) {
    return openFailure(err);
  }
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
