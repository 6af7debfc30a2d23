// The match task of the files worker (files-worker.ts): scores a slice of a shared path table (see src/files/match-chunk.ts).
// The result's arrays are moved to the main thread, not copied: a broad query's `matched` list
// holds thousands of indices per chunk.
import { Piscina } from "piscina";
import { matchChunk, type MatchChunkResult, type MatchTask } from "../src/files/match-chunk.js";

export default function match(task: MatchTask): MatchChunkResult {
  const result = matchChunk(task);
  const movable = {
    [Piscina.transferableSymbol]: [...result.matched.map((m) => m.buffer), result.topIndex.buffer, result.topKey.buffer],
    [Piscina.valueSymbol]: result,
  };
  // (Piscina unwraps it: the caller receives `result`.)
  return Piscina.move(movable as never) as unknown as MatchChunkResult;
}
