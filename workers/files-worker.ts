// Piscina worker entry point of a FileFinder's pool: one entry for both of its tasks, so each
// thread loads its modules once, at start.
// The default task scores a slice of the path table (match-worker.ts); "walk" walks part of a
// non-git tree (walk-worker.ts).
export { default } from "./match-worker.js";
export { default as walk } from "./walk-worker.js";
