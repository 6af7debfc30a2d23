// A connection's bounded outbound queue, drained by its own writer so that a slow
// client only ever slows itself. Messages with a coalesce key (superseded
// snapshots, progress) may be replaced or dropped; all others are never dropped:
// a client that stops reading is detected as stalled and its transport closes it,
// or (stdio, which cannot be dropped without ending the service) the transport stops
// reading input while the queue is `full` and resumes when `room()` resolves.
import type { RpcOutgoing } from "./jsonrpc.js";

/** Messages a connection may queue before droppable ones are shed (and stdio input pauses). */
export const DEFAULT_QUEUE_CAPACITY = 1024;

export interface OutboundWriter {
  /** Writes one serialized message; resolves once the transport can take the next one. */
  write(data: string): Promise<void>;
  /** Ends the connection; `reason` is shown to the peer where the transport can. */
  close(reason: string): void;
}

export interface OutboundQueueOptions {
  /** Queued messages before droppable ones are shed and the stall clock starts. */
  capacity: number;
  /** A connection full (or with one write pending) this long is stalled. Undefined: never. */
  stallMs?: number;
  onStall?: (reason: string) => void;
}

export interface OutboundStats {
  queued: number;
  written: number;
  coalesced: number;
  dropped: number;
}

interface Entry<M> {
  message: M;
  coalesceKey?: string;
  /** Set by send(): told when the message is written (no argument) or will never be. */
  settle?: (err?: Error) => void;
}

/** `M` is the transport's message type: JSON-RPC for the app-server, the MCP SDK's for MCP. */
export class OutboundQueue<M extends object = RpcOutgoing> {
  private readonly entries: Entry<M>[] = [];
  private writing = false;
  /** The entry being written, so close() can settle it too if its write never completes. */
  private current: Entry<M> | undefined;
  private closed = false;
  private stallTimer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  private roomWaiters: Array<() => void> = [];
  readonly stats: OutboundStats = { queued: 0, written: 0, coalesced: 0, dropped: 0 };

  constructor(
    private readonly writer: OutboundWriter,
    private readonly options: OutboundQueueOptions,
  ) {}

  get length(): number {
    return this.entries.length;
  }

  /** At capacity: a transport that can should stop reading its peer's input until room(). */
  get full(): boolean {
    return this.entries.length >= this.options.capacity;
  }

  /** Resolves once the queue is down to half its capacity (at once if it is), or closed. */
  room(): Promise<void> {
    if (this.closed || this.hasRoom()) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /**
   * Queues a message. With a coalesce key, an older queued message with the same key is
   * superseded (removed; the new one goes to the back so order with other messages holds),
   * and when the queue is full the message is dropped rather than queued.
   */
  push(message: M, coalesceKey?: string): void {
    if (this.closed) return;
    if (coalesceKey !== undefined) {
      const older = this.entries.findIndex((e) => e.coalesceKey === coalesceKey);
      if (older >= 0) {
        this.entries.splice(older, 1);
        this.stats.coalesced++;
      } else if (this.entries.length >= this.options.capacity) {
        this.stats.dropped++;
        this.checkStall();
        return;
      }
    }
    this.entries.push({ message, coalesceKey });
    this.stats.queued++;
    this.checkStall();
    void this.drain();
  }

  /** Queues a message that is never dropped; resolves once it is written, rejects if the queue closes first. */
  send(message: M): Promise<void> {
    if (this.closed) return Promise.reject(new Error("connection closed"));
    return new Promise((resolve, reject) => {
      this.entries.push({ message, settle: (err) => (err ? reject(err) : resolve()) });
      this.stats.queued++;
      this.checkStall();
      void this.drain();
    });
  }

  /** Resolves when everything queued has been written (or the queue closed). */
  flushed(): Promise<void> {
    if (this.closed || (this.entries.length === 0 && !this.writing)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    const unsent = this.entries.splice(0);
    if (this.current) unsent.unshift(this.current);
    for (const e of unsent) e.settle?.(new Error("connection closed"));
    this.clearStall();
    this.wakeIdle();
    this.wakeRoom();
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (!this.closed && this.entries.length > 0) {
        const entry = this.entries.shift()!;
        this.current = entry;
        this.checkStall();
        this.armStall();
        if (this.hasRoom()) this.wakeRoom();
        try {
          await this.writer.write(JSON.stringify(entry.message));
        } catch (err) {
          const reason = `write failed: ${err instanceof Error ? err.message : String(err)}`;
          entry.settle?.(new Error(reason));
          this.close();
          this.writer.close(reason);
          return;
        }
        entry.settle?.();
        this.stats.written++;
      }
    } finally {
      this.current = undefined;
      this.writing = false;
      this.checkStall();
      if (this.entries.length === 0) this.wakeIdle();
    }
  }

  // Stalled = full, or one write pending, for stallMs. The second case catches a peer that
  // stopped reading while coalescing keeps its queue short.
  private checkStall(): void {
    if (this.entries.length >= this.options.capacity || this.writing) this.armStall();
    else this.clearStall();
  }

  private armStall(): void {
    if (this.stallTimer || this.closed || this.options.stallMs === undefined) return;
    const started = this.stats.written;
    this.stallTimer = setTimeout(() => {
      this.stallTimer = undefined;
      const stuck = this.stats.written === started && (this.writing || this.entries.length >= this.options.capacity);
      if (stuck) {
        const reason = `client not reading: ${this.entries.length} messages queued, none written for ${this.options.stallMs} ms`;
        this.close();
        this.options.onStall?.(reason);
        this.writer.close(reason);
      } else {
        this.checkStall();
      }
    }, this.options.stallMs);
    this.stallTimer.unref();
  }

  private clearStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = undefined;
  }

  private hasRoom(): boolean {
    return this.entries.length <= this.options.capacity / 2;
  }

  private wakeRoom(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
