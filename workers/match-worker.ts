// Piscina worker entry point: scores a slice of a shared path table (see src/files/match-chunk.ts).
import { matchChunk, type MatchChunkResult, type MatchTask } from "../src/files/match-chunk.js";

export default function match(task: MatchTask): MatchChunkResult {
  return matchChunk(task);
}
