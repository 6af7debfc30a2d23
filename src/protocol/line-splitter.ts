// The app-server's framing over stdio and a Unix socket (one JSON-RPC message per line), read
// the same way by the server's transports and the client SDK.
//
// Splits a byte stream into newline-delimited messages without ever buffering more than
// `maxBytes` of one line: an oversized line is reported once and skipped to its end, so a
// 20 MB message costs at most `maxBytes` of memory and the stream stays usable.

export interface LineSplitterEvents {
  line(text: string): void;
  oversized(bytes: number): void;
}

export class LineSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private skipping = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly events: LineSplitterEvents,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (this.skipping > 0) {
        this.skipping += piece.length;
      } else if (this.buffered + piece.length > this.maxBytes) {
        this.skipping = this.buffered + piece.length;
        this.chunks = [];
        this.buffered = 0;
      } else if (piece.length > 0) {
        this.chunks.push(Buffer.from(piece));
        this.buffered += piece.length;
      }
      if (nl === -1) break;
      this.endLine();
      start = nl + 1;
    }
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.buffered > 0 || this.skipping > 0) this.endLine();
  }

  private endLine(): void {
    if (this.skipping > 0) {
      const bytes = this.skipping;
      this.skipping = 0;
      this.events.oversized(bytes);
      return;
    }
    const text = Buffer.concat(this.chunks, this.buffered).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.buffered = 0;
    if (text.trim().length > 0) this.events.line(text);
  }
}
