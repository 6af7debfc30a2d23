// What the service tells watchers (GET /v1/events): symbol index progress, language-server state
// changes and diagnostics published. Each event gets an id `<epoch>-<n>`; the last `capacity` are
// kept so a client that reconnects with the last id it saw gets what it missed, and learns when
// that id has fallen out of the buffer (or belongs to an earlier run of the service: another epoch).
import { randomBytes } from "node:crypto";

export type ServiceEvent =
  | {
      type: "index";
      root: string;
      phase: "planning" | "indexing" | "done";
      done: number;
      total: number;
      indexed: number;
      failed: number;
      symbols: number;
    }
  | { type: "server"; state: "spawn" | "ready" | "exit" | "broken" | "idle-stop"; serverId: string; root: string; reason?: string }
  | { type: "diagnostics"; serverId: string; file: string; version?: number; count: number; errors: number; warnings: number };

export interface StampedEvent {
  id: string;
  event: ServiceEvent;
}

export interface ServiceEventsOptions {
  /** Events kept for resuming (default 1000). */
  capacity?: number;
  /** Least time between two index events of one root in the same phase (default 1 s); "done" always goes out. */
  indexIntervalMs?: number;
}

export class ServiceEvents {
  /** Different for every run of the service, so ids of an earlier run are never mistaken for this one's. */
  readonly epoch = randomBytes(4).toString("hex");
  private readonly capacity: number;
  private readonly indexIntervalMs: number;
  private readonly ring: StampedEvent[] = [];
  private next = 1;
  private readonly listeners = new Set<(e: StampedEvent) => void>();
  private readonly lastIndex = new Map<string, { at: number; phase: string }>();

  constructor(options: ServiceEventsOptions = {}) {
    this.capacity = options.capacity ?? 1000;
    this.indexIntervalMs = options.indexIntervalMs ?? 1000;
  }

  publish(event: ServiceEvent): void {
    if (event.type === "index" && !this.indexDue(event)) return;
    const stamped = { id: `${this.epoch}-${this.next++}`, event };
    this.ring.push(stamped);
    if (this.ring.length > this.capacity) this.ring.shift();
    for (const listener of this.listeners) listener(stamped);
  }

  /** Calls `listener` with every event from now on; returns the unsubscribe function. */
  subscribe(listener: (e: StampedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listeners now (open event streams). */
  get watchers(): number {
    return this.listeners.size;
  }

  /** The id of the newest event, or of "nothing yet" (`<epoch>-0`). */
  get lastId(): string {
    return `${this.epoch}-${this.next - 1}`;
  }

  /** The events after `lastId`, or undefined when they cannot all be given (fallen out, another epoch, not an id). */
  since(lastId: string): StampedEvent[] | undefined {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastId);
    if (!m || m[1] !== this.epoch) return undefined;
    const seen = Number(m[2]);
    if (seen >= this.next) return undefined;
    const oldest = this.ring.length === 0 ? this.next : this.seq(this.ring[0]!);
    if (seen < oldest - 1) return undefined;
    return this.ring.filter((e) => this.seq(e) > seen);
  }

  private seq(e: StampedEvent): number {
    return Number(e.id.slice(this.epoch.length + 1));
  }

  private indexDue(event: Extract<ServiceEvent, { type: "index" }>): boolean {
    const now = Date.now();
    const last = this.lastIndex.get(event.root);
    if (last && last.phase === event.phase && event.phase !== "done" && now - last.at < this.indexIntervalMs) return false;
    this.lastIndex.set(event.root, { at: now, phase: event.phase });
    return true;
  }
}
