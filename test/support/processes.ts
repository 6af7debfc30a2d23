// Process accounting through /proc for orphan checks: who is alive, who is whose child, which
// process group, what command line, what environment, how much memory. Zombies count as gone.
import { readdirSync, readFileSync } from "node:fs";

export interface Proc {
  pid: number;
  ppid: number;
  pgrp: number;
}

/** Every live (not zombie) process. */
export function processes(): Proc[] {
  const out: Proc[] = [];
  for (const n of readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    const p = processInfo(Number(n));
    if (p) out.push(p);
  }
  return out;
}

/** One live process, or undefined when it is gone or a zombie. */
export function processInfo(pid: number): Proc | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (rest[0] === "Z") return undefined;
    return { pid, ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return undefined; // exited while scanning
  }
}

/** Live direct children of `parent`. */
export function childrenOf(parent: number): number[] {
  return processes().filter((p) => p.ppid === parent).map((p) => p.pid);
}

/** Live processes descended from `root` (default: this test process). */
export function liveDescendants(root = process.pid): number[] {
  const all = processes();
  const out: number[] = [];
  const queue = [root];
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
  return processes().filter((p) => groups.includes(p.pgrp)).map((p) => p.pid);
}

/** The command line of `pid`, arguments NUL-separated; "" when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

/** Live processes whose environment holds `NAME=value` (a marker a test set on a child it spawned). */
export function processesWithEnv(name: string, value: string): number[] {
  const entry = `${name}=${value}`;
  return processes()
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p.pid}/environ`, "latin1").split("\0").includes(entry);
      } catch {
        return false; // gone or not ours
      }
    })
    .map((p) => p.pid);
}

/** Resident memory of `pid` in MB: now (VmRSS) or its peak so far (VmHWM). */
export function memoryMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}
