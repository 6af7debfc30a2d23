// The diagnostics of one language server's open documents. Servers with pull diagnostics
// (textDocument/diagnostic) are asked; the others push them (publishDiagnostics) whenever
// they like, so an answer is the first push that belongs to the document's current text.
//
//   new DiagnosticsStore(server)
//   published(params, seq)       a publishDiagnostics notification; `seq` orders it after the syncs sent so far
//   forget(uri)                  the document was closed
//   forDocument(doc, signal?)    → Diagnostic[] for the document as last synced
//   wakeAll()                    the server is gone: waiters re-check now

import type { Diagnostic, DocumentDiagnosticReport, PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import type { OpenDocument } from "./documents.js";
import { LspError } from "./errors.js";
import { waitFor, wake, type Waiters } from "./wait.js";

/** What the store needs of its server. */
export interface DiagnosticsServer {
  readonly id: string;
  supportsPullDiagnostics(): boolean;
  request<R>(method: string, params: unknown, signal?: AbortSignal): Promise<R>;
  isLoading(): boolean;
  timeoutFor(method: string): number;
}

interface StoredDiagnostics {
  version?: number;
  seq: number;
  diagnostics: Diagnostic[];
}

/** Servers often publish twice (syntax, then semantics): how long a follow-up may take to land. */
const FOLLOW_UP_MS = 250;

export class DiagnosticsStore {
  private readonly stored = new Map<string, StoredDiagnostics>();
  private readonly waiters: Waiters = new Set();

  constructor(private readonly server: DiagnosticsServer) {}

  published(p: PublishDiagnosticsParams, seq: number): void {
    this.stored.set(p.uri, { version: p.version, seq, diagnostics: p.diagnostics });
    wake(this.waiters);
  }

  forget(uri: string): void {
    this.stored.delete(uri);
  }

  wakeAll(): void {
    wake(this.waiters);
  }

  /** Pulled where supported, else the next push matching the document's version (or, without versions, sent after its last sync). */
  async forDocument(doc: OpenDocument, signal?: AbortSignal): Promise<Diagnostic[]> {
    const { server } = this;
    if (server.supportsPullDiagnostics()) {
      const report = await server.request<DocumentDiagnosticReport>("textDocument/diagnostic", { textDocument: { uri: doc.uri } }, signal);
      if (report && report.kind === "full") return report.items;
    }
    const current = () => {
      const stored = this.stored.get(doc.uri);
      if (!stored) return undefined;
      const fresh = stored.version !== undefined ? stored.version === doc.version : stored.seq > doc.syncSeq;
      return fresh ? stored : undefined;
    };
    const already = current();
    if (already) return already.diagnostics;
    const timeoutMs = server.timeoutFor("textDocument/diagnostic");
    const got = await waitFor(() => current() !== undefined, this.waiters, timeoutMs, signal);
    if (signal?.aborted) throw new LspError("cancelled", "diagnostics were cancelled");
    if (!got) {
      if (server.isLoading()) throw new LspError("indexing", `${server.id} is still indexing; no diagnostics yet for ${doc.absPath}; retry shortly`);
      throw new LspError("timeout", `${server.id} published no diagnostics for ${doc.absPath} within ${timeoutMs} ms`);
    }
    const first = current()!;
    await waitFor(() => (current()?.seq ?? 0) > first.seq, this.waiters, FOLLOW_UP_MS, signal);
    return (current() ?? first).diagnostics;
  }
}
