// The bound on work in flight across every transport. A request that finds it full is
// answered "overloaded; retry later" at once instead of queueing without limit; on
// shutdown the gate closes and the service waits (bounded) for what already entered.

export class IntakeGate {
  private inFlight = 0;
  private closedReason: string | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(readonly capacity: number) {}

  get active(): number {
    return this.inFlight;
  }

  /** "ok", "full" or "closed"; on "ok" the caller must call leave() exactly once. */
  tryEnter(): "ok" | "full" | "closed" {
    if (this.closedReason !== undefined) return "closed";
    if (this.inFlight >= this.capacity) return "full";
    this.inFlight++;
    return "ok";
  }

  leave(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Stops admitting work. */
  close(reason = "shutting down"): void {
    this.closedReason ??= reason;
  }

  /** Resolves true when nothing is in flight, false if `timeoutMs` passes first. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }
}
