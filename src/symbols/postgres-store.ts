// The PostgreSQL back end of the symbol store: one database shared by several services and
// roots (each row names its root), for a team that indexes once and answers everywhere.
// A batch is one transaction (readers keep seeing the previous state until it commits, and an
// index run that dies leaves it); each search reads one read-only snapshot under a statement
// timeout. Every commit NOTIFYs the paths it changed, so other services hear of it at once.
// A database that cannot be reached answers StoreUnavailableError (retryable), never an empty list.
//
//   const store = PostgresSymbolStore.open({ url: "postgresql:///codeintel?host=/run/postgresql", root });
//   await store.ready;  // optional: every call waits for the schema and the root's id (and retries them after an outage)
//   await store.write(batch);  const { hits } = await store.search({ query: "gus" });  await store.close();
import pg from "pg";
import picomatch from "picomatch";
import { canonicalRoot } from "./cache-location.js";
import { migrate } from "./postgres-schema.js";
import { type CandidateRead, type QueryDialect, type QueryResult, searchPlan } from "./query.js";
import { StoreUnavailableError, type StoreBackend } from "./store-backend.js";
import { type Declaration, fileOutcome, type FileRow, type FileWrite, type StoreStats, symbolForms, type SymbolRow, toRecord } from "./store-rows.js";
import { type FileRecord, type FileStatus, type FlatSymbol, range, type SymbolQuery, type SymbolTier } from "./types.js";

export interface PostgresStoreOptions {
  /** `postgres://user:password@host/db?sslmode=require`, `postgresql:///db?host=/socket/dir`; PG* variables fill in what it leaves out. */
  url: string;
  root: string;
  /** Connections kept (default 4). */
  poolSize?: number;
  /** How long a search may take before PostgreSQL cancels it (default 5 s). */
  searchTimeoutMs?: number;
  /** How long to wait for a connection (default 5 s). */
  connectTimeoutMs?: number;
}

/** The channel every store's commits are announced on: `{"root": id, "paths": [...]}` (paths empty when too many to list). */
const CHANNEL = "codeintel_symbols";
/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_NOTIFY_BYTES = 7000;

/** Error codes (and socket errors) that mean the server is down or restarting, not that the request was wrong. */
const OUTAGE_CODES = new Set(["ECONNREFUSED", "ENOENT", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "57P01", "57P02", "57P03", "53300"]);

export function isOutage(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && (OUTAGE_CODES.has(code) || code.startsWith("08"))) return true;
  const message = (err as Error)?.message ?? "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable/i.test(message);
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/:[^:@/]*@/, ":***@");
  }
}

export class PostgresSymbolStore implements StoreBackend {
  readonly root: string;
  readonly location: string;
  readonly generation = 0;
  readonly #pool: pg.Pool;
  #rootId = -1;
  #dialect: QueryDialect | undefined;
  #ready: Promise<void> | undefined;
  #writing: Promise<void> = Promise.resolve();
  readonly #searchTimeoutMs: number;
  readonly #listeners = new Set<(paths: string[]) => void>();
  readonly #connection: pg.ClientConfig;
  #listener: pg.Client | undefined;
  #listening: Promise<void> | undefined;
  #closed = false;

  /** Opens the pool at once; the schema check and the root's row come with the first call (see `ready`). */
  static open(options: PostgresStoreOptions): PostgresSymbolStore {
    return new PostgresSymbolStore(options);
  }

  private constructor(options: PostgresStoreOptions) {
    this.location = redactUrl(options.url);
    this.root = canonicalRoot(options.root);
    this.#searchTimeoutMs = options.searchTimeoutMs ?? 5_000;
    this.#connection = {
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      application_name: "codeintel",
      types: { getTypeParser: bigintsAsNumbers },
    };
    this.#pool = new pg.Pool({ ...this.#connection, max: options.poolSize ?? 4, idleTimeoutMillis: 30_000 });
    // An idle connection cut by a server restart errors here: the next query takes a fresh one.
    this.#pool.on("error", () => {});
  }

  /**
   * Resolves once the schema is current (migrated if older; SchemaTooNewError if newer) and the
   * root has its row. A failure (the server down) is not kept: the next call tries again.
   */
  get ready(): Promise<void> {
    this.#ready ??= this.#prepare().catch((err: unknown) => {
      this.#ready = undefined;
      throw err;
    });
    return this.#ready;
  }

  async #prepare(): Promise<void> {
    await this.#withClient(async (client) => {
      await migrate(client, this.location);
      const { rows } = await client.query<{ id: number }>("INSERT INTO roots (path) VALUES ($1) ON CONFLICT (path) DO UPDATE SET path = excluded.path RETURNING id", [this.root]);
      this.#rootId = rows[0]!.id;
      this.#dialect = postgresDialect(this.#rootId);
    }, false);
  }

  async search(query: SymbolQuery): Promise<QueryResult> {
    return this.#withClient(async (client) => {
      const dialect = this.#dialect!;
      // One snapshot for every tier of the search, and a bound on how long its reads may take.
      await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.#searchTimeoutMs))}`);
      try {
        const plan = searchPlan(query, dialect);
        let step = plan.next();
        while (!step.done) step = plan.next(await runRead(client, step.value));
        await client.query("COMMIT");
        return step.value;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  /** Batches apply in the order they were given (each waits for the one before), as SQLite's do. */
  write(batch: readonly FileWrite[]): Promise<void> {
    if (batch.length === 0) return Promise.resolve();
    const done = this.#writing.catch(() => {}).then(() => this.#applyBatch(batch));
    this.#writing = done;
    return done;
  }

  async #applyBatch(batch: readonly FileWrite[]): Promise<void> {
    await this.#withClient(async (client) => {
      await client.query("BEGIN");
      try {
        const changed = new Set<string>();
        for (const w of batch) await this.#apply(client, w, changed);
        await this.#announce(client, changed);
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch(() => {});
        throw err;
      }
    });
  }

  async #apply(client: pg.PoolClient, w: FileWrite, changed: Set<string>): Promise<void> {
    const root = this.#rootId;
    if (w.type === "touch") {
      await client.query("UPDATE files SET size = $3, mtime_ms = $4 WHERE root_id = $1 AND path = $2", [root, w.path, w.size, w.mtimeMs]);
      return;
    }
    if (w.type === "removeDir") {
      // A folder's files are one range in byte order: from "dir/" to just before "dir0" ('0' follows '/').
      const dir = w.dir.replace(/\/+$/, "");
      const { rows } = await client.query<{ path: string }>("DELETE FROM files WHERE root_id = $1 AND path >= $2 AND path < $3 RETURNING path", [root, dir + "/", dir + "0"]);
      for (const r of rows) changed.add(r.path);
      return;
    }
    if (w.type === "remove") {
      await client.query("DELETE FROM files WHERE root_id = $1 AND path = $2", [root, w.path]);
      changed.add(w.path);
      return;
    }
    const r = w.record;
    changed.add(r.path);
    const found = await client.query<{ id: number; attempts: number; tier: SymbolTier }>("SELECT id, attempts, tier FROM files WHERE root_id = $1 AND path = $2 FOR UPDATE", [root, r.path]);
    const existing = found.rows[0];
    const out = fileOutcome(w, existing);
    const now = Date.now();
    if (out.besideSyntax) {
      await client.query("UPDATE files SET server_id = $2, fingerprint = $3, status = $4, attempts = $5, error = $6, indexed_at = $7 WHERE id = $1", [existing!.id, out.serverId, r.fingerprint, out.status, out.attempts, out.error, now]);
      return;
    }
    if (existing) {
      await client.query("DELETE FROM symbols WHERE file_id = $1", [existing.id]);
      await client.query("DELETE FROM inner_humps WHERE file_id = $1", [existing.id]);
    }
    const upsert = await client.query<{ id: number }>(
      `INSERT INTO files (root_id, path, language, size, mtime_ms, hash, server_id, fingerprint, tier, status, attempts, error, symbol_count, indexed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (root_id, path) DO UPDATE SET language = excluded.language, size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash,
         server_id = excluded.server_id, fingerprint = excluded.fingerprint, tier = excluded.tier, status = excluded.status, attempts = excluded.attempts,
         error = excluded.error, symbol_count = excluded.symbol_count, indexed_at = excluded.indexed_at
       RETURNING id`,
      [root, r.path, r.language, r.size, r.mtimeMs, r.hash, out.serverId, r.fingerprint, out.tier, out.status, out.attempts, out.error, out.count, now],
    );
    if (w.type !== "symbols" || w.symbols.length === 0) return;
    const fileId = upsert.rows[0]!.id;
    const ids = (await client.query<{ id: number }>("SELECT nextval('symbols_id_seq') AS id FROM generate_series(1, $1)", [w.symbols.length])).rows.map((x) => x.id);
    const forms = symbolForms(r.path, w.symbols, out.tier);
    const col = <T>(pick: (s: FlatSymbol, i: number) => T) => w.symbols.map(pick);
    await client.query(
      `INSERT INTO symbols (root_id, file_id, source, id, name, name_lower, humps, kind, container, container_lower, detail, parent_id, standing,
         start_line, start_char, end_line, end_char, sel_start_line, sel_start_char, sel_end_line, sel_end_char)
       SELECT $1, $2, $3, * FROM unnest($4::bigint[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::int[],
         $14::int[], $15::int[], $16::int[], $17::int[], $18::int[], $19::int[], $20::int[], $21::int[])`,
      [
        root, fileId, out.source, ids, col((s) => s.name), forms.map((f) => f.lower), forms.map((f) => f.humps), col((s) => s.kind), col((s) => s.container),
        forms.map((f) => f.containerLower), col((s) => s.detail), col((s) => (s.parent === null ? null : (ids[s.parent] ?? null))), forms.map((f) => f.standing),
        col((s) => s.range.start.line), col((s) => s.range.start.character), col((s) => s.range.end.line), col((s) => s.range.end.character),
        col((s) => s.selectionRange.start.line), col((s) => s.selectionRange.start.character), col((s) => s.selectionRange.end.line), col((s) => s.selectionRange.end.character),
      ],
    );
    const innerHumps: string[] = [];
    const innerIds: number[] = [];
    forms.forEach((f, i) => {
      for (const h of f.innerHumps) {
        innerHumps.push(h);
        innerIds.push(ids[i]!);
      }
    });
    if (innerHumps.length > 0) {
      await client.query("INSERT INTO inner_humps (root_id, file_id, humps, symbol_id) SELECT $1, $2, * FROM unnest($3::text[], $4::bigint[]) ON CONFLICT DO NOTHING", [root, fileId, innerHumps, innerIds]);
    }
  }

  /** NOTIFY inside the transaction: PostgreSQL delivers it when (and only if) the batch commits. */
  async #announce(client: pg.PoolClient, changed: Set<string>): Promise<void> {
    let paths = [...changed];
    let payload = JSON.stringify({ root: this.#rootId, paths });
    if (Buffer.byteLength(payload) > MAX_NOTIFY_BYTES) {
      paths = [];
      payload = JSON.stringify({ root: this.#rootId, paths });
    }
    await client.query("SELECT pg_notify($1, $2)", [CHANNEL, payload]);
  }

  async getFile(path: string): Promise<FileRecord | undefined> {
    const rows = await this.#query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE root_id = $1 AND path = $2`, [this.#rootId, path]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async allFiles(): Promise<Map<string, FileRecord>> {
    const rows = await this.#query<FileRow>(`SELECT ${FILE_COLUMNS} FROM files WHERE root_id = $1`, [this.#rootId]);
    return new Map(rows.map((r) => [r.path, toRecord(r)]));
  }

  async declarationsNamed(name: string, options: { limit?: number } = {}): Promise<Declaration[]> {
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    const rows = await this.#query<SymbolRow & FileRow>(
      `SELECT ${SYMBOL_COLUMNS}, s.source, ${FILE_COLUMNS.split(", ").map((c) => `f.${c}`).join(", ")}
       FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.root_id = $1 AND s.name_lower = $2 AND s.name = $3 ORDER BY f.path, s.start_line LIMIT $4`,
      [this.#rootId, name.toLowerCase(), name, limit],
    );
    return rows.map((r) => ({
      file: toRecord(r),
      symbol: {
        name: r.name, kind: r.kind, container: r.container, detail: r.detail, source: r.source,
        range: range(r.start_line, r.start_char, r.end_line, r.end_char),
        selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
      },
    }));
  }

  async fileSymbols(path: string): Promise<FlatSymbol[]> {
    const rows = await this.#query<SymbolRow>(
      `SELECT ${SYMBOL_COLUMNS} FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.root_id = $1 AND f.path = $2 ORDER BY s.id`,
      [this.#rootId, path],
    );
    const index = new Map<number, number>();
    rows.forEach((r, i) => index.set(r.id, i));
    return rows.map((r) => ({
      name: r.name, kind: r.kind, container: r.container, detail: r.detail,
      range: range(r.start_line, r.start_char, r.end_line, r.end_char),
      selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
      parent: r.parent_id === null ? null : (index.get(r.parent_id) ?? null),
    }));
  }

  filesWithStatus(status: FileStatus, limit: number): Promise<{ path: string; error: string | null }[]> {
    return this.#query("SELECT path, error FROM files WHERE root_id = $1 AND status = $2 ORDER BY path LIMIT $3", [this.#rootId, status, limit]);
  }

  async stats(): Promise<StoreStats> {
    const rows = await this.#query<StoreStats>(
      `SELECT count(*)::int AS files, coalesce(sum(symbol_count), 0)::int AS symbols, count(*) FILTER (WHERE status = 'ok')::int AS ok,
         count(*) FILTER (WHERE status = 'empty')::int AS empty, count(*) FILTER (WHERE status = 'failed')::int AS failed,
         count(*) FILTER (WHERE status = 'excluded')::int AS excluded
       FROM files WHERE root_id = $1`,
      [this.#rootId],
    );
    return rows[0]!;
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.#query<{ value: string }>("SELECT value FROM meta WHERE root_id = $1 AND key = $2", [this.#rootId, key]);
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#query("INSERT INTO meta (root_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (root_id, key) DO UPDATE SET value = excluded.value", [this.#rootId, key, value]);
  }

  async invalidateFingerprint(serverId: string, currentFingerprint: string): Promise<number> {
    const rows = await this.#query<{ path: string }>("DELETE FROM files WHERE root_id = $1 AND server_id = $2 AND fingerprint IS DISTINCT FROM $3 RETURNING path", [this.#rootId, serverId, currentFingerprint]);
    return rows.length;
  }

  /** PostgreSQL keeps its own data sound; this checks the database answers. */
  async verify(): Promise<boolean> {
    await this.#query("SELECT 1", []);
    return true;
  }

  onChange(listener: (paths: string[]) => void): () => void {
    this.#listeners.add(listener);
    this.#listening ??= this.#listen();
    return () => this.#listeners.delete(listener);
  }

  /**
   * A dedicated connection LISTENs (a pooled one would be handed to queries); when the server
   * goes away it is made again with capped backoff, and listeners hear `[]` (something may have
   * changed meanwhile) once it is back.
   */
  async #listen(): Promise<void> {
    for (let delay = 100, first = true; !this.#closed; delay = Math.min(delay * 2, 5_000)) {
      if (!(await this.ready.then(() => true, () => false))) {
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      const client = new pg.Client(this.#connection);
      let ended!: () => void;
      const gone = new Promise<void>((resolve) => (ended = resolve));
      client.on("error", () => ended());
      client.on("end", () => ended());
      client.on("notification", (n) => {
        if (n.channel !== CHANNEL || !n.payload) return;
        let message: { root?: unknown; paths?: unknown };
        try {
          message = JSON.parse(n.payload) as typeof message;
        } catch {
          return;
        }
        if (message.root !== this.#rootId) return;
        const paths = Array.isArray(message.paths) ? message.paths.filter((p): p is string => typeof p === "string") : [];
        for (const l of this.#listeners) l(paths);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${CHANNEL}`);
        this.#listener = client;
        if (!first) for (const l of this.#listeners) l([]);
        first = false;
        delay = 100;
        await gone;
      } catch {
        // down: try again after the backoff
      }
      this.#listener = undefined;
      await client.end().catch(() => {});
      if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener?.end().catch(() => {});
    await this.#listening;
    await this.#pool.end();
  }

  async #query<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
    return this.#withClient(async (client) => (await client.query<T>(sql, params)).rows);
  }

  /**
   * A pooled connection for `fn` (once the store is `ready`, unless told not to wait); an outage
   * (down, restarting, cut) becomes StoreUnavailableError.
   */
  async #withClient<T>(fn: (client: pg.PoolClient) => Promise<T>, whenReady = true): Promise<T> {
    if (this.#closed) throw new Error(`the symbol store ${this.location} is closed`);
    if (whenReady) await this.ready;
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (err) {
      throw isOutage(err) ? new StoreUnavailableError(this.location, err) : err;
    }
    let broken = false;
    try {
      return await fn(client);
    } catch (err) {
      broken = isOutage(err);
      throw broken ? new StoreUnavailableError(this.location, err) : err;
    } finally {
      // A connection that saw an outage is dropped, not handed to the next caller.
      client.release(broken);
    }
  }
}

function postgresDialect(rootId: number): QueryDialect {
  return {
    scope: { sql: " AND s.root_id = ?", params: [rootId] },
    glob: (pattern) => globRegex(pattern),
    contains: (parts) => ({
      from: "symbols s",
      where: parts.map(() => "s.name_lower LIKE ?").join(" AND ") + " AND s.source <> 'ctags'",
      params: parts.map((p) => `%${p.toLowerCase().replace(/[\\%_]/g, (c) => "\\" + c)}%`),
    }),
    idIn: (ids) => ({ sql: "s.id = ANY(?::bigint[])", param: ids }),
  };
}

/**
 * A `path` glob as a PostgreSQL regular expression: picomatch's own translation (the same
 * options query.ts matches with), applied to the file name alone for a pattern without `/`.
 */
function globRegex(pattern: string): { sql: string; param: unknown } {
  const basename = !pattern.includes("/");
  const re = picomatch.makeRe(pattern, { dot: true, posix: true, basename });
  return { sql: basename ? "regexp_replace(f.path, '^.*/', '') ~ ?" : "f.path ~ ?", param: re.source };
}

/** The plan's `?` placeholders as PostgreSQL's `$n` (the plan's SQL has no `?` of its own). */
async function runRead(client: pg.PoolClient, read: CandidateRead): Promise<unknown[]> {
  let n = 0;
  const sql = read.sql.replace(/\?/g, () => `$${++n}`);
  return (await client.query({ name: undefined, text: sql, values: read.params })).rows;
}

/** int8 (counts, ids) as numbers: ids stay far below 2^53. */
function bigintsAsNumbers(oid: number, format?: string): (value: string) => unknown {
  if (oid === 20) return Number;
  return pg.types.getTypeParser(oid, format as "text");
}

const FILE_COLUMNS = "path, language, size, mtime_ms, hash, fingerprint, tier, status, attempts, error, symbol_count, indexed_at";
const SYMBOL_COLUMNS = `s.id, s.name, s.kind, s.container, s.detail, s.parent_id, s.start_line, s.start_char, s.end_line, s.end_char,
  s.sel_start_line, s.sel_start_char, s.sel_end_line, s.sel_end_char`;
