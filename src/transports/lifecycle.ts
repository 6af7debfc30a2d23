// Signal handling for long-running servers: the first SIGTERM/SIGINT starts a graceful
// shutdown (stop accepting, drain in-flight work within a bound, stop engines); a second
// one forces an immediate exit (engines kill their process trees in their exit hooks).
//
// "Immediate" must hold in every state. process.exit() does not guarantee it: before the process
// ends, Node joins every worker thread, and a thread busy in code that does not heed termination
// (compiling a grammar's WebAssembly, say) holds that join, while the main thread, stuck in it,
// can run no more signal handlers. So a forced exit runs the exit hooks itself (synchronous:
// the engines kill their process trees), then gives the signal back its default action and
// re-raises it: the kernel ends the process, no join. The graceful path is bounded too: past
// `forceAfterMs` it forces as a second signal would; and once it is done, releaseSignals() lets
// a signal during the final exit end the process at once.

export interface ShutdownHooks {
  /** Runs once; its result is the exit code. */
  graceful(reason: string): Promise<number>;
  /** A graceful shutdown still running this long after it began is forced (default: never). */
  forceAfterMs?: number;
  /** Called on a second signal, just before process.exit. */
  force?(): void;
  log?: (line: string) => void;
}

export interface SignalGuard {
  /** Resolves with the exit code once a graceful shutdown (however started) has finished. */
  readonly finished: Promise<number>;
  /** Starts the graceful shutdown as if a signal came; resolves with its exit code. */
  shutdown(reason: string): Promise<number>;
  dispose(): void;
}

export function guardSignals(hooks: ShutdownHooks): SignalGuard {
  let running: Promise<number> | undefined;
  let finish!: (code: number) => void;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const shutdown = (reason: string): Promise<number> => {
    running ??= hooks
      .graceful(reason)
      .catch((err: unknown) => {
        hooks.log?.(`codeintel: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        return 1;
      })
      .then((code) => {
        finish(code);
        return code;
      });
    return running;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      hooks.log?.(`codeintel: ${signal} again, forcing exit`);
      forceExit(signal, hooks.force);
    }
    hooks.log?.(`codeintel: ${signal}, finishing in-flight requests (send it again to force)`);
    void shutdown(signal);
    if (hooks.forceAfterMs !== undefined) {
      const ms = hooks.forceAfterMs;
      setTimeout(() => {
        hooks.log?.(`codeintel: shutdown still running after ${ms} ms, forcing exit`);
        forceExit(signal, hooks.force);
      }, ms).unref();
    }
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return {
    finished,
    shutdown,
    dispose() {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    },
  };
}

/**
 * Ends the process now, whatever its threads are doing: the 'exit' hooks run here (they are
 * synchronous), then the signal, back to its default action, is raised again.
 */
export function forceExit(signal: NodeJS.Signals, force?: () => void): never {
  const code = signal === "SIGINT" ? 130 : 143;
  try {
    force?.();
    process.emit("exit", code);
  } finally {
    releaseSignals();
    process.kill(process.pid, signal);
  }
  // Not reached: the default action of SIGTERM/SIGINT ends the process.
  process.exit(code);
}

/** Gives SIGTERM and SIGINT back their default action (the kernel ends the process at once). */
export function releaseSignals(): void {
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGINT");
}

/** Resolves after `ms`, or at once when `p` settles first; never rejects. */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([p.catch(() => "timeout" as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

