// Requests to one language server, each with its method's timeout. A timeout or an abort
// sends $/cancelRequest and rejects at once (the server may still answer; that answer is
// dropped). A timeout names the step that was slow, and two timeouts in a row with nothing
// answered in between mean the server is hung: the client kills it.
//
//   new Requests(server)
//   send(connection, method, params, signal?, timeoutMs) → the result, or LspError
//   pendingCount
//   rejectAll(error)               the server is gone: every request in flight fails with `error(…)`

import { CancellationTokenSource, type MessageConnection } from "vscode-jsonrpc/node";
import { LspError } from "./errors.js";

/** What requests need of their server. */
export interface RequestingServer {
  readonly id: string;
  readonly root: string;
  isLoading(): boolean;
  /** False once the process or its pipe is gone (an error then is a crash, not the server's answer). */
  isRunning(): boolean;
  /** The error for a request the server could not answer because it died. */
  crashError(what: string): LspError;
  /** Two timeouts in a row: the server stopped answering. */
  onHung(reason: string): void;
  /** Any request sent or settled, for idle eviction. */
  onActivity(): void;
}

interface PendingRequest {
  reject(e: Error): void;
}

export class Requests {
  private readonly pending = new Set<PendingRequest>();
  private consecutiveTimeouts = 0;

  constructor(private readonly server: RequestingServer) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  rejectAll(error: () => Error): void {
    for (const p of [...this.pending]) p.reject(error());
  }

  send<R>(connection: MessageConnection, method: string, params: unknown, signal: AbortSignal | undefined, timeoutMs: number): Promise<R> {
    const { server } = this;
    if (signal?.aborted) return Promise.reject(new LspError("cancelled", `${method} was cancelled`));
    server.onActivity();
    return new Promise<R>((resolve, reject) => {
      const cts = new CancellationTokenSource();
      const timer = setTimeout(() => onTimeout(), timeoutMs);
      const entry: PendingRequest = {
        reject: (e) => {
          finish();
          reject(e);
        },
      };
      const onAbort = () => {
        cts.cancel();
        entry.reject(new LspError("cancelled", `${method} was cancelled`));
      };
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.pending.delete(entry);
        cts.dispose();
        server.onActivity();
      };
      this.pending.add(entry);
      signal?.addEventListener("abort", onAbort, { once: true });
      const onTimeout = () => {
        cts.cancel();
        this.consecutiveTimeouts++;
        const loading = server.isLoading();
        // Name the step that was slow: the server's start, its loading, or the request itself.
        const step = method === "initialize" ? "timed out starting the server" : loading ? "timed out waiting for it to load" : "timed out on the request";
        entry.reject(
          loading && method !== "initialize"
            ? new LspError("indexing", `${step}: ${server.id} is still indexing ${server.root} and did not answer ${method} within ${timeoutMs} ms; retry shortly`)
            : new LspError("timeout", `${step}: ${server.id} did not answer ${method} within ${timeoutMs} ms`),
        );
        if (this.consecutiveTimeouts >= 2 && !loading) server.onHung(`stopped answering (${method} timed out twice)`);
      };
      connection.sendRequest<R>(method, params, cts.token).then(
        (value: R) => {
          if (!this.pending.has(entry)) return;
          this.consecutiveTimeouts = 0;
          finish();
          resolve(value);
        },
        (err: unknown) => {
          if (!this.pending.has(entry)) return;
          this.consecutiveTimeouts = 0;
          const message = err instanceof Error ? err.message : String(err);
          entry.reject(server.isRunning() ? new LspError("internal", `${server.id} failed ${method}: ${message}`) : server.crashError("crashed"));
        },
      );
    });
  }
}
