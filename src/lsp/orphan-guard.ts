// Language servers must die with codeintel, however codeintel dies. The "exit" hook and
// dispose() cover a normal exit; nothing in-process runs after SIGKILL, SIGSEGV or
// SIGABRT, and a server that ignores end of stdin and SIGTERM would live on under init.
//
// So each codeintel process keeps one tiny watchdog (/bin/sh) while it has servers. We
// write "+PGID" / "-PGID" lines to its stdin as server process groups come and go; when
// that pipe reaches end of file — which the kernel delivers when codeintel dies, any way
// it dies — the watchdog SIGKILLs every group still registered. The watchdog lives in its
// own process group and ignores INT/TERM/HUP, so a signal to codeintel's group (Ctrl-C)
// does not take it down before it has done its job. With no group registered its stdin is
// closed and it exits, so an idle codeintel leaves no extra process.
//
// Why not PR_SET_PDEATHSIG (`setpriv --pdeathsig KILL`)? It reaches only the direct child:
// tsserver under typescript-language-server, or anything a shell wrapper starts, survives.
// Linux (and any system with /bin/sh and kill -PGID); elsewhere the guard is a no-op.
//
//   guardGroup(pgid)    kill this group if codeintel dies
//   releaseGroup(pgid)  the group is gone (or handled); forget it
//   guardIdle()         resolves once the watchdog has exited after the last release

import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";

const SCRIPT = `
trap '' INT TERM HUP
groups=" "
while IFS= read -r line; do
  case $line in
    +*) groups="$groups\${line#+} " ;;
    -*) p="\${line#-}"
        case $groups in *" $p "*) groups="\${groups%% $p *} \${groups#* $p }" ;; esac ;;
  esac
done
for p in $groups; do kill -9 "-$p" 2>/dev/null; done
`;

const guarded = new Set<number>();
let watchdog: ChildProcess | undefined;
/** Resolves when the last watchdog told to finish has exited. */
let finished: Promise<void> = Promise.resolve();

/** Registers a process group (a detached server's pid) to be SIGKILLed if this process dies. */
export function guardGroup(pgid: number): void {
  if (guarded.has(pgid)) return;
  guarded.add(pgid);
  if (watchdog) watchdog.stdin?.write(`+${pgid}\n`);
  else startWatchdog();
}

export function releaseGroup(pgid: number): void {
  if (!guarded.delete(pgid) || !watchdog) return;
  if (guarded.size > 0) {
    watchdog.stdin?.write(`-${pgid}\n`);
    return;
  }
  // Nothing left to guard: end of file with an empty list, and it exits quietly.
  const dog = watchdog;
  watchdog = undefined;
  finished = new Promise((resolve) => {
    if (dog.exitCode !== null || dog.signalCode !== null) return resolve();
    dog.once("exit", () => resolve());
    // Whoever awaits guardIdle() must not see the event loop drain first: the watchdog is
    // unref'd while it guards, so hold the loop until it has gone (it exits at once on EOF).
    dog.ref();
    dog.stdin?.end(`-${pgid}\n`);
  });
}

/** Resolves once no watchdog runs, or at once while groups are guarded (dispose waits on it). */
export function guardIdle(): Promise<void> {
  return guarded.size > 0 ? Promise.resolve() : finished;
}

function startWatchdog(): void {
  if (process.platform === "win32" || !existsSync("/bin/sh")) return;
  const dog = spawn("/bin/sh", ["-c", SCRIPT], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  dog.on("error", () => {
    // no shell: the exit hook and dispose() still stop servers on a normal exit
  });
  dog.stdin!.on("error", () => {
    // the watchdog was killed; its exit handler starts a new one
  });
  dog.once("exit", () => {
    if (watchdog !== dog) return;
    // Killed from outside while guarding: a new one takes over every registered group.
    watchdog = undefined;
    if (guarded.size > 0) startWatchdog();
  });
  // The watchdog must never keep codeintel alive.
  dog.unref();
  (dog.stdin as unknown as { unref?: () => void }).unref?.();
  watchdog = dog;
  for (const pgid of guarded) dog.stdin!.write(`+${pgid}\n`);
}
