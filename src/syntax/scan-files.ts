// One batch of a root's files scanned for whole-word occurrences of a name, in a syntax worker
// (workers/syntax-worker.ts, task "scan"); callable in-thread. Each file is read through the same
// safe-read gate as the indexers: what is not source text, or leads outside the root through a
// symlink, is skipped, never scanned.
//
//   scanFiles(task) → { hits, skipped }     hits: files that mention the name, in the task's order
import { join } from "node:path";
import { FolderRealPaths } from "../workspace/paths.js";
import { readSourceTextSync } from "../workspace/source-text.js";
import { occurrencesOf } from "./identifiers.js";
import { syntaxLanguageOf } from "./languages.js";

export interface ScanTask {
  root: string;
  /** Relative to root, with `/`. */
  paths: string[];
  name: string;
  /** Stop once this many occurrences are found in the batch (the caller's bound). */
  limit: number;
}

export interface ScanFileHit {
  path: string;
  /** 0-based line and UTF-16 character of each occurrence's start. */
  occurrences: [number, number][];
}

export interface ScanResult {
  hits: ScanFileHit[];
  /** Files not read: gone, outside the root, not regular, too large or binary. */
  skipped: number;
  /** The batch stopped at `limit` occurrences: later files of the batch were not scanned. */
  stopped: boolean;
}

export function scanFiles(task: ScanTask): ScanResult {
  const hits: ScanFileHit[] = [];
  let skipped = 0;
  let left = task.limit;
  const within = new FolderRealPaths([task.root]);
  for (const path of task.paths) {
    if (left <= 0) return { hits, skipped, stopped: true };
    const read = readSourceTextSync(join(task.root, path), within);
    if (!read.ok) {
      skipped++;
      continue;
    }
    if (!read.text.includes(task.name)) continue;
    const occurrences = occurrencesOf(read.text, task.name, syntaxLanguageOf(path), left);
    if (occurrences.length === 0) continue;
    hits.push({ path, occurrences });
    left -= occurrences.length;
  }
  return { hits, skipped, stopped: false };
}
