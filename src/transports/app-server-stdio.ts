// The app-server over stdio: one JSON-RPC message per line in each direction. Input is
// read only while the connection's outbound queue has room (see stdio-lines.ts).
import type { Readable, Writable } from "node:stream";
import type { MessageProcessor } from "../core/processor.js";
import { DEFAULT_MAX_MESSAGE_BYTES, lineWriter, readLines } from "./stdio-lines.js";

export interface StdioServeOptions {
  input: Readable;
  output: Writable;
  /** Longest accepted message line. */
  maxMessageBytes?: number;
  /** Outbound queue capacity (messages); input pauses while it is full. */
  queueCapacity?: number;
  /** Told when input pauses because the client is not reading. */
  onPause?: (reason: string) => void;
}

export interface StdioServer {
  /** Resolves when the input ends (the client went away) or stop() was called. */
  readonly ended: Promise<void>;
  /** Stops reading new messages; answers already queued are still written. */
  stopReading(): void;
  /** Writes out what is queued (bounded by the caller), then closes the connection. */
  flushAndClose(): Promise<void>;
}

export function serveAppServerStdio(processor: MessageProcessor, options: StdioServeOptions): StdioServer {
  const connection = processor.connect({ write: lineWriter(options.output), close: () => undefined }, { label: "stdio", capacity: options.queueCapacity });
  const reader = readLines(options.input, {
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    queue: connection.queue,
    line: (text) => connection.receive(text),
    oversized: (bytes, limit) => connection.reportInvalid(`message too large: ${bytes} bytes (limit ${limit}); it was skipped`),
    onPause: options.onPause,
  });
  return {
    ended: reader.ended,
    stopReading: () => reader.stop(),
    async flushAndClose() {
      reader.stop();
      await connection.queue.flushed();
      connection.close();
    },
  };
}
