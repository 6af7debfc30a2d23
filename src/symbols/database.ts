// Opening a root's symbol database: WAL, busy timeout, schema version check, and the
// "disposable cache" rule: a database that is garbage, truncated, corrupt, from another
// schema version or unreadable is set aside (renamed) and rebuilt with a warning.
import Database from "better-sqlite3";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { SCHEMA_VERSION, schemaSql } from "./schema.js";

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Milliseconds a statement waits for another process's write lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
  /** Told why a database was set aside; the default writes to stderr. */
  onWarning?: (message: string) => void;
  /** Written to meta on creation so a human can tell which root a cache file belongs to. */
  root?: string;
  /** Set aside the existing file even though its header looks fine (corruption found while in use). */
  forceRebuild?: string;
}

/** Opens (creating if needed) a symbol database, rebuilding it when it cannot be trusted. */
export function openSymbolDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const warn = options.onWarning ?? ((m: string) => process.stderr.write(`codeintel: ${m}\n`));
  mkdirSync(dirname(path), { recursive: true });
  if (options.forceRebuild !== undefined) setAside(path, options.forceRebuild, warn, options.root, true);
  for (let attempt = 0; ; attempt++) {
    const problem = inspectHeader(path);
    if (problem === undefined) {
      let db: Db | undefined;
      try {
        db = connect(path, options);
        const version = withBusyRetry(() => prepareSchema(db!, options.root));
        if (version === SCHEMA_VERSION) return db;
        db.close();
        db = undefined;
        if (attempt > 2) throw new Error(`cannot rebuild the symbol database at ${path}`);
        setAside(path, `it has schema version ${version}, this codeintel uses ${SCHEMA_VERSION}`, warn, options.root);
        continue;
      } catch (err) {
        db?.close();
        if (!isUntrustworthy(err) || attempt > 2) throw err;
        setAside(path, `it cannot be read (${(err as Error).message})`, warn, options.root);
        continue;
      }
    }
    if (attempt > 2) throw new Error(`cannot rebuild the symbol database at ${path}: ${problem}`);
    setAside(path, problem, warn, options.root);
  }
}

/** True for errors that mean the file is not a usable database (as opposed to a busy lock or a full disk). */
export function isUntrustworthy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === "SQLITE_CORRUPT" || code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT_VTAB" ||
    code === "SQLITE_CORRUPT_INDEX" || code === "SQLITE_CORRUPT_SEQUENCE" || code === "SQLITE_IOERR_SHORT_READ" ||
    code === "SQLITE_CANTOPEN" || code === "SQLITE_READONLY" || code === "SQLITE_PERM" ||
    // Damage inside the FTS shadow tables surfaces as a generic SQLITE_ERROR.
    (code === "SQLITE_ERROR" && /malformed|vtable constructor failed|corrupt/i.test((err as Error).message));
}

/** True for lock contention with another connection, worth waiting out. */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/**
 * Runs `fn`, retrying while another process holds the lock past the busy timeout, so that
 * "database is locked" never reaches a user; gives up after `maxWaitMs`.
 */
export function withBusyRetry<T>(fn: () => T, maxWaitMs = 60_000): T {
  const started = Date.now();
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      return fn();
    } catch (err) {
      if (!isBusy(err) || Date.now() - started > maxWaitMs) throw err;
      sleepSync(delay + Math.random() * delay);
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

function connect(path: string, options: OpenDatabaseOptions): Db {
  const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5000 });
  try {
    withBusyRetry(() => db.pragma("journal_mode = WAL"));
    // NORMAL is durable against process crashes in WAL mode (only an OS crash can lose the
    // last commits), which is the right trade for a cache.
    db.pragma("synchronous = NORMAL");
    db.pragma("temp_store = MEMORY");
    db.pragma("cache_size = -32000");
    db.pragma("mmap_size = 268435456");
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Creates the schema in a fresh file, or returns the version an existing one has. */
function prepareSchema(db: Db, root: string | undefined): number {
  const read = (): number | undefined => {
    const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return undefined;
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    return row ? Number(row.value) : -1;
  };
  const existing = read();
  if (existing !== undefined) return existing;
  // Two processes may create the same fresh file at once: the write lock decides who does it.
  return db.transaction(() => {
    const again = read();
    if (again !== undefined) return again;
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
    if (tables.n > 0) return -1; // some other program's database: not ours to reuse
    db.exec(schemaSql);
    const put = db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)");
    put.run("schema_version", String(SCHEMA_VERSION));
    put.run("created_at", new Date().toISOString());
    if (root) put.run("root", root);
    return SCHEMA_VERSION;
  }).immediate();
}

/**
 * Reads the 100-byte SQLite header without SQLite: catches garbage and truncated files that
 * SQLite itself would only notice when a query touches a missing page.
 */
function inspectHeader(path: string): string | undefined {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return "it is not a regular file";
    size = st.size;
  } catch {
    return undefined; // does not exist yet: created fresh
  }
  if (size === 0) return undefined; // SQLite treats an empty file as a new database
  if (size < 100) return "it is truncated (shorter than a database header)";
  const header = Buffer.alloc(100);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (err) {
    return `it cannot be opened (${(err as Error).message})`;
  }
  try {
    readSync(fd, header, 0, 100, 0);
  } catch (err) {
    return `it cannot be read (${(err as Error).message})`;
  } finally {
    closeSync(fd);
  }
  if (header.toString("latin1", 0, 16) !== "SQLite format 3\0") return "it is not a SQLite database";
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return "its header is damaged";
  const pages = header.readUInt32BE(28);
  const changeCounter = header.readUInt32BE(24);
  const validFor = header.readUInt32BE(92);
  // The in-header size is only trustworthy when it was written with the current change counter.
  if (pages > 0 && changeCounter === validFor && size < pages * pageSize) {
    return `it is truncated (${size} bytes, expected ${pages * pageSize})`;
  }
  return undefined;
}

/**
 * Renames a bad database (and its -wal/-shm) out of the way. A lock file makes sure two
 * processes that both found it bad do not set aside the fresh one the other just built.
 */
function setAside(path: string, reason: string, warn: (m: string) => void, root: string | undefined, force = false): void {
  const lock = `${path}.rebuild-lock`;
  const release = acquireLock(lock);
  try {
    const stillBad = force || inspectHeader(path) !== undefined || !opensCleanly(path);
    if (!stillBad) return;
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const aside = `${path}.broken-${stamp}`;
    removeOlderSetAsides(path);
    for (const suffix of ["", "-wal", "-shm"]) {
      if (existsSync(path + suffix)) {
        try {
          renameSync(path + suffix, aside + suffix);
        } catch {
          try {
            unlinkSync(path + suffix);
          } catch {
            // another process removed it first
          }
        }
      }
    }
    warn(`symbol cache ${path} was set aside as ${aside} and will be rebuilt: ${reason}`);
    // Build the fresh schema while still holding the lock, so a second process that also
    // found the old file bad sees a good database, not a half-made one it would set aside too.
    const fresh = new Database(path, { timeout: 5000 });
    try {
      withBusyRetry(() => fresh.pragma("journal_mode = WAL"));
      withBusyRetry(() => prepareSchema(fresh, root));
    } finally {
      fresh.close();
    }
  } finally {
    release();
  }
}

/** Only the latest set-aside copy is kept (for a bug report); older ones would pile up forever. */
function removeOlderSetAsides(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.broken-`;
  try {
    for (const name of readdirSync(dir)) if (name.startsWith(prefix)) unlinkSync(join(dir, name));
  } catch {
    // best effort: a leftover copy costs disk, not correctness
  }
}

function opensCleanly(path: string): boolean {
  if (!existsSync(path)) return true;
  let db: Db | undefined;
  try {
    db = new Database(path, { timeout: 5000 });
    const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
    return row !== undefined && Number(row.value) === SCHEMA_VERSION;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

function acquireLock(lock: string): () => void {
  const started = Date.now();
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return () => {
        try {
          unlinkSync(lock);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      // A holder killed mid-rebuild leaves its lock behind; the rebuild takes milliseconds.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 10_000) unlinkSync(lock);
      } catch {
        // removed meanwhile
      }
      if (Date.now() - started > 30_000) throw new Error(`timed out waiting for ${lock}`, { cause: err });
      sleepSync(20);
    }
  }
}
