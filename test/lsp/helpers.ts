// Shared test helpers: fixture copies in a temp dir (tests edit files on disk) and
// process accounting through /proc (orphan checks).

import { cpSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
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

interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
}

function procs(): Proc[] {
  const out: Proc[] = [];
  for (const n of readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const text = readFileSync(`/proc/${n}/stat`, "utf8");
      const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
      if (rest[0] === "Z") continue;
      out.push({ pid: Number(n), ppid: Number(rest[1]), pgrp: Number(rest[2]) });
    } catch {
      // exited while scanning
    }
  }
  return out;
}

/** Live processes descended from this test process. */
export function liveDescendants(): number[] {
  const all = procs();
  const out: number[] = [];
  const queue = [process.pid];
  while (queue.length > 0) {
    const parent = queue.pop()!;
    for (const p of all) if (p.ppid === parent) {
      out.push(p.pid);
      queue.push(p.pid);
    }
  }
  return out;
}

/** Live processes whose process group is one of `groups` (server groups survive reparenting). */
export function liveInGroups(groups: readonly number[]): number[] {
  return procs().filter((p) => groups.includes(p.pgrp)).map((p) => p.pid);
}

export async function eventually<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}

/** 0-based line and UTF-16 character of the first occurrence of `needle` (optionally after `after`). */
export function positionOf(text: string, needle: string, after = ""): { line: number; character: number } {
  const start = after ? text.indexOf(after) : 0;
  const index = text.indexOf(needle, start < 0 ? 0 : start);
  if (index < 0) throw new Error(`'${needle}' not found`);
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return { line, character: index - (before.lastIndexOf("\n") + 1) };
}
