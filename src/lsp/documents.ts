// The documents one language server has open, kept equal to the files on disk.
// Before each query the file is re-checked (mtime and size, then content); a
// difference becomes a versioned full-text didChange. Past a cap, the least
// recently used document is closed. The text is read through workspace/source-text.ts, so a
// pipe, a binary, a file past the size cap or one whose real path leaves the project roots (a
// symlink leading out) is never sent: an open copy of a file that became one is closed in the
// server instead.

import { statSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { readSourceTextSync, refusalMessage } from "../workspace/source-text.js";
import { LspError } from "./errors.js";

export interface OpenDocument {
  uri: string;
  absPath: string;
  languageId: string;
  version: number;
  text: string;
  mtimeMs: number;
  size: number;
  lastUsed: number;
  /** Monotonic sequence number of the last didOpen/didChange sent, to order diagnostics without versions. */
  syncSeq: number;
}

export interface DocumentSink {
  didOpen(doc: OpenDocument): void;
  didChange(doc: OpenDocument): void;
  didClose(doc: OpenDocument): void;
}

export const uriOf = (absPath: string): string => pathToFileURL(absPath).href;

export class DocumentSet {
  private readonly docs = new Map<string, OpenDocument>();
  private seq = 0;
  private clock = 0;

  constructor(
    private readonly sink: DocumentSink,
    private readonly languageIdFor: (absPath: string) => string,
    private readonly maxOpen: number,
    /** The canonical project roots: no text from outside them is sent (workspace/paths.ts). */
    private readonly roots: readonly string[],
  ) {}

  get size(): number {
    return this.docs.size;
  }

  get(absPath: string): OpenDocument | undefined {
    return this.docs.get(uriOf(absPath));
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /**
   * Opens the file or brings the open copy up to date with disk; throws not_found when it is
   * gone and invalid_input when it is not source text (closing the open copy either way).
   */
  sync(absPath: string): OpenDocument {
    const uri = uriOf(absPath);
    const existing = this.docs.get(uri);
    let st;
    try {
      st = statSync(absPath);
    } catch {
      if (existing) this.close(existing);
      throw new LspError("not_found", `file ${absPath} does not exist`);
    }
    if (existing && existing.mtimeMs === st.mtimeMs && existing.size === st.size) {
      existing.lastUsed = ++this.clock;
      return existing;
    }
    const read = readSourceTextSync(absPath, this.roots);
    if (!read.ok) {
      if (existing) this.close(existing);
      throw new LspError(read.reason === "not_found" ? "not_found" : "invalid_input", refusalMessage(read, absPath));
    }
    const text = read.text;
    if (!existing) {
      const doc: OpenDocument = {
        uri, absPath, languageId: this.languageIdFor(absPath), version: 1, text,
        mtimeMs: read.mtimeMs, size: read.size, lastUsed: ++this.clock, syncSeq: ++this.seq,
      };
      this.docs.set(uri, doc);
      this.sink.didOpen(doc);
      this.evictBeyondCap(uri);
      return doc;
    }
    existing.mtimeMs = read.mtimeMs;
    existing.size = read.size;
    existing.lastUsed = ++this.clock;
    if (text !== existing.text) {
      existing.text = text;
      existing.version++;
      existing.syncSeq = ++this.seq;
      this.sink.didChange(existing);
    }
    return existing;
  }

  /** The file changed on disk: resync it when open (a no-op for closed files). Returns whether it is open. */
  refresh(absPath: string): boolean {
    if (!this.docs.has(uriOf(absPath))) return false;
    try {
      this.sync(absPath);
    } catch {
      // deleted, or no longer source text: sync already closed it
    }
    return true;
  }

  close(doc: OpenDocument): void {
    if (this.docs.delete(doc.uri)) this.sink.didClose(doc);
  }

  closeFile(absPath: string): void {
    const doc = this.docs.get(uriOf(absPath));
    if (doc) this.close(doc);
  }

  currentSeq(): number {
    return this.seq;
  }

  private evictBeyondCap(keepUri: string): void {
    while (this.docs.size > this.maxOpen) {
      let oldest: OpenDocument | undefined;
      for (const d of this.docs.values()) if (d.uri !== keepUri && (!oldest || d.lastUsed < oldest.lastUsed)) oldest = d;
      if (!oldest) return;
      this.close(oldest);
    }
  }
}
