// Waiting on code codeintel does not control (a plugin's init, a hook) with a deadline: a promise
// that never settles must not hang a tool call, hold its admission slot, or let a one-shot command
// end with nothing printed. The work is not stopped (JavaScript cannot), only no longer awaited.
//
//   withinDeadline(fn, ms)   → { value } | { late: true }; fn's own throw or rejection passes through

export type Outcome<T> = { value: T; late?: undefined } | { late: true };

export async function withinDeadline<T>(fn: () => T | Promise<T>, ms: number): Promise<Outcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  // The timer is what keeps a process alive that waits on nothing else.
  const late = new Promise<Outcome<T>>((resolve) => (timer = setTimeout(() => resolve({ late: true }), ms)));
  try {
    return await Promise.race([Promise.resolve().then(fn).then((value): Outcome<T> => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
