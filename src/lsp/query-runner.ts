// How one question reaches a language server and when its answer counts. The runner starts
// the server for the file (supervisor.ts), opens or refreshes the file in it, waits while the
// server is still loading its project (readyTimeoutMs, measured from the start of loading),
// retries once on a fresh server when the server crashed during the call, and turns an empty
// answer given while loading into "indexing" rather than a silent empty.
//
//   new QueryRunner({ supervisor, settings, locate })
//   runner.run(absPath, signal, op, { emptyMayMeanIndexing? })   → op's answer
//   runner.warmUp(absPath, { signal?, onProgress? })             → what is still loading (empty: ready)

import type { LanguageServerClient } from "./client.js";
import type { OpenDocument } from "./documents.js";
import { LspError } from "./errors.js";
import type { PoolSettings } from "./pool-settings.js";
import type { ServerSpec } from "./registry.js";
import type { ServerSupervisor } from "./supervisor.js";

/** Reports what a call is waiting for ("starting pyright", "waiting for pyright to load (…)"). */
export type QueryProgress = (message: string) => void;

/** One question to a client, with the file synced: its uri and the document as the server has it. */
export type QueryOp<T> = (client: LanguageServerClient, uri: string, doc: OpenDocument) => Promise<T>;

export interface QueryRunnerDeps {
  supervisor: ServerSupervisor;
  settings: PoolSettings;
  /** The server spec and server root for a file, or an LspError saying why there is none. */
  locate(absPath: string): { spec: ServerSpec; root: string };
}

export class QueryRunner {
  constructor(private readonly deps: QueryRunnerDeps) {}

  async run<T>(absPath: string, signal: AbortSignal | undefined, op: QueryOp<T>, opts: { emptyMayMeanIndexing?: boolean } = {}): Promise<T> {
    const { supervisor, settings } = this.deps;
    const { spec, root } = this.deps.locate(absPath);
    for (let attempt = 0; ; attempt++) {
      const client = await supervisor.clientFor(spec, root, signal);
      try {
        const doc = client.sync(absPath);
        if (client.isLoading()) await client.waitUntilReady(settings.readyWaitMs(), signal);
        let result = await op(client, doc.uri, doc);
        if (opts.emptyMayMeanIndexing && isEmpty(result) && client.isLoading()) {
          const ready = await client.waitUntilReady(settings.readyWaitMs(), signal);
          if (!ready) throw new LspError("indexing", `timed out waiting for ${spec.id} to load: it is still indexing ${root} (${client.loadingTitles().join(", ")}); retry shortly`);
          result = await op(client, doc.uri, client.sync(absPath));
        }
        supervisor.failures.succeeded(spec.id, root);
        return result;
      } catch (e) {
        const crashed = e instanceof LspError && e.data?.crashed === true && !supervisor.isDisposed;
        if (crashed && attempt === 0 && !signal?.aborted) continue;
        throw e;
      }
    }
  }

  /**
   * Starts the server for `absPath` if needed, opens the file (tsserver loads its project then)
   * and waits, up to readyTimeoutMs from the start of loading, until the server has loaded.
   */
  async warmUp(absPath: string, opts: { signal?: AbortSignal; onProgress?: QueryProgress } = {}): Promise<string[]> {
    const { supervisor } = this.deps;
    const { spec, root } = this.deps.locate(absPath);
    if (!supervisor.running(spec.id, root)) opts.onProgress?.(`starting ${spec.id}`);
    const client = await supervisor.clientFor(spec, root, opts.signal);
    client.sync(absPath);
    await this.waitLoaded(client, opts.signal, opts.onProgress);
    return client.isAlive() ? client.loadingTitles() : [];
  }

  /** Waits (bounded by readyTimeoutMs from the start of loading) until the client reports no loading, reporting each change. */
  private async waitLoaded(client: LanguageServerClient, signal?: AbortSignal, onProgress?: QueryProgress): Promise<boolean> {
    if (!client.isLoading()) return true;
    const report = () => {
      if (client.isLoading()) onProgress?.(`waiting for ${client.id} to load (${client.loadingDetails().join(", ")})`);
    };
    report();
    const stop = onProgress ? client.onProgressChange(report) : undefined;
    try {
      return await client.waitUntilReady(this.deps.settings.get("readyTimeoutMs"), signal);
    } finally {
      stop?.();
    }
  }
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}
