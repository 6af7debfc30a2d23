// Cutting a query's work on one path table into match tasks of about `size` entries each, so the
// threads share the work evenly. A task is a few pieces, each within one segment (the worker's
// loop over a piece reads that segment's arrays by slot); tasks span segment ends, so a big table
// makes as many tasks as a small one, and each task's top N prunes as well as before.
//
// Public surface:
//   interface TaskPiece { segment, from, to, list? }      slots of one segment
//   interface SegmentSlots { segment, slots }             matching slots a piece answered
//   rangeTasks(segments, from, to, size): TaskPiece[][]   table indices [from, to)
//   listTasks(matched, size): TaskPiece[][]               an earlier query's matches, by segment
import type { TableSegment } from "./path-table.js";

export interface TaskPiece {
  /** Index into table.segments(). */
  segment: number;
  /** Slots [from, to) of the segment, unless `list` (slots) is given. */
  from: number;
  to: number;
  list?: Int32Array;
}

export interface SegmentSlots {
  segment: number;
  slots: Int32Array;
}

export function rangeTasks(segments: readonly TableSegment[], from: number, to: number, size: number): TaskPiece[][] {
  const tasks: TaskPiece[][] = [];
  for (let at = from; at < to; at += size) tasks.push(rangePieces(segments, at, Math.min(to, at + size)));
  return tasks;
}

export function listTasks(matched: readonly SegmentSlots[], size: number): TaskPiece[][] {
  const bySegment = new Map<number, Int32Array[]>();
  for (const m of matched) {
    if (m.slots.length === 0) continue;
    const lists = bySegment.get(m.segment);
    if (lists) lists.push(m.slots);
    else bySegment.set(m.segment, [m.slots]);
  }
  const tasks: TaskPiece[][] = [];
  let task: TaskPiece[] = [];
  let room = size;
  for (const segment of [...bySegment.keys()].sort((a, b) => a - b)) {
    const all = concat(bySegment.get(segment)!);
    for (let at = 0; at < all.length; ) {
      const take = Math.min(room, all.length - at);
      // A copy, not a view: posting a view to a worker would clone its whole buffer.
      task.push({ segment, from: 0, to: 0, list: all.slice(at, at + take) });
      at += take;
      room -= take;
      if (room === 0) {
        tasks.push(task);
        task = [];
        room = size;
      }
    }
  }
  if (task.length > 0) tasks.push(task);
  return tasks;
}

/** [from, to) cut at segment ends. */
function rangePieces(segments: readonly TableSegment[], from: number, to: number): TaskPiece[] {
  const out: TaskPiece[] = [];
  for (let k = segmentOf(segments, from); k < segments.length && from < to; k++) {
    const seg = segments[k]!;
    const end = Math.min(to, seg.base + seg.length);
    if (end > from) out.push({ segment: k, from: from - seg.base, to: end - seg.base });
    from = Math.max(from, end);
  }
  return out;
}

/** The last segment whose base is <= i (segments are few: a scan is enough). */
function segmentOf(segments: readonly TableSegment[], i: number): number {
  let k = 0;
  while (k + 1 < segments.length && segments[k + 1]!.base <= i) k++;
  return k;
}

function concat(lists: Int32Array[]): Int32Array {
  if (lists.length === 1) return lists[0]!;
  let n = 0;
  for (const l of lists) n += l.length;
  const out = new Int32Array(n);
  let at = 0;
  for (const l of lists) {
    out.set(l, at);
    at += l.length;
  }
  return out;
}
