// Newline-delimited messages over a pair of streams, shared by both stdio transports.
// Input is read only while the connection's outbound queue has room: a client that writes
// requests but never reads the answers stops being read (the pipe, then the client itself,
// holds the backlog) instead of growing this process until it runs out of memory. A stdio
// peer cannot be dropped without ending the service, so pausing is the only bound.
import type { Readable, Writable } from "node:stream";
import type { OutboundQueue } from "../core/outbound-queue.js";
import { LineSplitter } from "../protocol/line-splitter.js";

/** Longest accepted message line on stdio. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export interface LineReaderOptions {
  maxMessageBytes: number;
  line(text: string): void;
  /** A line over the limit was skipped (it cost at most the limit in memory). */
  oversized(bytes: number, limit: number): void;
  /** Reading pauses while this queue is full and resumes once it is half empty. */
  queue: Pick<OutboundQueue<object>, "full" | "length" | "room">;
  /** Told the first time reading pauses (later pauses of the same peer are the same story). */
  onPause?(reason: string): void;
}

export interface LineReader {
  /** Resolves when the input ends or fails, or stop() was called. */
  readonly ended: Promise<void>;
  /** Stops reading for good. */
  stop(): void;
}

export function readLines(input: Readable, options: LineReaderOptions): LineReader {
  const { queue, maxMessageBytes } = options;
  const splitter = new LineSplitter(maxMessageBytes, {
    line: options.line,
    oversized: (bytes) => options.oversized(bytes, maxMessageBytes),
  });
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  let stopped = false;
  let paused = false;
  let toldPause = false;

  // Checked after each chunk: answers to what one chunk held can overshoot the capacity a
  // little (a chunk is at most 64 KB of requests), never without bound.
  const pauseWhileFull = () => {
    if (paused || stopped || !queue.full) return;
    paused = true;
    input.pause();
    if (!toldPause) {
      toldPause = true;
      options.onPause?.(`client is not reading its answers (${queue.length} queued); input paused until it does`);
    }
    void queue.room().then(() => {
      paused = false;
      if (!stopped) input.resume();
    });
  };
  const onData = (chunk: Buffer) => {
    splitter.push(chunk);
    pauseWhileFull();
  };
  const onEnd = () => {
    if (!stopped) splitter.end();
    resolveEnded();
  };
  input.on("data", onData);
  input.once("end", onEnd);
  input.once("close", onEnd);
  input.once("error", onEnd);
  return {
    ended,
    stop() {
      stopped = true;
      input.off("data", onData);
      input.pause();
      resolveEnded();
    },
  };
}

/**
 * A queue writer for a stream, one message per line. Done while the stream's own buffer is
 * below its high-water mark, else at its next 'drain': the backlog stays in the bounded queue.
 */
export function lineWriter(output: Writable): (data: string) => Promise<void> {
  let broken: Error | undefined;
  output.on("error", (err) => {
    broken = err;
  });
  return (data) =>
    new Promise<void>((resolve, reject) => {
      if (broken || output.destroyed) return reject(broken ?? new Error("output closed"));
      if (output.write(data + "\n")) return resolve();
      const settle = (err?: Error) => {
        output.off("drain", onDrain);
        output.off("error", settle);
        output.off("close", onClose);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => settle();
      const onClose = () => settle(broken ?? new Error("output closed"));
      output.once("drain", onDrain);
      output.once("error", settle);
      output.once("close", onClose);
    });
}
