// Shared test helpers: fixture copies in a temp dir (tests edit files on disk); process
// accounting and waiting come from test/support.

import { cpSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** Copies test/fixtures/<names> into a fresh temp dir; returns its canonical path. */
export function copyFixtures(...names: string[]): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "codeintel-lsp-")));
  for (const name of names) cpSync(join(fixturesDir, name), join(dir, name), { recursive: true });
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

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
