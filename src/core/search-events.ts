// A streaming search session as an async iterable, for in-process callers: the same
// start → update* → stop protocol the app-server speaks, without a socket. Like the
// transports, it keeps only the newest snapshot for a slow consumer.
import type { SearchEvent } from "../protocol/index.js";
import type { FileSearchProvider, SearchSessionHandle } from "./file-search.js";

export type { SearchEvent } from "../protocol/index.js";

export class SearchSessionStream implements AsyncIterable<SearchEvent> {
  private readonly handle: SearchSessionHandle;
  private readonly pending: SearchEvent[] = [];
  private waiter: ((r: IteratorResult<SearchEvent>) => void) | undefined;
  private stopped = false;

  constructor(provider: FileSearchProvider, roots: string[]) {
    this.handle = provider.startSession(roots, {
      updated: (query, files) => this.enqueue({ type: "updated", query, files }),
      completed: (query) => this.enqueue({ type: "completed", query }),
    });
  }

  update(query: string): void {
    if (!this.stopped) this.handle.update(query);
  }

  /** Ends the session; the iterator finishes and no event follows. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.handle.stop();
    this.pending.length = 0;
    this.waiter?.({ value: undefined, done: true });
    this.waiter = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<SearchEvent> {
    return {
      next: () => {
        const event = this.pending.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.stopped) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private enqueue(event: SearchEvent): void {
    if (this.stopped) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w({ value: event, done: false });
      return;
    }
    // A snapshot not yet consumed is superseded by a newer one for the same query stream.
    const last = this.pending[this.pending.length - 1];
    if (event.type === "updated" && last?.type === "updated") this.pending[this.pending.length - 1] = event;
    else this.pending.push(event);
  }
}
