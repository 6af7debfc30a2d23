// Noticing that a server is loading, without waiting for it to finish: what lets a call answer
// approximately instead of waiting out a long project load (tools/navigation/approximate.ts).
//
//   whenLoading({ client, onClientAdded }, afterMs, signal?) → the loading details, once the
//       server is loading at or after afterMs from now; null when the signal aborts first
//
// Event-driven: the client's progress changes and the supervisor's "client added" wake it;
// the server may not exist yet when the watch starts (the call itself starts it).
import type { LanguageServerClient } from "./client.js";

export interface LoadingSource {
  /** The client starting or running for the file's server, if any. */
  client(): LanguageServerClient | undefined;
  onClientAdded(listener: () => void): () => void;
}

export function whenLoading(source: LoadingSource, afterMs: number, signal?: AbortSignal): Promise<string[] | null> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(null);
    let watched: LanguageServerClient | undefined;
    let stopWatching: (() => void) | undefined;
    let stopAdded: (() => void) | undefined;
    const finish = (value: string[] | null) => {
      clearTimeout(timer);
      stopWatching?.();
      stopAdded?.();
      signal?.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const check = () => {
      const client = source.client();
      if (client !== watched) {
        stopWatching?.();
        watched = client;
        stopWatching = client?.onProgressChange(check);
      }
      if (client?.isLoading()) finish(client.loadingDetails());
    };
    const onAbort = () => finish(null);
    const timer = setTimeout(() => {
      stopAdded = source.onClientAdded(check);
      check();
    }, afterMs);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
