// A fuzzy file search session over the app-server, as an async iterable of snapshots (the
// in-process searchSession's shape). It outlives its connection: after a reconnect the client
// re-opens it (sessionStart with the same id, then the latest query) and iteration goes on.
// It asks for the "codeintel" dialect (src/protocol/methods.ts): the in-process session's rules
// (smart-case, an empty query lists the shortest paths) and its FileMatch, not codex's.
import { METHODS, NOTIFICATIONS, type FileMatch, type SearchEvent, type SessionStartParams } from "../protocol/index.js";
import type { ClientError } from "./errors.js";

/** What a session needs of its client. */
export interface SessionWire {
  readonly connected: boolean;
  request(method: string, params: Record<string, unknown>): Promise<unknown>;
  forgetSession(id: string): void;
}

let nextSession = 1;

export class ClientSearchSession implements AsyncIterable<SearchEvent> {
  readonly id = `client-${process.pid}-${nextSession++}-${Math.random().toString(36).slice(2, 8)}`;
  private query: string | undefined;
  /** The query of the last snapshot the server sent (sessionCompleted belongs to it). */
  private snapshotQuery: string | undefined;
  private readonly pending: SearchEvent[] = [];
  private waiter: { resolve(r: IteratorResult<SearchEvent>): void; reject(e: Error): void } | undefined;
  private failure: Error | undefined;
  private ended = false;

  constructor(
    private readonly wire: SessionWire,
    private readonly roots: string[],
  ) {}

  /** Searches for `query`; snapshots for it follow. While reconnecting it is sent once the session is back. */
  update(query: string): void {
    if (this.ended) return;
    this.query = query;
    if (this.wire.connected) this.send(METHODS.sessionUpdate, { sessionId: this.id, query });
  }

  /** Ends the session: iteration finishes, nothing follows. */
  stop(): void {
    if (this.ended) return;
    if (this.wire.connected) this.send(METHODS.sessionStop, { sessionId: this.id });
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<SearchEvent> {
    return {
      next: () => {
        const event = this.pending.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.failure) return Promise.reject(this.failure);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
      },
      return: () => {
        this.stop();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  /** (client) The connection is (back) up: start the session there and repeat the latest query. */
  reopen(): void {
    if (this.ended) return;
    const start: SessionStartParams = { sessionId: this.id, roots: this.roots, dialect: "codeintel" };
    this.send(METHODS.sessionStart, { ...start });
    if (this.query !== undefined) this.send(METHODS.sessionUpdate, { sessionId: this.id, query: this.query });
  }

  /** (client) The connection dropped: the snapshot in hand is stale, the query will be repeated. */
  connectionLost(): void {
    this.pending.length = 0;
  }

  /** (client) A notification for this session. */
  onNotification(method: string, params: Record<string, unknown>): void {
    if (method === NOTIFICATIONS.sessionUpdated) {
      this.snapshotQuery = params.query as string;
      if (params.query !== this.query) return; // an older query's snapshot
      this.push({ type: "updated", query: params.query as string, files: params.files as FileMatch[] });
    } else if (method === NOTIFICATIONS.sessionCompleted) {
      // The notification names no query: it completes the query of the snapshot just before it
      // (the server sends the final snapshot first). An older query's completion, which crossed
      // a newer update on the wire, is not this query's.
      if (this.snapshotQuery !== this.query) return;
      this.push({ type: "completed", query: this.query ?? "" });
    }
  }

  /** (client) Ends iteration, with an error when the session cannot go on. */
  end(error?: ClientError | Error): void {
    if (this.ended) return;
    this.ended = true;
    this.wire.forgetSession(this.id);
    if (error) this.failure = error;
    const w = this.waiter;
    this.waiter = undefined;
    if (!w) return;
    if (error && this.pending.length === 0) w.reject(error);
    else w.resolve({ value: undefined, done: true });
  }

  private send(method: string, params: Record<string, unknown>): void {
    // A drop fails the request "disconnected": reopen() repeats it. Any other failure ends the session with it.
    this.wire.request(method, params).catch((err: ClientError) => {
      if (err.code !== "disconnected" && err.code !== "closed") this.end(err);
    });
  }

  private push(event: SearchEvent): void {
    if (this.ended) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve({ value: event, done: false });
      return;
    }
    // A snapshot not yet consumed is superseded by a newer one.
    const last = this.pending[this.pending.length - 1];
    if (event.type === "updated" && last?.type === "updated") this.pending[this.pending.length - 1] = event;
    else this.pending.push(event);
  }
}
