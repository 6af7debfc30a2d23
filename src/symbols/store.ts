// One root's symbol cache: file records and their symbols in a SQLite database.
// Writes are batched into one immediate transaction each and retried past lock contention;
// corruption found while running (or by verify(), when an indexing pass starts) sets the
// database aside and starts over; `generation` counts those restarts so the indexer knows its
// earlier answers are gone.
import type { Statement } from "better-sqlite3";
import { canonicalRoot, defaultCacheDir, symbolDatabasePath } from "./cache-location.js";
import { type Db, isUntrustworthy, openSymbolDatabase, withBusyRetry } from "./database.js";
import { humps, lowerName } from "./name-forms.js";
import { type QueryResult, SymbolQueryEngine } from "./query.js";
import { isDataFile, isTestFile, placeOfSymbol, type Place, standing } from "./standing.js";
import { type FileRecord, type FileStatus, type FlatSymbol, type LspRange, range, type SymbolQuery, type SymbolTier } from "./types.js";

export interface SymbolStoreOptions {
  /** The project root this cache belongs to. */
  root: string;
  /** Folder for cache databases (default: the user's cache dir, see defaultCacheDir). */
  cacheDir?: string;
  /** Exact database file; overrides cacheDir. */
  dbPath?: string;
  busyTimeoutMs?: number;
  onWarning?: (message: string) => void;
}

/** One change to apply in a batch. */
export type FileWrite =
  /** The file's symbols from one tier, replacing whatever it held (default tier: lsp). */
  | { type: "symbols"; record: Omit<FileRecord, "symbolCount" | "status" | "attempts" | "error" | "indexedAt" | "tier">; symbols: FlatSymbol[]; tier?: SymbolTier }
  /**
   * No symbols (from the server, or the parser when `tier` is syntax). `keepSyntax`: the file holds syntax symbols of this very content,
   * and they stay (the failure is recorded beside them); otherwise its symbols go.
   */
  | { type: "failure"; record: Omit<FileRecord, "symbolCount" | "status" | "attempts" | "indexedAt" | "tier">; status: Exclude<FileStatus, "ok">; keepSyntax?: boolean; tier?: SymbolTier }
  | { type: "remove"; path: string }
  /** Every file under a folder went away (`dir` without a trailing slash). */
  | { type: "removeDir"; dir: string }
  /** The content is unchanged (same hash) but size/mtime moved: keep the symbols, update the stat. */
  | { type: "touch"; path: string; size: number; mtimeMs: number };

export interface StoreStats {
  files: number;
  symbols: number;
  ok: number;
  empty: number;
  failed: number;
  excluded: number;
}

export class SymbolStore {
  readonly root: string;
  readonly dbPath: string;
  #db: Db;
  #statements: ReturnType<typeof prepareStatements>;
  readonly #options: SymbolStoreOptions;
  #engine: SymbolQueryEngine | undefined;
  #generation = 0;

  static open(options: SymbolStoreOptions): SymbolStore {
    return new SymbolStore(options);
  }

  private constructor(options: SymbolStoreOptions) {
    this.#options = options;
    this.root = canonicalRoot(options.root);
    this.dbPath = options.dbPath ?? symbolDatabasePath(this.root, options.cacheDir ?? defaultCacheDir());
    let db = openSymbolDatabase(this.dbPath, this.#openOptions());
    let statements: ReturnType<typeof prepareStatements>;
    try {
      statements = prepareStatements(db);
    } catch (err) {
      if (!isUntrustworthy(err)) throw err;
      db.close();
      db = openSymbolDatabase(this.dbPath, { ...this.#openOptions(), forceRebuild: `its tables cannot be read (${(err as Error).message})` });
      statements = prepareStatements(db);
    }
    this.#db = db;
    this.#statements = statements;
  }

  /** How many times the database was rebuilt since it was opened: what was written before is gone. */
  get generation(): number {
    return this.#generation;
  }

  /** The connection, for the query engine (read-only use). */
  get db(): Db {
    return this.#db;
  }

  /** Tiered name search (see query.ts). */
  search(query: SymbolQuery): QueryResult {
    return this.guard(() =>
      withBusyRetry(() => {
        if (this.#engine?.db !== this.#db) this.#engine = new SymbolQueryEngine(this.#db);
        return this.#engine.search(query);
      }),
    );
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /** Applies a batch of file changes in one transaction. */
  write(batch: readonly FileWrite[]): void {
    if (batch.length === 0) return;
    this.guard(() => withBusyRetry(() => this.#applyBatch.immediate(batch)));
  }

  getFile(path: string): FileRecord | undefined {
    const row = this.guard(() => withBusyRetry(() => this.#statements.getFile.get(path))) as FileRow | undefined;
    return row ? toRecord(row) : undefined;
  }

  /** Every file record, keyed by path: one query, for deciding what to re-index on open. */
  allFiles(): Map<string, FileRecord> {
    const rows = this.guard(() => withBusyRetry(() => this.#statements.allFiles.all())) as FileRow[];
    const out = new Map<string, FileRecord>();
    for (const row of rows) out.set(row.path, toRecord(row));
    return out;
  }

  /**
   * Declarations named exactly `name` (case-sensitive), from either tier, by path then line: what
   * approximate navigation starts from. Each with its file's record.
   */
  declarationsNamed(name: string, options: { limit?: number } = {}): Declaration[] {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    const rows = this.guard(() => withBusyRetry(() => this.#statements.declarationsNamed.all(name.toLowerCase(), name, limit))) as (SymbolRow & FileRow & { file_path: string })[];
    return rows.map((r) => ({
      file: toRecord({ ...r, path: r.file_path }),
      symbol: {
        name: r.name, kind: r.kind, container: r.container, detail: r.detail, source: r.source,
        range: range(r.start_line, r.start_char, r.end_line, r.end_char),
        selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
      },
    }));
  }

  /** Symbols of one file in document order, with their parent links resolved to indexes. */
  fileSymbols(path: string): FlatSymbol[] {
    const rows = this.guard(() => withBusyRetry(() => this.#statements.fileSymbols.all(path))) as SymbolRow[];
    const index = new Map<number, number>();
    rows.forEach((r, i) => index.set(r.id, i));
    return rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      container: r.container,
      detail: r.detail,
      range: range(r.start_line, r.start_char, r.end_line, r.end_char),
      selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
      parent: r.parent_id === null ? null : (index.get(r.parent_id) ?? null),
    }));
  }

  /** The first `limit` files with this status, by path, with the reason recorded (the failures an index run lists). */
  filesWithStatus(status: FileStatus, limit: number): { path: string; error: string | null }[] {
    return this.guard(() => withBusyRetry(() => this.#statements.filesWithStatus.all(status, limit))) as { path: string; error: string | null }[];
  }

  stats(): StoreStats {
    return this.guard(() =>
      withBusyRetry(() => {
        const files = this.#db
          .prepare("SELECT count(*) AS files, sum(status = 'ok') AS ok, sum(status = 'empty') AS empty, sum(status = 'failed') AS failed, sum(status = 'excluded') AS excluded, sum(symbol_count) AS symbols FROM files")
          .get() as { files: number; ok: number | null; empty: number | null; failed: number | null; excluded: number | null; symbols: number | null };
        return { files: files.files, symbols: files.symbols ?? 0, ok: files.ok ?? 0, empty: files.empty ?? 0, failed: files.failed ?? 0, excluded: files.excluded ?? 0 };
      }),
    );
  }

  getMeta(key: string): string | undefined {
    const row = this.guard(() => withBusyRetry(() => this.#db.prepare("SELECT value FROM meta WHERE key = ?").get(key))) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.guard(() => withBusyRetry(() => this.#db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(key, value)));
  }

  /** `PRAGMA integrity_check`: "ok" or the problems found. */
  integrityCheck(): string {
    const rows = this.#db.pragma("integrity_check") as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  }

  /**
   * `PRAGMA quick_check`: reads every page (without cross-checking indexes against tables, which
   * integrity_check adds), so damage that only a query touching the page would hit is found now.
   * A damaged database is rebuilt with a warning. Returns whether it was sound.
   */
  verify(): boolean {
    let problems: string;
    try {
      const rows = withBusyRetry(() => this.#db.pragma("quick_check")) as { quick_check: string }[];
      problems = rows.map((r) => r.quick_check).join("; ");
    } catch (err) {
      if (!isUntrustworthy(err)) throw err;
      problems = (err as Error).message;
    }
    if (problems === "ok") return true;
    this.#recover(`failed its integrity check (${problems.slice(0, 300)})`);
    return false;
  }

  /**
   * Runs a database operation; if it finds the file corrupt, sets the database aside, opens a
   * fresh one and reports the loss through onWarning, then rethrows so the caller can retry.
   */
  guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (!isUntrustworthy(err)) throw err;
      this.#recover(`failed while in use (${(err as Error).message})`);
      return fn();
    }
  }

  #recover(what: string): void {
    const warn = this.#options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`));
    warn(`symbol cache ${this.dbPath} ${what}; rebuilding it`);
    try {
      this.#db.close();
    } catch {
      // already unusable
    }
    // A corrupt page found at run time does not show in the header: force the rebuild.
    this.#db = openSymbolDatabase(this.dbPath, { ...this.#openOptions(), forceRebuild: `it ${what}` });
    this.#statements = prepareStatements(this.#db);
    this.#generation++;
  }

  #openOptions() {
    return { busyTimeoutMs: this.#options.busyTimeoutMs, onWarning: this.#options.onWarning, root: this.root };
  }

  get #applyBatch() {
    const s = this.#statements;
    return this.#db.transaction((batch: readonly FileWrite[]) => {
      const now = Date.now();
      // Symbols go in ROWS_PER_INSERT at a time, with ids given here (one statement per row
      // cost 17 us a symbol, most of it the per-call binding): the next free id, read once.
      let nextId = -1;
      const rows: unknown[] = [];
      const inner: unknown[] = [];
      const flushRows = (all: boolean) => {
        while (rows.length >= ROWS_PER_INSERT * SYMBOL_COLUMNS) s.insertSymbols.run(rows.splice(0, ROWS_PER_INSERT * SYMBOL_COLUMNS));
        if (all) while (rows.length > 0) s.insertSymbol.run(rows.splice(0, SYMBOL_COLUMNS));
        if (all) for (let at = 0; at < inner.length; at += 3) s.insertInnerHumps.run(inner[at], inner[at + 1], inner[at + 2]);
        if (all) inner.length = 0;
      };
      for (const w of batch) {
        // A later write of the batch may delete or read what is pending: write it first.
        if (rows.length > 0 && w.type !== "symbols") flushRows(true);
        if (w.type === "touch") {
          s.touchFile.run(w.size, w.mtimeMs, w.path);
          continue;
        }
        if (w.type === "removeDir") {
          const prefix = w.dir.replace(/\/+$/, "") + "/";
          for (const row of s.filesUnder.all(prefix.length, prefix) as { id: number }[]) {
            s.deleteSymbols.run(row.id);
            s.deleteInnerHumps.run(row.id);
            s.deleteFile.run(row.id);
          }
          continue;
        }
        if (w.type === "remove") {
          const row = s.fileId.get(w.path) as { id: number } | undefined;
          if (!row) continue;
          s.deleteSymbols.run(row.id);
          s.deleteInnerHumps.run(row.id);
          s.deleteFile.run(row.id);
          continue;
        }
        const r = w.record;
        const existing = s.fileId.get(r.path) as { id: number; attempts: number; tier: SymbolTier } | undefined;
        if (existing && !(w.type === "failure" && w.keepSyntax && existing.tier === "syntax")) {
          s.deleteSymbols.run(existing.id);
          s.deleteInnerHumps.run(existing.id);
        }
        const status: FileStatus = w.type === "symbols" ? (w.symbols.length > 0 ? "ok" : "empty") : w.status;
        // Consecutive failures: the indexer stops retrying a file after a few until it changes.
        const attempts = status === "failed" ? (existing?.attempts ?? 0) + 1 : 0;
        if (w.type === "failure" && w.keepSyntax && existing?.tier === "syntax") {
          s.failBesideSyntax.run(serverOf(r.fingerprint), r.fingerprint, status, attempts, w.record.error, now, existing.id);
          continue;
        }
        const tier: SymbolTier = w.tier ?? "lsp";
        const error = w.type === "failure" ? w.record.error : status === "empty" && tier !== "ctags" ? "the server returned no symbols" : null;
        const count = w.type === "symbols" ? w.symbols.length : 0;
        const fileId = Number(
          (s.upsertFile.get(r.path, r.language, r.size, r.mtimeMs, r.hash, serverOf(r.fingerprint), r.fingerprint, tier, status, attempts, error, count, now) as { id: number }).id,
        );
        if (w.type !== "symbols") continue;
        const source = tier === "lsp" ? (serverOf(r.fingerprint) ?? "lsp") : tier;
        if (nextId < 0) nextId = (s.maxSymbolId.get() as { m: number }).m + 1;
        const ids: number[] = [];
        const places: Place[] = [];
        const dataFile = isDataFile(r.path);
        const testFile = isTestFile(r.path);
        for (const sym of w.symbols) {
          const parentId = sym.parent === null ? null : (ids[sym.parent] ?? null);
          const h = humps(sym.name);
          const parent = sym.parent === null ? null : { place: places[sym.parent]!, kind: w.symbols[sym.parent]!.kind };
          const place = placeOfSymbol(sym.name, parent, dataFile);
          places.push(place);
          const id = nextId++;
          rows.push(
            id, fileId, sym.name, lowerName(sym.name), h, sym.kind, sym.container, sym.container === null ? null : sym.container.toLowerCase(), sym.detail, source, parentId, standing(place, testFile),
            sym.range.start.line, sym.range.start.character, sym.range.end.line, sym.range.end.character,
            sym.selectionRange.start.line, sym.selectionRange.start.character, sym.selectionRange.end.line, sym.selectionRange.end.character,
          );
          ids.push(id);
          // ctags rows, replaced within the minute, skip the inner-word fuzzy candidates too.
          if (tier !== "ctags") for (let k = 1; k <= h.length - 2 && k < 4; k++) inner.push(h.slice(k), id, fileId);
        }
        flushRows(false);
      }
      flushRows(true);
    });
  }

  /**
   * Drops the symbols of every file a server answered with a different fingerprint (server
   * version or configuration changed), keeping the file rows so their stat shortcut is lost
   * but their paths are still known. Returns how many files were invalidated.
   */
  invalidateFingerprint(serverId: string, currentFingerprint: string): number {
    return this.guard(() =>
      withBusyRetry(() =>
        this.#db.transaction(() => {
          const stale = this.#db.prepare("SELECT id FROM files WHERE server_id = ? AND fingerprint IS NOT ?").all(serverId, currentFingerprint) as { id: number }[];
          for (const { id } of stale) {
            this.#statements.deleteSymbols.run(id);
            this.#statements.deleteInnerHumps.run(id);
            this.#statements.deleteFile.run(id);
          }
          return stale.length;
        }).immediate(),
      ),
    );
  }
}

/** Fingerprints are "serverId@version#confighash": the server id is what precedes the "@". */
function serverOf(fingerprint: string | null): string | null {
  if (!fingerprint) return null;
  const at = fingerprint.indexOf("@");
  return at < 0 ? fingerprint : fingerprint.slice(0, at);
}

/** One declaration found by name, with its file's record. */
export interface Declaration {
  file: FileRecord;
  symbol: { name: string; kind: number; container: string | null; detail: string | null; source: string; range: LspRange; selectionRange: LspRange };
}

interface FileRow {
  path: string;
  language: string | null;
  size: number;
  mtime_ms: number;
  hash: string | null;
  fingerprint: string | null;
  tier: SymbolTier;
  status: FileStatus;
  attempts: number;
  error: string | null;
  symbol_count: number;
  indexed_at: number;
}

interface SymbolRow {
  id: number;
  name: string;
  kind: number;
  container: string | null;
  detail: string | null;
  source: string;
  parent_id: number | null;
  start_line: number; start_char: number; end_line: number; end_char: number;
  sel_start_line: number; sel_start_char: number; sel_end_line: number; sel_end_char: number;
}

function toRecord(row: FileRow): FileRecord {
  return {
    path: row.path, language: row.language, size: row.size, mtimeMs: row.mtime_ms, hash: row.hash, fingerprint: row.fingerprint, tier: row.tier,
    status: row.status, attempts: row.attempts, error: row.error, symbolCount: row.symbol_count, indexedAt: row.indexed_at,
  };
}

const INSERT_SYMBOLS = `INSERT INTO symbols (id, file_id, name, name_lower, humps, kind, container, container_lower, detail, source, parent_id, standing,
      start_line, start_char, end_line, end_char, sel_start_line, sel_start_char, sel_end_line, sel_end_char) VALUES`;
const SYMBOL_COLUMNS = 20;
const ROWS_PER_INSERT = 64;

function symbolValues(rows: number): string {
  const row = `(${Array.from({ length: SYMBOL_COLUMNS }, () => "?").join(", ")})`;
  return Array.from({ length: rows }, () => row).join(", ");
}

function prepareStatements(db: Db): Record<string, Statement> {
  return {
    getFile: db.prepare("SELECT * FROM files WHERE path = ?"),
    allFiles: db.prepare("SELECT path, language, size, mtime_ms, hash, fingerprint, tier, status, attempts, error, symbol_count, indexed_at FROM files"),
    fileId: db.prepare("SELECT id, attempts, tier FROM files WHERE path = ?"),
    filesWithStatus: db.prepare("SELECT path, error FROM files WHERE status = ? ORDER BY path LIMIT ?"),
    deleteSymbols: db.prepare("DELETE FROM symbols WHERE file_id = ?"),
    deleteInnerHumps: db.prepare("DELETE FROM inner_humps WHERE file_id = ?"),
    insertInnerHumps: db.prepare("INSERT OR IGNORE INTO inner_humps (humps, symbol_id, file_id) VALUES (?, ?, ?)"),
    deleteFile: db.prepare("DELETE FROM files WHERE id = ?"),
    touchFile: db.prepare("UPDATE files SET size = ?, mtime_ms = ? WHERE path = ?"),
    filesUnder: db.prepare("SELECT id FROM files WHERE substr(path, 1, ?) = ?"),
    upsertFile: db.prepare(`INSERT INTO files (path, language, size, mtime_ms, hash, server_id, fingerprint, tier, status, attempts, error, symbol_count, indexed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (path) DO UPDATE SET language = excluded.language, size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash,
        server_id = excluded.server_id, fingerprint = excluded.fingerprint, tier = excluded.tier, status = excluded.status, attempts = excluded.attempts,
        error = excluded.error, symbol_count = excluded.symbol_count, indexed_at = excluded.indexed_at
      RETURNING id`),
    // The server failed on content the file's syntax symbols describe: they stay, with the failure beside them.
    failBesideSyntax: db.prepare("UPDATE files SET server_id = ?, fingerprint = ?, status = ?, attempts = ?, error = ?, indexed_at = ? WHERE id = ?"),
    insertSymbol: db.prepare(`${INSERT_SYMBOLS} ${symbolValues(1)}`),
    insertSymbols: db.prepare(`${INSERT_SYMBOLS} ${symbolValues(ROWS_PER_INSERT)}`),
    maxSymbolId: db.prepare("SELECT coalesce(max(id), 0) AS m FROM symbols"),
    fileSymbols: db.prepare(`SELECT s.id, s.name, s.kind, s.container, s.detail, s.parent_id, s.start_line, s.start_char, s.end_line, s.end_char,
      s.sel_start_line, s.sel_start_char, s.sel_end_line, s.sel_end_char
      FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.path = ? ORDER BY s.id`),
    declarationsNamed: db.prepare(`SELECT s.*, f.path AS file_path, f.language, f.size, f.mtime_ms, f.hash, f.fingerprint, f.tier, f.status, f.attempts, f.error,
      f.symbol_count, f.indexed_at
      FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name_lower = ? AND s.name = ? ORDER BY f.path, s.start_line LIMIT ?`),
  };
}
