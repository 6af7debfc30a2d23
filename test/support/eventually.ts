// Waiting on a condition in tests: poll until it holds, with a generous deadline that only turns
// a hang into a clear failure. Never a timing assertion (the machine is shared and noisy).

/**
 * Polls `fn` until it returns a truthy value and resolves with that value; an error thrown
 * meanwhile counts as "not yet". After `timeoutMs` it fails naming `what` and the last value or
 * error seen.
 */
export async function eventually<T>(fn: () => T | Promise<T>, what = "condition", timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An explicit signal for a test to wait on: `opened` resolves the first time `open` is called
 * (e.g. as an `onprogress`), or fails naming `what` after `timeoutMs`.
 */
export function latch(what = "the signal", timeoutMs = 30_000): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
    open = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  opened.catch(() => undefined); // a test that never gets to await it fails on its own
  return { open, opened };
}
