// Whether a language server is still loading its project, from what it reports: $/progress
// work (tsserver, clangd) or, for servers that report nothing, lines of its log (pyright's
// "Found N source files", bash-language-server's background analysis; spec.logReadiness).
// While any work is active, answers that depend on the whole project may be partial.
//
//   new Readiness(logReadiness?)      a server with logReadiness starts out loading
//   progress(token, value)            a $/progress notification (begin, report, end)
//   logLine(message)                  a window/logMessage line, matched against logReadiness
//   isLoading() / titles() / details()
//   onChange(listener) → unsubscribe  every change, for progress reports to the caller
//   waitUntilReady(boundMs, signal?)  true once nothing is loading; false when boundMs after the
//                                     start of the current loading period passes first
//   wakeAll()                         the server is gone: waiters re-check now

import type { ServerSpec } from "./registry.js";
import { waitFor, wake, type Waiters } from "./wait.js";

/** One piece of work the server reports: what, and how far. */
interface LoadingWork {
  title: string;
  message?: string;
  percentage?: number;
}

interface ProgressValue {
  kind?: string;
  title?: string;
  message?: string;
  percentage?: number;
}

const LOG_PROGRESS_TOKEN = "codeintel/log-readiness";

export class Readiness {
  private readonly active = new Map<string | number, LoadingWork>();
  /** When the current loading period began (progress went from none to some). */
  private loadingSince = Date.now();
  private readonly waiters: Waiters = new Set();

  constructor(private readonly logReadiness?: ServerSpec["logReadiness"]) {
    if (logReadiness) this.begin(LOG_PROGRESS_TOKEN, logReadiness.title);
  }

  progress(token: string | number, value: unknown): void {
    const v = value as ProgressValue | undefined;
    const work = this.active.get(token);
    if (v?.kind === "begin") this.begin(token, v.title ?? "working", v.message, v.percentage);
    else if (v?.kind === "report" && work) this.active.set(token, { title: work.title, message: v.message ?? work.message, percentage: v.percentage ?? work.percentage });
    else if (v?.kind === "end") this.active.delete(token);
    wake(this.waiters);
  }

  logLine(message: string): void {
    if (this.logReadiness?.end.test(message)) this.active.delete(LOG_PROGRESS_TOKEN);
    else if (this.logReadiness?.begin.test(message)) this.begin(LOG_PROGRESS_TOKEN, this.logReadiness.title);
    wake(this.waiters);
  }

  isLoading(): boolean {
    return this.active.size > 0;
  }

  titles(): string[] {
    return [...this.active.values()].map((w) => w.title);
  }

  /** The loading work with its latest message and percentage, for progress reports ("Initializing… 40%"). */
  details(): string[] {
    return [...this.active.values()].map(
      (w) => `${w.title}${w.message ? `: ${w.message}` : ""}${w.percentage !== undefined ? ` (${Math.round(w.percentage)}%)` : ""}`,
    );
  }

  onChange(listener: () => void): () => void {
    this.waiters.add(listener);
    return () => this.waiters.delete(listener);
  }

  /**
   * Measured from the start of loading, so a long background index (clangd on a big tree)
   * delays queries once, not every query.
   */
  waitUntilReady(boundMs: number, signal?: AbortSignal): Promise<boolean> {
    if (!this.isLoading()) return Promise.resolve(true);
    const remaining = this.loadingSince + boundMs - Date.now();
    if (remaining <= 0) return Promise.resolve(false);
    return waitFor(() => !this.isLoading(), this.waiters, remaining, signal);
  }

  wakeAll(): void {
    wake(this.waiters);
  }

  private begin(token: string | number, title: string, message?: string, percentage?: number): void {
    if (this.active.size === 0) this.loadingSince = Date.now();
    this.active.set(token, { title, message, percentage });
  }
}
