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

/** One streamed batch: paths, and 1 for each path that is a folder. */
export interface WalkBatch {
  paths: string[];
  dirs: Uint8Array;
}

export default function walk(task: WalkTask): { errors: WalkError[]; count: number } {
  const result = walkTree(task.root, {
    hidden: task.hidden,
    ignoreFiles: task.ignoreFiles,
    batchSize: 2048,
    onBatch: (entries) => {
      const batch: WalkBatch = { paths: entries.map((e) => e.path), dirs: Uint8Array.from(entries, (e) => (e.dir ? 1 : 0)) };
      task.port.postMessage(batch);
    },
  });
  task.port.close();
  return { errors: result.errors, count: result.entries.length };
}
