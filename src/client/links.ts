// One raw connection to an app-server, as the client sees it: send a text message, be told
// of each message and of the end. A Link never reconnects; the client makes a new one.
// `ws` is loaded only for WebSocket targets, so socket and spawn clients start fast.
import { spawn } from "node:child_process";
import { createConnection } from "node:net";
import { join } from "node:path";
import { LineSplitter } from "../protocol/line-splitter.js";
import { packageRoot } from "../workspace/package-root.js";

export interface Link {
  /** What it is connected to, for error messages ("unix:///run/…/x.sock"). */
  readonly label: string;
  send(text: string): void;
  /** Ends the connection (a spawned server: waits up to 5 s for it to exit, then kills it); leaves nothing keeping the process alive. */
  close(): Promise<void> | void;
}

export interface LinkEvents {
  message(text: string): void;
  /** The connection ended (once); `reason` says how. */
  closed(reason: string): void;
}

export type LinkFactory = (events: LinkEvents) => Promise<Link>;

/** Longest message line accepted from a server (its answers can be large: 64 MB). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

export function socketLink(path: string): LinkFactory {
  return (events) =>
    new Promise((resolve, reject) => {
      const label = `unix://${path}`;
      const socket = createConnection(path);
      const splitter = new LineSplitter(MAX_LINE_BYTES, { line: events.message, oversized: (bytes) => events.closed(`a message of ${bytes} bytes from ${label} is over the limit`) });
      let open = false;
      socket.on("data", (chunk) => splitter.push(chunk));
      socket.once("connect", () => {
        open = true;
        resolve({
          label,
          send: (text) => void socket.write(text + "\n"),
          close: () => {
            if (socket.closed) return;
            const closed = new Promise<void>((r) => socket.once("close", () => r()));
            socket.destroy();
            return closed;
          },
        });
      });
      socket.on("error", (err) => {
        if (!open) reject(err);
      });
      socket.once("close", () => {
        if (open) events.closed(`${label} closed`);
      });
    });
}

export function webSocketLink(url: string, token?: string): LinkFactory {
  return async (events) => {
    const { default: WebSocket } = await import("ws");
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      let open = false;
      ws.on("message", (data, isBinary) => {
        if (!isBinary) events.message(String(data));
      });
      ws.once("open", () => {
        open = true;
        resolve({ label: url, send: (text) => ws.send(text), close: () => ws.terminate() });
      });
      ws.once("unexpected-response", (_req, res) => reject(new Error(`${url}: HTTP ${res.statusCode}`)));
      ws.on("error", (err) => {
        if (!open) reject(err);
      });
      ws.once("close", (code, reason) => {
        if (open) events.closed(`${url} closed (${code}${reason.length ? ` ${reason.toString()}` : ""})`);
      });
    });
  };
}

export interface SpawnTarget {
  roots: string[];
  /** Extra `codeintel app-server` arguments (--config, --symbol-index ...). */
  args?: string[];
  env?: Record<string, string>;
  /** Told each line the server writes on stderr (default: dropped). */
  log?: (line: string) => void;
}

/** `codeintel app-server ROOTS` as a child over stdio; a new child on every (re)connect. */
export function spawnLink(target: SpawnTarget): LinkFactory {
  return (events) =>
    new Promise((resolve, reject) => {
      const bin = join(packageRoot(), "bin", "codeintel.js");
      const child = spawn(process.execPath, [bin, "app-server", ...(target.args ?? []), "--", ...target.roots], {
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, ...target.env },
      });
      const label = `codeintel app-server (pid ${child.pid ?? "?"})`;
      const splitter = new LineSplitter(MAX_LINE_BYTES, { line: events.message, oversized: (bytes) => events.closed(`a message of ${bytes} bytes from ${label} is over the limit`) });
      child.stdout.on("data", (chunk: Buffer) => splitter.push(chunk));
      const errLines = new LineSplitter(1024 * 1024, { line: (l) => target.log?.(l), oversized: () => undefined });
      child.stderr.on("data", (chunk: Buffer) => errLines.push(chunk));
      child.stdin.on("error", () => undefined);
      let ended = false;
      const end = (reason: string) => {
        if (ended) return;
        ended = true;
        events.closed(reason);
      };
      child.once("error", (err) => {
        reject(err);
        end(`${label} failed: ${err.message}`);
      });
      child.once("exit", (code, signal) => end(`${label} exited (${signal ?? `code ${code}`})`));
      child.once("spawn", () =>
        resolve({
          label,
          send: (text) => void child.stdin.write(text + "\n"),
          close: () => {
            if (child.exitCode !== null || child.signalCode !== null) return;
            // stdin closing is the server's cue to shut down cleanly (it stops its language servers).
            const exited = new Promise<void>((r) => child.once("exit", () => r()));
            child.stdin.end();
            const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
            return exited.finally(() => clearTimeout(killer));
          },
        }),
      );
    });
}
