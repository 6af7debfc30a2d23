// Signal handling for long-running servers: the first SIGTERM/SIGINT starts a graceful
// shutdown (stop accepting, drain in-flight work within a bound, stop engines); a second
// one forces an immediate exit (engines kill their process trees in their exit hooks).

export interface ShutdownHooks {
  /** Runs once; its result is the exit code. */
  graceful(reason: string): Promise<number>;
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
      hooks.force?.();
      process.exit(signal === "SIGINT" ? 130 : 143);
    }
    hooks.log?.(`codeintel: ${signal}, finishing in-flight requests (send it again to force)`);
    void shutdown(signal);
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

