// Finding and killing a language server's whole process tree. Servers are spawned
// as process-group leaders (detached), so kill(-pgid) reaches children such as
// tsserver; /proc is also walked for descendants that left the group (setsid).

import { readdirSync, readFileSync } from "node:fs";

interface ProcStat {
  pid: number;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces and parentheses: parse after the last ')'.
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    if (rest[0] === "Z") return undefined; // a zombie is already dead
    return { pid, ppid: Number(rest[1]), pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: ProcStat[] = [];
  for (const n of names) {
    if (!/^\d+$/.test(n)) continue;
    const s = readStat(Number(n));
    if (s) out.push(s);
  }
  return out;
}

/** Live pids in the process group `pgid` plus every descendant of `rootPid` (empty where /proc is absent). */
export function processTree(rootPid: number, pgid = rootPid): number[] {
  const procs = allProcesses();
  const children = new Map<number, number[]>();
  for (const p of procs) {
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const result = new Set<number>();
  for (const p of procs) if (p.pgrp === pgid) result.add(p.pid);
  const live = new Set(procs.map((p) => p.pid));
  const seen = new Set([rootPid]);
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const c of children.get(queue.pop()!) ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        queue.push(c);
      }
    }
  }
  for (const pid of seen) if (live.has(pid)) result.add(pid);
  return [...result];
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readStat(pid) !== undefined || !existsProc();
  } catch {
    return false;
  }
}

function existsProc(): boolean {
  try {
    readdirSync("/proc/self");
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal` to the group and to each pid; errors for already-gone processes are ignored. */
export function signalTree(pgid: number, pids: readonly number[], signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // group already gone
  }
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the tree, wait up to `graceMs`, then SIGKILL whatever is left. */
export async function killTree(pid: number, graceMs = 1000): Promise<void> {
  const pids = processTree(pid);
  signalTree(pid, pids, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (![pid, ...pids].some(isAlive) && !groupAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  signalTree(pid, [...new Set([...pids, ...processTree(pid)])], "SIGKILL");
}

/** Synchronous last resort for process exit: SIGKILL the group and known descendants. */
export function killTreeSync(pid: number): void {
  signalTree(pid, processTree(pid), "SIGKILL");
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return allProcesses().some((p) => p.pgrp === pgid);
  } catch {
    return false;
  }
}
