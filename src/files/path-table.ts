// The in-memory list of one root's paths, laid out in SharedArrayBuffers so match workers read it
// without a copy per query: UTF-8 bytes back to back, per-entry start/length/basename offset,
// a character mask (prefilter) and flags. Append-only with tombstones, so an entry's index never
// changes while the table lives: a query in progress keeps valid indices while the watcher adds
// and removes entries.
//
// Entries live in segments of at most SEGMENT_ENTRIES, each with its own buffers, allocated once
// and never grown, copied or replaced: a segment closes when its entries or its bytes are full and
// the next one opens (entry capacity doubling from the first segment's up to SEGMENT_ENTRIES,
// bytes sized from the average path so far). So no buffer is ever superseded: a worker holding a
// segment holds live memory only. (Idle worker isolates do not collect garbage, and each task
// deserialises new SharedArrayBuffer objects, so a buffer a table dropped would stay allocated
// for as long as any worker that saw it sits idle.) Segment k covers the indices
// [base, base + length); a match task covers one segment and reads its arrays by slot.
//
// Public surface:
//   class PathTable
//     add(bytes | string, isDir): number          index of the new entry, or the live one with that path
//     addBytes(buffer, start, end, isDir): number  the same for buffer[start, end), without a view or a string per path
//     remove(path): boolean                        tombstones it (and, for a folder, everything below)
//     count / liveCount                            entries ever added / not removed
//     pathAt(i), isDir(i), isDeleted(i), pathLength(i), indexOf(path)
//     segments(): readonly TableSegment[]          the segments so far (the last one may still fill)
//   SEGMENT_ENTRIES, FLAG_DIR, FLAG_DELETED
//   interface TableSegment { shared, base, length }, interface SharedSegment (its buffers, to post)
//   attachSegment(shared): SegmentViews (worker side)
import { charMask } from "./query.js";

export const FLAG_DIR = 1;
export const FLAG_DELETED = 2;

/** The most entries one segment holds (one match task's range at most). */
export const SEGMENT_ENTRIES = 1 << 16;

export interface SharedSegment {
  bytes: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  lengths: SharedArrayBuffer;
  baseStarts: SharedArrayBuffer;
  masks: SharedArrayBuffer;
  flags: SharedArrayBuffer;
}

export interface SegmentViews {
  bytes: Uint8Array;
  /** Offsets into this segment's bytes. */
  starts: Int32Array;
  lengths: Uint16Array;
  baseStarts: Uint16Array;
  masks: Int32Array;
  flags: Uint8Array;
}

export interface TableSegment {
  readonly shared: SharedSegment;
  /** The table index of this segment's slot 0. */
  readonly base: number;
  /** Entries (slots) filled so far; grows only while this is the last segment. */
  readonly length: number;
}

export function attachSegment(shared: SharedSegment): SegmentViews {
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
/** Bytes for a segment: the average path so far times its entries, with this much to spare. */
const BYTES_HEADROOM = 1.125;
const BYTES_ROUNDING = 4096;
let scratch = new Uint8Array(4096);

/** UTF-8 of `s` in a reused buffer: adding a path must not allocate one array per path. */
function encodeScratch(s: string): Uint8Array {
  if (scratch.length < s.length * 3) scratch = new Uint8Array(s.length * 3);
  return scratch.subarray(0, encoder.encodeInto(s, scratch).written);
}
const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");
/** charMask's bit of each byte (bit 31, non-ASCII, sends the path to charMask itself). */
const MASK_BITS = new Int32Array(256);
for (let c = 0; c < 256; c++) MASK_BITS[c] = charMask(Uint16Array.of(c), 0, 1);

class Segment implements TableSegment {
  readonly views: SegmentViews;
  length = 0;
  bytesUsed = 0;

  constructor(
    readonly shared: SharedSegment,
    readonly base: number,
  ) {
    this.views = attachSegment(shared);
  }

  fits(len: number): boolean {
    return this.length < this.views.starts.length && this.bytesUsed + len <= this.views.bytes.length;
  }
}

export class PathTable {
  private readonly segs: Segment[] = [];
  private open: Segment;
  /** The segment the last lookup by index landed in: loops over the table mostly stay in one. */
  private hit: Segment;
  private entries = 0;
  private byteLength = 0;
  private deleted = 0;
  // path -> index, built on first lookup: cold loads never pay for it.
  private index: Map<string, number> | null = null;

  constructor(
    private readonly initialEntries = 4096,
    private readonly initialBytes = initialEntries * 48,
  ) {
    this.initialEntries = Math.max(1, Math.min(SEGMENT_ENTRIES, Math.floor(initialEntries)));
    this.open = this.hit = this.openSegment(0);
  }

  get count(): number {
    return this.entries;
  }

  get liveCount(): number {
    return this.entries - this.deleted;
  }

  segments(): readonly TableSegment[] {
    return this.segs;
  }

  add(path: Uint8Array | string, isDir: boolean): number {
    if (typeof path === "string") {
      if (this.index) {
        const existing = this.index.get(path);
        if (existing !== undefined) return existing;
      }
      // (scratch is copied into the table before anything else can reuse it.)
      const bytes = encodeScratch(path);
      return this.append(bytes, 0, bytes.length, isDir, path);
    }
    return this.addBytes(path, 0, path.length, isDir);
  }

  addBytes(bytes: Uint8Array, start: number, end: number, isDir: boolean): number {
    let key: string | undefined;
    if (this.index) {
      key = decoder.decode(bytes.subarray(start, end));
      const existing = this.index.get(key);
      if (existing !== undefined) return existing;
    }
    return this.append(bytes, start, end, isDir, key);
  }

  /** One pass over the path's bytes: copy, basename offset and character mask together. */
  private append(bytes: Uint8Array, start: number, end: number, isDir: boolean, key: string | undefined): number {
    const len = Math.min(end - start, MAX_PATH_BYTES);
    if (!this.open.fits(len)) this.open = this.openSegment(len);
    const seg = this.open;
    const v = seg.views;
    const slot = seg.length;
    const at = seg.bytesUsed;
    const out = v.bytes;
    let mask = 0;
    let base = 0;
    for (let k = 0; k < len; k++) {
      const c = bytes[start + k]!;
      out[at + k] = c;
      mask |= MASK_BITS[c]!;
      if (c === 47) base = k + 1;
    }
    // A non-ASCII path is matched in its Latin-normalised form: charMask knows how.
    if (mask < 0) mask = charMask(out, at, at + len);
    v.starts[slot] = at;
    v.lengths[slot] = len;
    v.baseStarts[slot] = base;
    v.masks[slot] = mask;
    v.flags[slot] = isDir ? FLAG_DIR : 0;
    seg.bytesUsed += len;
    seg.length++;
    this.byteLength += len;
    const i = this.entries++;
    if (this.index) this.index.set(key ?? decoder.decode(bytes.subarray(start, end)), i);
    return i;
  }

  /** Tombstones `path` (and everything below it when it is a folder). Returns whether it existed. */
  remove(path: string): boolean {
    const index = this.lookup();
    const i = index.get(path);
    if (i === undefined) return false;
    this.tombstone(i, path, index);
    if (this.isDir(i)) {
      const prefix = `${path}/`;
      for (const [p, j] of index) if (p.startsWith(prefix)) this.tombstone(j, p, index);
    }
    return true;
  }

  indexOf(path: string): number {
    return this.lookup().get(path) ?? -1;
  }

  pathAt(i: number): string {
    const seg = this.locate(i);
    const v = seg.views;
    const slot = i - seg.base;
    const start = v.starts[slot]!;
    return decoder.decode(v.bytes.subarray(start, start + v.lengths[slot]!));
  }

  isDir(i: number): boolean {
    const seg = this.locate(i);
    return (seg.views.flags[i - seg.base]! & FLAG_DIR) !== 0;
  }

  isDeleted(i: number): boolean {
    const seg = this.locate(i);
    return (seg.views.flags[i - seg.base]! & FLAG_DELETED) !== 0;
  }

  pathLength(i: number): number {
    const seg = this.locate(i);
    return seg.views.lengths[i - seg.base]!;
  }

  private tombstone(i: number, path: string, index: Map<string, number>): void {
    const seg = this.locate(i);
    const flags = seg.views.flags;
    const slot = i - seg.base;
    if (flags[slot]! & FLAG_DELETED) return;
    flags[slot]! |= FLAG_DELETED;
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

  /** The segment holding index i (0 <= i < count). */
  private locate(i: number): Segment {
    const hit = this.hit;
    if (i >= hit.base && i < hit.base + hit.length) return hit;
    const segs = this.segs;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.base <= i) lo = mid;
      else hi = mid - 1;
    }
    return (this.hit = segs[lo]!);
  }

  /** Opens the next segment, with room for at least one path of `minBytes`. */
  private openSegment(minBytes: number): Segment {
    const k = this.segs.length;
    const entries = Math.min(SEGMENT_ENTRIES, this.initialEntries * 2 ** Math.min(k, 16));
    const perEntry = this.entries > 0 ? this.byteLength / this.entries : this.initialBytes / this.initialEntries;
    const estimate = k === 0 ? this.initialBytes : Math.ceil((perEntry * entries * BYTES_HEADROOM) / BYTES_ROUNDING) * BYTES_ROUNDING;
    const seg = new Segment(allocate(entries, Math.max(minBytes, estimate, 1)), this.entries);
    this.segs.push(seg);
    return seg;
  }
}

function allocate(entries: number, bytes: number): SharedSegment {
  return {
    bytes: new SharedArrayBuffer(bytes),
    starts: new SharedArrayBuffer(entries * 4),
    lengths: new SharedArrayBuffer(entries * 2),
    baseStarts: new SharedArrayBuffer(entries * 2),
    masks: new SharedArrayBuffer(entries * 4),
    flags: new SharedArrayBuffer(entries),
  };
}
