// The in-memory list of one root's paths, laid out in SharedArrayBuffers so match workers read it
// without a copy per query: UTF-8 bytes back to back, per-entry start/length/basename offset,
// a character mask (prefilter) and flags. Append-only with tombstones, so an entry's index never
// changes while the table lives: a query in progress keeps valid indices while the watcher adds
// and removes entries. Growing swaps in bigger buffers (indices preserved).
//
// Public surface:
//   class PathTable
//     add(bytes | string, isDir): number          index of the new entry, or the live one with that path
//     remove(path): boolean                        tombstones it (and, for a folder, everything below)
//     count / liveCount                            entries ever added / not removed
//     pathAt(i), isDir(i), isDeleted(i), indexOf(path)
//     shared(): SharedPathTable                    the buffers, to post to a worker
//   FLAG_DIR, FLAG_DELETED; interface SharedPathTable; attachTable(shared): TableViews (worker side)
import { charMask } from "./query.js";

export const FLAG_DIR = 1;
export const FLAG_DELETED = 2;

export interface SharedPathTable {
  bytes: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  lengths: SharedArrayBuffer;
  baseStarts: SharedArrayBuffer;
  masks: SharedArrayBuffer;
  flags: SharedArrayBuffer;
}

export interface TableViews {
  bytes: Uint8Array;
  starts: Int32Array;
  lengths: Uint16Array;
  baseStarts: Uint16Array;
  masks: Int32Array;
  flags: Uint8Array;
}

export function attachTable(shared: SharedPathTable): TableViews {
  return {
    bytes: new Uint8Array(shared.bytes),
    starts: new Int32Array(shared.starts),
    lengths: new Uint16Array(shared.lengths),
    baseStarts: new Uint16Array(shared.baseStarts),
    masks: new Int32Array(shared.masks),
    flags: new Uint8Array(shared.flags),
  };
}

const MAX_PATH_BYTES = 65535;
let scratch = new Uint8Array(4096);

/** UTF-8 of `s` in a reused buffer: adding a path must not allocate one array per path. */
function encodeScratch(s: string): Uint8Array {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  return scratch.subarray(0, encoder.encodeInto(s, scratch).written);
}
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

export class PathTable {
  private buffers: SharedPathTable;
  private views: TableViews;
  private entries = 0;
  private byteLength = 0;
  private deleted = 0;
  // path -> index, built on first lookup: cold loads never pay for it.
  private index: Map<string, number> | null = null;

  constructor(initialEntries = 4096, initialBytes = initialEntries * 48) {
    this.buffers = allocate(initialEntries, initialBytes);
    this.views = attachTable(this.buffers);
  }

  get count(): number {
    return this.entries;
  }

  get liveCount(): number {
    return this.entries - this.deleted;
  }

  shared(): SharedPathTable {
    return this.buffers;
  }

  add(path: Uint8Array | string, isDir: boolean): number {
    if (this.index) {
      const key = typeof path === "string" ? path : decoder.decode(path);
      const existing = this.index.get(key);
      if (existing !== undefined) return existing;
    }
    const bytes = typeof path === "string" ? encodeScratch(path) : path;
    const len = Math.min(bytes.length, MAX_PATH_BYTES);
    this.reserve(1, len);
    const v = this.views;
    const i = this.entries;
    const at = this.byteLength;
    v.bytes.set(len === bytes.length ? bytes : bytes.subarray(0, len), at);
    v.starts[i] = at;
    v.lengths[i] = len;
    let base = 0;
    for (let k = len - 1; k >= 0; k--) {
      if (bytes[k] === 47) {
        base = k + 1;
        break;
      }
    }
    v.baseStarts[i] = base;
    v.masks[i] = charMask(bytes, 0, len);
    v.flags[i] = isDir ? FLAG_DIR : 0;
    this.byteLength += len;
    this.entries++;
    if (this.index) this.index.set(typeof path === "string" ? path : decoder.decode(bytes), i);
    // (bytes may be the shared scratch buffer: it has been copied into the table by now.)
    return i;
  }

  /** Tombstones `path` (and everything below it when it is a folder). Returns whether it existed. */
  remove(path: string): boolean {
    const index = this.lookup();
    const i = index.get(path);
    if (i === undefined) return false;
    this.tombstone(i, path, index);
    if (this.views.flags[i]! & FLAG_DIR) {
      const prefix = `${path}/`;
      for (const [p, j] of index) if (p.startsWith(prefix)) this.tombstone(j, p, index);
    }
    return true;
  }

  indexOf(path: string): number {
    return this.lookup().get(path) ?? -1;
  }

  pathAt(i: number): string {
    const start = this.views.starts[i]!;
    return decoder.decode(this.views.bytes.subarray(start, start + this.views.lengths[i]!));
  }

  isDir(i: number): boolean {
    return (this.views.flags[i]! & FLAG_DIR) !== 0;
  }

  isDeleted(i: number): boolean {
    return (this.views.flags[i]! & FLAG_DELETED) !== 0;
  }

  pathLength(i: number): number {
    return this.views.lengths[i]!;
  }

  private tombstone(i: number, path: string, index: Map<string, number>): void {
    if (this.views.flags[i]! & FLAG_DELETED) return;
    this.views.flags[i]! |= FLAG_DELETED;
    this.deleted++;
    index.delete(path);
  }

  private lookup(): Map<string, number> {
    if (!this.index) {
      const index = new Map<string, number>();
      for (let i = 0; i < this.entries; i++) if (!this.isDeleted(i)) index.set(this.pathAt(i), i);
      this.index = index;
    }
    return this.index;
  }

  private reserve(entries: number, bytes: number): void {
    const v = this.views;
    const needEntries = this.entries + entries > v.starts.length;
    const needBytes = this.byteLength + bytes > v.bytes.length;
    if (!needEntries && !needBytes) return;
    const nextEntries = needEntries ? Math.max(v.starts.length * 2, this.entries + entries) : v.starts.length;
    const nextBytes = needBytes ? Math.max(v.bytes.length * 2, this.byteLength + bytes) : v.bytes.length;
    const shared = allocate(nextEntries, nextBytes);
    const next = attachTable(shared);
    next.bytes.set(v.bytes.subarray(0, this.byteLength));
    next.starts.set(v.starts.subarray(0, this.entries));
    next.lengths.set(v.lengths.subarray(0, this.entries));
    next.baseStarts.set(v.baseStarts.subarray(0, this.entries));
    next.masks.set(v.masks.subarray(0, this.entries));
    next.flags.set(v.flags.subarray(0, this.entries));
    this.buffers = shared;
    this.views = next;
  }
}

function allocate(entries: number, bytes: number): SharedPathTable {
  return {
    bytes: new SharedArrayBuffer(bytes),
    starts: new SharedArrayBuffer(entries * 4),
    lengths: new SharedArrayBuffer(entries * 2),
    baseStarts: new SharedArrayBuffer(entries * 2),
    masks: new SharedArrayBuffer(entries * 4),
    flags: new SharedArrayBuffer(entries),
  };
}
