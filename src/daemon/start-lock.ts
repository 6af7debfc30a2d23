// The lock a CLI holds while it starts a project's daemon (ensure.ts), so that concurrent first
// calls start exactly one. The rules, each against a race seen in practice:
//
// - Created whole or not at all: the content (`PID STARTTIME`) is written to a private file
//   that is then hard-linked into place, which fails with EEXIST when the lock is held. So a
//   lock is never seen empty or half written.
// - Stale when its holder is gone: the pid is dead, or it now names another process (its start
//   time, from /proc, differs: pids get reused).
// - Taken over only under a second lock (`.takeover`), re-checking that the lock about to be
//   removed is the very one judged stale (same inode, same content). Without it, two CLIs that
//   both saw the stale lock would both remove "it", the second deleting the lock the first had
//   just created, and two daemons would start. Inside the takeover lock nothing else can remove a
//   stale lock, and its dead holder cannot release it, so the re-check cannot go out of date.
// - Released only while it is still ours.
//
// The takeover lock is held for microseconds; one left by a process killed inside that window is
// removed as stale by its holder's pid the same way (that nested window is the one residual race).
import { linkSync, readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { pidAlive, processStat } from "./locate.js";

/** A legacy or foreign lock without a readable holder counts as stale after this long. */
const UNREADABLE_STALE_MS = 10_000;

/** Takes the lock at `path` (taking over a stale one); false when a live process holds it. */
export function takeLock(path: string): boolean {
  for (let tries = 0; tries < 3; tries++) {
    if (create(path)) return true;
    const seen = inspect(path);
    if (!seen) continue; // released meanwhile: try again
    if (!isStale(seen)) return false;
    const takeover = `${path}.takeover`;
    if (!create(takeover)) {
      const holder = inspect(takeover);
      if (holder && isStale(holder)) removeIfSame(takeover, holder);
      return false; // the caller retries shortly
    }
    try {
      removeIfSame(path, seen);
    } finally {
      removeIfSame(takeover, inspect(takeover));
    }
  }
  return false;
}

/** Removes the lock if it is still the one this process took. */
export function releaseLock(path: string): void {
  const now = inspect(path);
  if (now && now.content === ownContent()) removeIfSame(path, now);
}

interface Seen {
  ino: number;
  mtimeMs: number;
  content: string;
}

function ownContent(): string {
  return `${process.pid} ${processStat(process.pid)?.startTime ?? "?"}\n`;
}

/** Creates `path` with our identity, atomically; false when it exists. */
function create(path: string): boolean {
  const draft = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(draft, ownContent(), { mode: 0o600 });
  try {
    linkSync(draft, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(draft);
  }
}

function inspect(path: string): Seen | undefined {
  try {
    const st = statSync(path);
    return { ino: st.ino, mtimeMs: st.mtimeMs, content: readFileSync(path, "utf8") };
  } catch {
    return undefined;
  }
}

function isStale(seen: Seen): boolean {
  const m = /^(\d+)(?: (\d+|\?))?\n?$/.exec(seen.content);
  // Not ours to read (an older build writes the pid after creating the file): judge by age.
  if (!m) return Date.now() - seen.mtimeMs > UNREADABLE_STALE_MS;
  const pid = Number(m[1]);
  if (!pidAlive(pid)) return true;
  const recorded = m[2];
  const actual = processStat(pid)?.startTime;
  // A live pid with another start time is a new process that reused the number.
  return recorded !== undefined && recorded !== "?" && actual !== undefined && recorded !== actual;
}

/** Unlinks `path` only if it is still the file `seen` describes. */
function removeIfSame(path: string, seen: Seen | undefined): void {
  if (!seen) return;
  const now = inspect(path);
  if (now && now.ino === seen.ino && now.content === seen.content) {
    try {
      unlinkSync(path);
    } catch {
      // gone already
    }
  }
}
