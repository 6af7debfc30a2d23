// One root's symbol cache: file records and their symbols in a SQLite database.
// Writes are batched into one immediate transaction each and retried past lock contention;
// corruption found while running (or by verify(), when an indexing pass starts) sets the
// database aside and starts over; `generation` counts those restarts so the indexer knows its
// earlier answers are gone.
import type { Statement } from "better-sqlite3";
import { canonicalRoot, defaultCacheDir, symbolDatabasePath } from "./cache-location.js";
import { type Db, isUntrustworthy, openSymbolDatabase, withBusyRetry } from "./database.js";
import { type QueryResult, SymbolQueryEngine } from "./query.js";
import type { StoreBackend } from "./store-backend.js";
import { type Declaration, fileOutcome, type FileRow, type FileWrite, type StoreStats, symbolForms, type SymbolRow, toRecord } from "./store-rows.js";
import { type FileRecord, type FileStatus, type FlatSymbol, range, type SymbolQuery, type SymbolTier } from "./types.js";

export type { Declaration, FileWrite, StoreStats } from "./store-rows.js";

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

/** The embedded back end: one SQLite file per root (the default store). */
export class SymbolStore implements StoreBackend {
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

  get location(): string {
    return this.dbPath;
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
        const out = fileOutcome(w, existing);
        if (out.besideSyntax) {
          s.failBesideSyntax.run(out.serverId, r.fingerprint, out.status, out.attempts, out.error, now, existing!.id);
          continue;
        }
        const fileId = Number(
          (s.upsertFile.get(r.path, r.language, r.size, r.mtimeMs, r.hash, out.serverId, r.fingerprint, out.tier, out.status, out.attempts, out.error, out.count, now) as { id: number }).id,
        );
        if (w.type !== "symbols") continue;
        if (nextId < 0) nextId = (s.maxSymbolId.get() as { m: number }).m + 1;
        const ids: number[] = [];
        const forms = symbolForms(r.path, w.symbols, out.tier);
        w.symbols.forEach((sym, i) => {
          const f = forms[i]!;
          const parentId = sym.parent === null ? null : (ids[sym.parent] ?? null);
          const id = nextId++;
          rows.push(
            id, fileId, sym.name, f.lower, f.humps, sym.kind, sym.container, f.containerLower, sym.detail, out.source, parentId, f.standing,
            sym.range.start.line, sym.range.start.character, sym.range.end.line, sym.range.end.character,
            sym.selectionRange.start.line, sym.selectionRange.start.character, sym.selectionRange.end.line, sym.selectionRange.end.character,
          );
          ids.push(id);
          for (const h of f.innerHumps) inner.push(h, id, fileId);
        });
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
