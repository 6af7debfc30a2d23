// Shared test helpers for the language server tests: fixture copies, process accounting and
// waiting come from test/support.

export { copyFixtures, removeTree } from "../support/tree.js";
export { liveDescendants, liveInGroups } from "../support/processes.js";
export { eventually } from "../support/eventually.js";

/** 0-based line and UTF-16 character of the first occurrence of `needle` (optionally after `after`). */
export function positionOf(text: string, needle: string, after = ""): { line: number; character: number } {
  const start = after ? text.indexOf(after) : 0;
  const index = text.indexOf(needle, start < 0 ? 0 : start);
  if (index < 0) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return { line, character: index - (before.lastIndexOf("\n") + 1) };
}
