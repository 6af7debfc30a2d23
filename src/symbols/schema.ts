// The cache's tables. Bump SCHEMA_VERSION on any change: an older database is set aside and
// rebuilt (the cache is disposable), never migrated.

export const SCHEMA_VERSION = 9;

export const schemaSql = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  language TEXT,
  size INTEGER NOT NULL,
  mtime_ms REAL NOT NULL,
  hash TEXT,
  server_id TEXT,
  fingerprint TEXT,
  -- Which tier the file's symbols come from: 'ctags' (Universal Ctags, lines only) until
  -- tree-sitter parses it, 'syntax' (tree-sitter, approximate) until its language server
  -- answers, then 'lsp'. A server's failure leaves the syntax symbols in place.
  tier TEXT NOT NULL DEFAULT 'lsp' CHECK (tier IN ('ctags', 'syntax', 'lsp')),
  status TEXT NOT NULL CHECK (status IN ('ok', 'empty', 'failed', 'excluded')),
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  symbol_count INTEGER NOT NULL DEFAULT 0,
  indexed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS files_server ON files (server_id);

CREATE TABLE IF NOT EXISTS symbols (
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  name_lower TEXT NOT NULL,
  humps TEXT NOT NULL,
  kind INTEGER NOT NULL,
  container TEXT,
  container_lower TEXT,
  detail TEXT,
  -- 'ctags', 'syntax' or the id of the server that answered.
  source TEXT NOT NULL,
  parent_id INTEGER,
  -- standing.ts: place (top-level, member, local, noise) * 2 + whether the file is a test; ranking reads it.
  standing INTEGER NOT NULL DEFAULT 0,
  start_line INTEGER NOT NULL, start_char INTEGER NOT NULL, end_line INTEGER NOT NULL, end_char INTEGER NOT NULL,
  sel_start_line INTEGER NOT NULL, sel_start_char INTEGER NOT NULL, sel_end_line INTEGER NOT NULL, sel_end_char INTEGER NOT NULL
);
-- Covering indexes: the exact, prefix and humps tiers read candidates (id, name, kind, standing) from
-- the index alone, without a table lookup per row (about 3x faster at 1M symbols).
CREATE INDEX IF NOT EXISTS symbols_name_lower ON symbols (name_lower, kind, name, standing);
CREATE INDEX IF NOT EXISTS symbols_humps ON symbols (humps, kind, name, standing);
CREATE INDEX IF NOT EXISTS symbols_file ON symbols (file_id);

-- The humps of a name from its second word on (\`us\` for getUserService): fuzzy candidates for
-- queries that start at an inner word (\`usrsvc\`). Only names of two or more words have rows.
CREATE TABLE IF NOT EXISTS inner_humps (
  humps TEXT NOT NULL,
  symbol_id INTEGER NOT NULL,
  file_id INTEGER NOT NULL,
  PRIMARY KEY (humps, symbol_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inner_humps_file ON inner_humps (file_id);

CREATE VIRTUAL TABLE IF NOT EXISTS symbols_fts USING fts5 (
  name, content = 'symbols', content_rowid = 'id', tokenize = 'trigram'
);
-- The trigram index is two thirds of a symbol's write (12 vs 38 us measured): the ctags tier's
-- rows, replaced by tree-sitter's within the minute, are left out of it (the substring tier
-- misses them meanwhile; exact, prefix, humps and fuzzy find them).
CREATE TRIGGER IF NOT EXISTS symbols_fts_insert AFTER INSERT ON symbols WHEN new.source <> 'ctags' BEGIN
  INSERT INTO symbols_fts (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER IF NOT EXISTS symbols_fts_delete AFTER DELETE ON symbols WHEN old.source <> 'ctags' BEGIN
  INSERT INTO symbols_fts (symbols_fts, rowid, name) VALUES ('delete', old.id, old.name);
END;

-- The SCIP tier (src/scip/): a precise index imported from a .scip file. The index's commit, tool
-- and import time are meta rows (scip_commit, scip_tool, scip_imported_at); an import replaces
-- all of it in one transaction.
CREATE TABLE IF NOT EXISTS scip_documents (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  language TEXT,
  -- The git blob id of the content the index describes (git hash-object), or NULL when that
  -- content is unknown (then the document never answers).
  hash TEXT,
  -- Occurrences packed as little-endian int32 sextets (symbol id, start line, start character,
  -- end line, end character, roles), sorted by start: src/scip/occurrences.ts.
  occurrences BLOB NOT NULL,
  occurrence_count INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS scip_symbols (
  id INTEGER PRIMARY KEY,
  -- The global symbol string, or 'local N' (then document_id says whose).
  symbol TEXT NOT NULL,
  document_id INTEGER NOT NULL DEFAULT 0,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL DEFAULT 0,
  display_name TEXT,
  -- JSON arrays: the Markdown paragraphs, and [symbol, flags] relationship pairs.
  documentation TEXT,
  signature TEXT,
  enclosing TEXT,
  relationships TEXT,
  UNIQUE (symbol, document_id)
);

-- Which documents mention a symbol (references read only those), and the OR of its roles there.
CREATE TABLE IF NOT EXISTS scip_mentions (
  symbol_id INTEGER NOT NULL,
  document_id INTEGER NOT NULL,
  roles INTEGER NOT NULL,
  PRIMARY KEY (symbol_id, document_id)
) WITHOUT ROWID;
`;
