// One tool call's time budget. An agent's MCP client gives up on a request after 60 s
// by default (the SDK's DEFAULT_REQUEST_TIMEOUT_MSEC) and shows a generic timeout, so
// codeintel must answer before that with an error naming the slow step. One call may
// wait on several steps — the server's start, its loading, a request, a second request
// after a crash or after loading, and a tool may make several pool calls (find the
// symbol, then hover it) — so every step draws on one deadline. It travels with the call
// in AsyncLocalStorage: the tool opens the scope (the navigation tools' shared wrapper,
// tools/navigation/common.ts guarded), the pool fixes the deadline on its first use (from
// its config) and caps each wait by what is left. A tool that runs another inside it (the
// cached symbol tools fall back to the live ones) stays in the one call. Work the call
// started in the background (a lazily started indexer) is capped only until it returns.
//
//   inOneCall(fn)                 run fn as one call, or as part of the call already open
//   beyondCall(fn)                run fn as work of its own (an index pass a call asked for)
//   startCallClock(budgetMs)      fix the call's deadline if not yet fixed (the pool)
//   timeLeftInCall()              ms until the deadline; Infinity outside a call

import { AsyncLocalStorage } from "node:async_hooks";

interface CallScope {
  deadline?: number;
  ended?: boolean;
}

const scopes = new AsyncLocalStorage<CallScope>();

export function inOneCall<T>(fn: () => Promise<T>): Promise<T> {
  const open = scopes.getStore();
  if (open && !open.ended) return fn();
  const scope: CallScope = {};
  return scopes.run(scope, async () => {
    try {
      return await fn();
    } finally {
      scope.ended = true;
    }
  });
}

/**
 * Runs fn outside the current call: its waits are capped by their own timeouts only. For work
 * a call asks for that is no single question (an index pass over every file takes minutes).
 */
export function beyondCall<T>(fn: () => T): T {
  return scopes.exit(fn);
}

export function startCallClock(budgetMs: number): void {
  const scope = scopes.getStore();
  if (scope && !scope.ended && scope.deadline === undefined) scope.deadline = Date.now() + budgetMs;
}

export function timeLeftInCall(): number {
  const scope = scopes.getStore();
  const deadline = scope?.ended ? undefined : scope?.deadline;
  return deadline === undefined ? Infinity : Math.max(0, deadline - Date.now());
}
