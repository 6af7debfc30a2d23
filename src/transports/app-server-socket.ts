// The app-server on a Unix socket: one JSON-RPC message per line, as on stdio, with the same
// bounded framing (line-splitter.ts). The socket lives in a folder only its owner can enter
// (0700), so the file system is the access check: no token. A client that stops reading is
// dropped after stallMs (unlike stdio, a socket peer can be let go without ending the service).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { MessageProcessor } from "../core/processor.js";
import { DEFAULT_MAX_MESSAGE_BYTES, lineWriter, readLines } from "./stdio-lines.js";

export interface SocketServeOptions {
  /** The socket's path; its folder is created 0700 (or must already be ours and private). */
  path: string;
  maxMessageBytes?: number;
  /** Per-connection outbound queue capacity (messages). */
  queueCapacity?: number;
  /** A client that reads nothing for this long while messages wait is disconnected (default 30000). */
  stallMs?: number;
  /** Told when a connection opens or closes (the daemon's idle clock). */
  onClientCount?: (count: number) => void;
  onDrop?: (label: string, reason: string) => void;
}

export interface SocketAppServer {
  readonly path: string;
  readonly clientCount: number;
  /** Refuses new connections and removes the socket file; open connections stay until closeAll(). */
  stopAccepting(): Promise<void>;
  closeAll(reason: string): void;
}

/** A folder for sockets that only this user can enter: created 0700, or checked (ours, no group/other bits) and tightened. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${dir} belongs to another user (uid ${st.uid}); refusing to put a socket there`);
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

export async function startAppServerSocket(processor: MessageProcessor, options: SocketServeOptions): Promise<SocketAppServer> {
  ensurePrivateDir(dirname(options.path));
  await removeStaleSocket(options.path);
  const sockets = new Set<Socket>();
  let nextLabel = 1;
  const server: Server = createServer((socket) => accept(socket));

  function accept(socket: Socket): void {
    sockets.add(socket);
    options.onClientCount?.(sockets.size);
    const label = `socket #${nextLabel++}`;
    const connection = processor.connect(
      {
        write: lineWriter(socket),
        close: (reason) => {
          options.onDrop?.(label, reason);
          socket.destroy();
        },
      },
      { label, capacity: options.queueCapacity, stallMs: options.stallMs ?? 30_000 },
    );
    const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    readLines(socket, {
      maxMessageBytes,
      queue: connection.queue,
      line: (text) => connection.receive(text),
      // As on stdio: input without a usable id is told with a `codeintel/error` notification, never a null id.
      oversized: (bytes, limit) => connection.reportInvalid(`message too large: ${bytes} bytes (limit ${limit}); it was skipped`),
    });
    socket.on("error", () => undefined);
    socket.once("close", () => {
      sockets.delete(socket);
      connection.close();
      options.onClientCount?.(sockets.size);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.path, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    path: options.path,
    get clientCount() {
      return sockets.size;
    },
    stopAccepting() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
    closeAll() {
      for (const s of sockets) s.end();
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 1000).unref();
    },
  };
}

/**
 * A socket file left by a process that died: nothing answers on it (ECONNREFUSED), so it is
 * removed. One that answers is a live server, and binding over it is refused.
 */
async function removeStaleSocket(path: string): Promise<void> {
  try {
    if (!lstatSync(path).isSocket()) throw new Error(`${path} exists and is not a socket`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    throw err;
  }
  const live = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (live) throw new Error(`another server is listening on ${path}`);
  unlinkSync(path);
}
