// Real clients for the service tests: a JSON-RPC client over WebSocket or over a child's
// stdio, and a way to prove that no process the server started outlives it.
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import type { Socket } from "node:net";
import WebSocket from "ws";

export { bin, processesWithMarker, repoRoot, spawnCodeintel, testCacheDir } from "../support/compiled.js";

export interface RpcMessage {
  jsonrpc?: string;
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** Base JSON-RPC client: requests by id, every incoming message kept in order. */
export abstract class RpcClient {
  readonly received: RpcMessage[] = [];
  private nextId = 1;
  private waiters: Array<() => void> = [];

  protected abstract sendText(text: string): void;

  protected onText(text: string): void {
    this.received.push(JSON.parse(text) as RpcMessage);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  sendRaw(text: string): void {
    this.sendText(text);
  }

  notify(method: string, params?: unknown): void {
    this.sendText(JSON.stringify({ jsonrpc: "2.0", method, params }));
  }

  /** Sends a request; returns its id and a promise of the whole response message. */
  start(method: string, params?: unknown, id: string | number = this.nextId++): { id: string | number; response: Promise<RpcMessage> } {
    this.sendText(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return { id, response: this.waitFor((m) => m.id === id && m.method === undefined) };
  }

  /**
   * Sends a request with a progress token: `running` resolves on its first `$/progress`, the
   * server's own word that it is working on it (for tools that report progress, like debug_sleep).
   */
  startRunning(method: string, params: Record<string, unknown>): { id: string | number; response: Promise<RpcMessage>; running: Promise<RpcMessage> } {
    const id = this.nextId++;
    const progressToken = `progress-${id}`;
    const running = this.waitFor((m) => m.method === "$/progress" && m.params?.progressToken === progressToken);
    running.catch(() => undefined); // a test that never gets to await it fails on its own
    return { ...this.start(method, { ...params, _meta: { progressToken } }, id), running };
  }

  async request<T = unknown>(method: string, params?: unknown): Promise<T> {
    const res = await this.start(method, params).response;
    if (res.error) throw Object.assign(new Error(res.error.message), { code: res.error.code, data: res.error.data });
    return res.result as T;
  }

  /** The first received message (past or future) matching `pred`. */
  waitFor(pred: (m: RpcMessage) => boolean, timeoutMs = 30_000): Promise<RpcMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for a message; last received: ${JSON.stringify(this.received.slice(-3))}`));
      }, timeoutMs);
      const check = () => {
        const m = this.received.find(pred);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        } else this.waiters.push(check);
      };
      check();
    });
  }

  async initialize(): Promise<unknown> {
    const r = await this.request("initialize", { clientInfo: { name: "test", version: "0" } });
    this.notify("initialized");
    return r;
  }
}

export class WsRpcClient extends RpcClient {
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    super();
    ws.on("message", (data) => this.onText(String(data)));
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<WsRpcClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      ws.once("open", () => resolve(new WsRpcClient(ws)));
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    });
  }

  protected sendText(text: string): void {
    this.ws.send(text);
  }

  close(): Promise<unknown> {
    this.ws.close();
    return this.closed;
  }
}

/** Feeds newline-delimited JSON text from `stream` to `onLine`, one message per non-blank line. */
function readJsonLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffer = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) onLine(line);
    }
  });
}

/** A JSON-RPC client over a Unix (or TCP) socket, one message per line: the app-server's `--listen unix://`. */
export class SocketRpcClient extends RpcClient {
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    super();
    readJsonLines(socket, (line) => this.onText(line));
    socket.on("error", () => undefined);
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  protected sendText(text: string): void {
    this.socket.write(text + "\n");
  }

  close(): Promise<void> {
    this.socket.end();
    return this.closed;
  }
}

export class StdioRpcClient extends RpcClient {
  readonly exited: Promise<number | null>;
  stderr = "";

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    super();
    readJsonLines(child.stdout, (line) => this.onText(line));
    child.stderr.on("data", (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  }

  protected sendText(text: string): void {
    this.child.stdin.write(text + "\n");
  }
}

export { eventually, latch } from "../support/eventually.js";

/** Waits for a line on the child's stderr matching `re`. */
export function stderrLine(child: ChildProcessWithoutNullStreams, re: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`no stderr line matching ${re}; got: ${text}`)), timeoutMs);
    const onData = (c: Buffer) => {
      text += c.toString();
      const m = re.exec(text);
      if (m) {
        clearTimeout(timer);
        child.stderr.off("data", onData);
        resolve(m);
      }
    };
    child.stderr.on("data", onData);
  });
}
