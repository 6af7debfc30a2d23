// The app-server over stdio: one JSON-RPC message per line in each direction.
import type { Readable, Writable } from "node:stream";
import { ErrorCodes, RpcError, errorMessage } from "../core/jsonrpc.js";
import type { MessageProcessor } from "../core/processor.js";
import { LineSplitter } from "./line-splitter.js";

export interface StdioServeOptions {
  input: Readable;
  output: Writable;
  /** Longest accepted message line. */
  maxMessageBytes?: number;
}

export interface StdioServer {
  /** Resolves when the input ends (the client went away) or stop() was called. */
  readonly ended: Promise<void>;
  /** Stops reading new messages; answers already queued are still written. */
  stopReading(): void;
  /** Writes out what is queued (bounded by the caller), then closes the connection. */
  flushAndClose(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

export function serveAppServerStdio(processor: MessageProcessor, options: StdioServeOptions): StdioServer {
  const { input, output } = options;
  let outputBroken = false;
  output.on("error", () => {
    outputBroken = true;
  });
  const connection = processor.connect(
    {
      write: (data) =>
        new Promise<void>((resolve, reject) => {
          if (outputBroken) return reject(new Error("output closed"));
          output.write(data + "\n", (err) => (err ? reject(err) : resolve()));
        }),
      close: () => undefined,
    },
    { label: "stdio" },
  );
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const splitter = new LineSplitter(maxBytes, {
    line: (text) => connection.receive(text),
    oversized: (bytes) =>
      connection.queue.push(
        errorMessage(null, new RpcError(ErrorCodes.invalidRequest, `message too large: ${bytes} bytes (limit ${maxBytes}); it was skipped`)),
      ),
  });
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const onData = (chunk: Buffer) => splitter.push(chunk);
  const onEnd = () => {
    splitter.end();
    resolveEnded();
  };
  input.on("data", onData);
  input.once("end", onEnd);
  input.once("close", onEnd);
  input.once("error", onEnd);
  const stopReading = () => {
    input.off("data", onData);
    input.pause();
    resolveEnded();
  };
  return {
    ended,
    stopReading,
    async flushAndClose() {
      stopReading();
      await connection.queue.flushed();
      connection.close();
    },
  };
}
