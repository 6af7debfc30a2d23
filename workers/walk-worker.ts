// The walk task of the files worker (files-worker.ts): walks part of a non-git tree (src/workspace/walk.ts) off the main
// thread. Several of these run at once on one tree: each pulls the next pending folder from a
// shared counter (so a huge folder does not leave the other worker idle) and streams packed
// batches of entries through the MessagePort it was given.
import type { MessagePort } from "node:worker_threads";
import { walkFolders, type PendingFolder, type WalkEntry, type WalkError } from "../src/workspace/walk.js";

export interface WalkTask {
  root: string;
  items: PendingFolder[];
  /** counter[0] is the next item to take; shared by every worker on this walk. */
  counter: Int32Array;
  hidden?: boolean;
  ignoreFiles?: string[];
  port: MessagePort;
}

/** One streamed batch, packed so posting it is a transfer, not a clone of many strings. */
export interface WalkBatch {
  /** UTF-8 bytes of the paths, back to back. */
  bytes: Uint8Array;
  /** Path k is bytes[ends[k-1] .. ends[k]) (ends[-1] = 0). */
  ends: Int32Array;
  /** 1 for each path that is a folder. */
  dirs: Uint8Array;
}

const BATCH = 4096;
const encoder = new TextEncoder();

export default function walk(task: WalkTask): { errors: WalkError[]; count: number } {
  const errors: WalkError[] = [];
  let pending: WalkEntry[] = [];
  let count = 0;
  const flush = () => {
    if (pending.length === 0) return;
    task.port.postMessage(...pack(pending));
    count += pending.length;
    pending = [];
  };
  for (;;) {
    const k = Atomics.add(task.counter, 0, 1);
    if (k >= task.items.length) break;
    const result = walkFolders(task.root, [task.items[k]!], {
      hidden: task.hidden,
      ignoreFiles: task.ignoreFiles,
      batchSize: BATCH,
      onBatch: (entries) => {
        pending.push(...entries);
        if (pending.length >= BATCH) flush();
      },
    });
    errors.push(...result.errors);
  }
  flush();
  task.port.close();
  return { errors, count };
}

function pack(entries: WalkEntry[]): [WalkBatch, ArrayBuffer[]] {
  let size = 0;
  for (const e of entries) size += e.path.length * 3;
  const bytes = new Uint8Array(size);
  const ends = new Int32Array(entries.length);
  const dirs = new Uint8Array(entries.length);
  let at = 0;
  for (let k = 0; k < entries.length; k++) {
    at += encoder.encodeInto(entries[k]!.path, bytes.subarray(at)).written;
    ends[k] = at;
    dirs[k] = entries[k]!.dir ? 1 : 0;
  }
  return [{ bytes, ends, dirs }, [bytes.buffer, ends.buffer, dirs.buffer]];
}
