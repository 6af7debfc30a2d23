// The one-line progress display of `codeintel index` on a terminal: bar, counts, rate, ETA,
// fitted to the terminal's width by dropping the least useful fields first, never by cutting
// a word, and wiped before anything else is printed (a warning, the summary, a Ctrl-C). With a
// syntactic tier both passes show: `syntax 2399/2399 · lsp 120/800 files`; the bar, ETA and
// rate follow the pass running now.
import type { IndexProgress } from "../symbols/indexer.js";

/** Terminal width when the stream does not know it (or says 0, as some pseudo-terminals do). */
const FALLBACK_COLUMNS = 80;
const BAR_MAX = 28;
const BAR_MIN = 10;

const BAR = Symbol("bar");

/**
 * The progress line for a terminal `columns` wide, at most `columns - 1` characters (writing the
 * last column makes some terminals wrap). The file count always stays; then, as room allows, the
 * syntactic pass's count, the ETA, the bar (10 to 28 wide), the symbols, failures, the rate,
 * skipped files.
 */
export function renderProgress(p: IndexProgress, columns: number): string {
  const room = (columns > 0 ? columns : FALLBACK_COLUMNS) - 1;
  const count = `${p.done}/${p.total} files`;
  const x = p.syntax;
  const parsing = p.tier === "syntax" && x.total > 0;
  const etaMs = parsing ? (x.rate > 0 ? ((x.total - x.done) / x.rate) * 1000 : null) : p.etaMs;
  // Most useful first: a field is dropped only after every field after it.
  const optional: (string | typeof BAR)[] = [
    ...(x.total > 0 ? [`syntax ${x.done}/${x.total} · lsp`] : []),
    `ETA ${etaMs === null ? "?" : formatDuration(etaMs)}`,
    BAR,
    `${parsing ? x.symbols : p.symbols} symbols`,
    ...(p.failed > 0 ? [`${p.failed} failed`] : []),
    `${(parsing ? x.rate : p.rate).toFixed(1)} files/s`,
    ...(p.skipped > 0 ? [`${p.skipped} skipped`] : []),
  ];
  const frac = parsing ? fraction(x.done, x.total) : fraction(p.done, p.total);
  for (let keep = optional.length; keep >= 0; keep--) {
    const kept = optional.slice(0, keep);
    const fields = kept.filter((f) => f !== BAR);
    // The syntax count reads into the file count: `syntax 12/40 · lsp 0/30 files`.
    const head = x.total > 0 && keep > 0 ? `${fields.shift()} ${count}` : count;
    const text = [head, ...fields].join("  ");
    const free = room - text.length;
    if (!kept.includes(BAR) && free >= 0) return text;
    if (kept.includes(BAR) && free >= BAR_MIN + 3) return `${bar(frac, Math.min(BAR_MAX, free - 3))} ${text}`;
  }
  // Not even the count fits: as many whole words of it as do.
  const words: string[] = [];
  for (const w of count.split(" ")) {
    if ([...words, w].join(" ").length > room) break;
    words.push(w);
  }
  return words.join(" ");
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function fraction(done: number, total: number): number {
  return total === 0 ? 1 : Math.min(1, done / total);
}

function bar(frac: number, width: number): string {
  const filled = Math.round(frac * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
}

/** One rewritten line on a TTY stream; silent elsewhere, and for good once stopped. */
export class ProgressLine {
  #shown = false;
  #stopped = false;
  constructor(private readonly stream: NodeJS.WriteStream, private readonly enabled: boolean) {}

  update(p: IndexProgress): void {
    if (!this.enabled || this.#stopped || p.phase === "done") return;
    this.stream.write(`\r\x1b[2K${renderProgress(p, this.stream.columns ?? FALLBACK_COLUMNS)}`);
    this.#shown = true;
  }

  /** Wipes the line (before other output); the next update draws it again. */
  clear(): void {
    if (this.#shown) this.stream.write("\r\x1b[2K");
    this.#shown = false;
  }

  /** Wipes the line and draws no more: on Ctrl-C, while the run winds down to its summary. */
  stop(): void {
    this.clear();
    this.#stopped = true;
  }
}
