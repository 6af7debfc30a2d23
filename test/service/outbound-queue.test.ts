// The per-connection outbound queue on its own, with a writer the test holds back: what is
// coalesced, what is never dropped, and when a peer counts as stalled.
import { describe, expect, it, vi } from "vitest";
import { notification, resultMessage } from "../../src/core/jsonrpc.js";
import { OutboundQueue, type OutboundWriter } from "../../src/core/outbound-queue.js";

/** A writer that completes each write only when the test says so. */
function heldWriter() {
  const written: string[] = [];
  const held: Array<() => void> = [];
  let closedWith: string | undefined;
  const writer: OutboundWriter = {
    write: (data) =>
      new Promise<void>((resolve) => {
        written.push(data);
        held.push(resolve);
      }),
    close: (reason) => {
      closedWith = reason;
    },
  };
  return {
    writer,
    written,
    release: () => held.shift()?.(),
    get closedWith() {
      return closedWith;
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
const snapshot = (q: string) => notification("fuzzyFileSearch/sessionUpdated", { sessionId: "s", query: q, files: [] });

describe("OutboundQueue", () => {
  it("keeps only the newest snapshot per key, after everything queued before it", async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.writer, { capacity: 10 });
    q.push(resultMessage(0, "first")); // being written, held
    q.push(snapshot("a"), "s");
    q.push(resultMessage(1, "answer"));
    q.push(snapshot("ab"), "s");
    q.push(snapshot("abc"), "s");
    expect(q.length).toBe(2);
    expect(q.stats.coalesced).toBe(2);
    for (let i = 0; i < 3; i++) {
      w.release();
      await tick();
    }
    const queries = w.written.map((d) => JSON.parse(d) as { result?: string; params?: { query: string } }).map((m) => m.result ?? m.params?.query);
    expect(queries).toEqual(["first", "answer", "abc"]);
  });

  it("sheds droppable messages when full but never answers", async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.writer, { capacity: 3 });
    for (let i = 0; i < 10; i++) q.push(resultMessage(i, i));
    q.push(notification("$/progress", { progressToken: 1, progress: 1 }), "p");
    expect(q.stats.dropped).toBe(1);
    expect(q.length).toBe(9); // one is being written
    for (let i = 0; i < 10; i++) {
      w.release();
      await tick();
    }
    expect(w.written.map((d) => (JSON.parse(d) as { id: number }).id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it("declares a peer stalled when a write hangs past the bound, and not before", async () => {
    vi.useFakeTimers();
    try {
      const w = heldWriter();
      let stalled: string | undefined;
      const q = new OutboundQueue(w.writer, { capacity: 100, stallMs: 150, onStall: (r) => (stalled = r) });
      q.push(resultMessage(1, "x"));
      await vi.advanceTimersByTimeAsync(100);
      w.release(); // progress: the clock restarts
      await vi.advanceTimersByTimeAsync(0);
      q.push(resultMessage(2, "y"));
      await vi.advanceTimersByTimeAsync(149); // 249 ms since the first push, 149 since the last write
      expect(stalled).toBeUndefined();
      await vi.advanceTimersByTimeAsync(1);
      expect(stalled).toMatch(/client not reading: 0 messages queued, none written for 150 ms/);
      expect(w.closedWith).toBe(stalled);
      q.push(resultMessage(3, "after close"));
      expect(q.length).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("flushed() resolves once everything queued is written", async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.writer, { capacity: 10 });
    q.push(resultMessage(1, 1));
    q.push(resultMessage(2, 2));
    let done = false;
    void q.flushed().then(() => (done = true));
    w.release();
    await tick();
    expect(done).toBe(false);
    w.release();
    await tick();
    expect(done).toBe(true);
  });

  it("send() resolves once written and rejects when the queue closes first", async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.writer, { capacity: 10 });
    const first = q.send(resultMessage(1, 1));
    const second = q.send(resultMessage(2, 2));
    let firstDone = false;
    void first.then(() => (firstDone = true));
    await tick();
    expect(firstDone).toBe(false);
    w.release();
    await first;
    q.close();
    await expect(second).rejects.toThrow(/closed/);
    await expect(q.send(resultMessage(3, 3))).rejects.toThrow(/closed/);
  });

  it("is full at capacity, and room() resolves once it is down to half", async () => {
    const w = heldWriter();
    const q = new OutboundQueue(w.writer, { capacity: 4 });
    for (let i = 0; i < 5; i++) q.push(resultMessage(i, i)); // one being written, four queued
    expect(q.full).toBe(true);
    let room = false;
    void q.room().then(() => (room = true));
    w.release();
    await tick();
    expect(room).toBe(false); // three queued
    w.release();
    await tick();
    expect(room).toBe(true); // two queued: half
    expect(q.full).toBe(false);
  });
});
