// The PostgreSQL store's tables and their migrations. Unlike the SQLite cache (disposable, rebuilt
// on a version change) a team's database is upgraded in place: MIGRATIONS[n] takes version n to
// n + 1, each in the one transaction that also records the new version, under an advisory lock
// so two services starting at once do not both migrate. A database newer than this codeintel is
// refused, never touched.
import type { PoolClient } from "pg";

/** Step n takes a database from version n to n + 1 (version 0: no codeintel tables yet). */
const MIGRATIONS: readonly string[] = [
  `
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  CREATE TABLE roots (id serial PRIMARY KEY, path text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
  CREATE TABLE meta (root_id int NOT NULL REFERENCES roots ON DELETE CASCADE, key text NOT NULL, value text NOT NULL, PRIMARY KEY (root_id, key));
  CREATE TABLE files (
    id bigserial PRIMARY KEY,
    root_id int NOT NULL REFERENCES roots ON DELETE CASCADE,
    -- C collation: byte order, so a folder's files are one index range (removeDir) as in SQLite.
    path text COLLATE "C" NOT NULL,
    language text,
    size bigint NOT NULL,
    mtime_ms double precision NOT NULL,
    hash text,
    server_id text,
    fingerprint text,
    tier text NOT NULL DEFAULT 'lsp' CHECK (tier IN ('ctags', 'syntax', 'lsp')),
    status text NOT NULL CHECK (status IN ('ok', 'empty', 'failed', 'excluded')),
    attempts int NOT NULL DEFAULT 0,
    error text,
    symbol_count int NOT NULL DEFAULT 0,
    indexed_at bigint NOT NULL,
    UNIQUE (root_id, path)
  );
  CREATE INDEX files_server ON files (root_id, server_id);
  CREATE TABLE symbols (
    id bigserial PRIMARY KEY,
    root_id int NOT NULL,
    file_id bigint NOT NULL REFERENCES files ON DELETE CASCADE,
    name text NOT NULL,
    -- C collation on the looked-up forms: a prefix is a btree range (with a locale collation the
    -- planner chose the trigram index for a common prefix: 833 ms against 2 ms).
    name_lower text COLLATE "C" NOT NULL,
    humps text COLLATE "C" NOT NULL,
    kind int NOT NULL,
    container text,
    container_lower text,
    detail text,
    source text NOT NULL,
    parent_id bigint,
    standing int NOT NULL DEFAULT 0,
    start_line int NOT NULL, start_char int NOT NULL, end_line int NOT NULL, end_char int NOT NULL,
    sel_start_line int NOT NULL, sel_start_char int NOT NULL, sel_end_line int NOT NULL, sel_end_char int NOT NULL
  );
  -- Covering, as in SQLite: the exact, prefix and humps tiers read their candidates from the index alone.
  CREATE INDEX symbols_name_lower ON symbols (root_id, name_lower, kind) INCLUDE (name, standing);
  CREATE INDEX symbols_humps ON symbols (root_id, humps, kind) INCLUDE (name, standing);
  CREATE INDEX symbols_file ON symbols (file_id);
  -- Substrings through pg_trgm; ctags rows stay out of it, as they stay out of SQLite's FTS table.
  CREATE INDEX symbols_trigram ON symbols USING gin (name_lower gin_trgm_ops) WHERE source <> 'ctags';
  CREATE TABLE inner_humps (
    root_id int NOT NULL,
    humps text COLLATE "C" NOT NULL,
    symbol_id bigint NOT NULL,
    file_id bigint NOT NULL REFERENCES files ON DELETE CASCADE,
    PRIMARY KEY (root_id, humps, symbol_id)
  );
  CREATE INDEX inner_humps_file ON inner_humps (file_id);
  `,
];

export const PG_SCHEMA_VERSION = MIGRATIONS.length;

/** Any fixed number: the advisory lock key that serialises migrations between services. */
const MIGRATION_LOCK = 0x636f6465;

export class SchemaTooNewError extends Error {
  constructor(location: string, version: number) {
    super(`the symbol store ${location} has schema version ${version}, newer than this codeintel's ${PG_SCHEMA_VERSION}: upgrade codeintel to use it (it was left untouched)`);
    this.name = "SchemaTooNewError";
  }
}

/** Brings the database to PG_SCHEMA_VERSION (or refuses a newer one); returns the version it had. */
export async function migrate(client: PoolClient, location: string): Promise<number> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await client.query("CREATE TABLE IF NOT EXISTS codeintel_schema (version int NOT NULL, upgraded_at timestamptz NOT NULL DEFAULT now())");
    const { rows } = await client.query<{ version: number }>("SELECT max(version) AS version FROM codeintel_schema");
    const found = rows[0]?.version ?? 0;
    if (found > PG_SCHEMA_VERSION) throw new SchemaTooNewError(location, found);
    for (let v = found; v < PG_SCHEMA_VERSION; v++) {
      await client.query(MIGRATIONS[v]!);
      await client.query("INSERT INTO codeintel_schema (version) VALUES ($1)", [v + 1]);
    }
    await client.query("COMMIT");
    return found;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}
