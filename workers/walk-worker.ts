// Piscina worker entry point: walks a non-git tree (src/workspace/walk.ts) off the main thread and
// streams batches of entries through the MessagePort it was given, so the service stays
// responsive and sessions can score the first batches while the walk goes on.
import type { MessagePort } from "node:worker_threads";
import { walkTree, type WalkError } from "../src/workspace/walk.js";

export interface WalkTask {
  root: string;
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

const encoder = new TextEncoder();

export default function walk(task: WalkTask): { errors: WalkError[]; count: number } {
  const result = walkTree(task.root, {
    hidden: task.hidden,
    ignoreFiles: task.ignoreFiles,
    batchSize: 4096,
    onBatch: (entries) => {
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
      const batch: WalkBatch = { bytes, ends, dirs };
      task.port.postMessage(batch, [bytes.buffer, ends.buffer, dirs.buffer]);
    },
  });
  task.port.close();
  return { errors: result.errors, count: result.entries.length };
}
