// Waiting on state that changes through events (progress, pushed diagnostics), not by polling.
// A waiter set is woken on every change; each waiter re-checks its own condition.
//
//   waitFor(ready, waiters, boundMs, signal?) → true when ready() holds, false after boundMs or abort
//   wake(waiters)                             calls every waiter once (it re-checks)
//   delay(ms)                                 a timer that does not hold the process open
//   sleep(ms, signal?)                        a timer that rejects with "cancelled" on abort

import { LspError } from "./errors.js";

export type Waiters = Set<() => void>;

export function waitFor(ready: () => boolean, waiters: Waiters, boundMs: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (ready()) return resolve(true);
    const done = (value: boolean) => {
      clearTimeout(timer);
      waiters.delete(check);
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const check = () => {
      if (ready()) done(true);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(ready()), boundMs);
    waiters.add(check);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function wake(waiters: Waiters): void {
  for (const w of [...waiters]) w();
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(new LspError("cancelled", "cancelled while waiting for the server to restart"));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
