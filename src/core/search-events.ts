// A streaming search session as an async iterable, for in-process callers: the same
// start → update* → stop protocol the app-server speaks, without a socket, through the same
// file-search door (core/search-dispatch.ts). Like the transports, it keeps only the newest
// snapshot for a slow consumer; like the client SDK's session, a query the door refuses (too
// long, a hook's veto) ends the iteration with that error.
import type { SearchEvent } from "../protocol/index.js";
import type { FileSearchDispatch, SearchSession } from "./search-dispatch.js";

export type { SearchEvent } from "../protocol/index.js";

export class SearchSessionStream implements AsyncIterable<SearchEvent> {
  private readonly handle: SearchSession;
  private readonly pending: SearchEvent[] = [];
  private waiter: { resolve(r: IteratorResult<SearchEvent>): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;
  private stopped = false;

  constructor(search: FileSearchDispatch, roots: string[] | undefined) {
    this.handle = search.openSession(roots, "codeintel", {
      updated: (query, files) => this.enqueue({ type: "updated", query, files }),
      completed: (query) => this.enqueue({ type: "completed", query }),
    });
  }

  update(query: string): void {
    if (this.stopped) return;
    this.handle.update(query).catch((err: Error) => this.fail(err));
  }

  /** Ends the session; the iterator finishes and no event follows. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.handle.stop();
    this.pending.length = 0;
    this.waiter?.resolve({ value: undefined, done: true });
    this.waiter = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<SearchEvent> {
    return {
      next: () => {
        const event = this.pending.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.failure) return Promise.reject(this.failure);
        if (this.stopped) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
      },
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** The session cannot go on: it stops, and the iterator rejects with `err` once the events before it are read. */
  private fail(err: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.failure = err;
    this.handle.stop();
    const w = this.waiter;
    this.waiter = undefined;
    w?.reject(err);
  }

  private enqueue(event: SearchEvent): void {
    if (this.stopped) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w.resolve({ value: event, done: false });
      return;
    }
    // A snapshot not yet consumed is superseded by a newer one for the same query stream.
    const last = this.pending[this.pending.length - 1];
    if (event.type === "updated" && last?.type === "updated") this.pending[this.pending.length - 1] = event;
    else this.pending.push(event);
  }
}
