// The app-server on a Unix socket: one JSON-RPC message per line, as on stdio, with the same
// bounded framing (line-splitter.ts). The socket is 0600 in a folder no one else can write to
// (created 0700 when missing; see ensureSocketDir), so the file system is the access check: no token. A client that stops reading is
// dropped after stallMs (unlike stdio, a socket peer can be let go without ending the service).
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { dirname } from "node:path";
import type { MessageProcessor } from "../core/processor.js";
import { DEFAULT_MAX_MESSAGE_BYTES, lineWriter, readLines } from "./stdio-lines.js";

export interface SocketServeOptions {
  /** The socket's path; its folder is created 0700, or must exist writable by this user alone. */
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

/**
 * The folder a socket goes in. Folders that do not exist are created 0700 (only those: an
 * existing folder is never chmod-ed; it may be /tmp or a folder others rely on). An existing one
 * must be a real folder owned by this user (or root) that no one else can write to: in a
 * group/other-writable folder another user could remove the socket and put theirs in its place
 * (the sticky bit does not stop them taking a name first), so it is refused. With `private`
 * (the daemon's runtime folder, whose info, lock and log files it also guards) an existing folder
 * must give no access at all to group and others.
 */
export function ensureSocketDir(dir: string, options: { private?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = lstatSync(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a folder (a symlink is not followed for a socket's folder)`);
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid && st.uid !== 0) throw new Error(`${dir} belongs to another user (uid ${st.uid}); refusing to put a socket there`);
  const bits = st.mode & 0o7777;
  if ((bits & 0o022) !== 0) {
    throw new Error(`refusing to put a socket in ${dir}: other users can write to it (mode ${bits.toString(8)}) and could replace the socket; use a folder of your own (a missing one is created 0700)`);
  }
  if (options.private && (bits & 0o077) !== 0) {
    throw new Error(`${dir} is open to other users (mode ${bits.toString(8)}); codeintel keeps it private (0700) and does not change an existing folder: run chmod 700 ${dir} or remove it`);
  }
}

export async function startAppServerSocket(processor: MessageProcessor, options: SocketServeOptions): Promise<SocketAppServer> {
  ensureSocketDir(dirname(options.path));
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
  // Connecting takes write permission on the socket: only its owner, whatever the folder allows.
  chmodSync(options.path, 0o600);
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
