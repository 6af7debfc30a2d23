// A root's SCIP tier in its symbol database (the scip_* tables of symbols/schema.ts): written
// whole by an import, in one transaction (a corrupt or truncated file leaves the previous index
// untouched), read by the precise navigator.
//
//   const store = ScipStore.open({ root, cacheDir });
//   store.importIndex(file, { commit })  → ImportSummary (throws ScipFormatError on a bad file)
//   store.info()                          → the imported index's commit, tool, counts, or undefined
//   store.document(path) / store.symbolById(id) / store.symbolId(symbol, documentId) / store.mentions(symbolId)
import { canonicalRoot, defaultCacheDir, symbolDatabasePath } from "../symbols/cache-location.js";
import { type Db, openSymbolDatabase, withBusyRetry } from "../symbols/database.js";
import { blobsAtCommit, diskBlobId } from "./content-hash.js";
import { TextEncoding, type Document, type SymbolInformation } from "./gen/scip_pb.js";
import { FIELDS, mergeOccurrences, normalizeRange, packOccurrences, ROLE_DEFINITION, unpackOccurrences, type PackedOccurrence } from "./occurrences.js";
import type { ScipWriter } from "./write-index.js";
import { pathToFileURL } from "node:url";
import { readScipIndex } from "./read-index.js";
import { describeSymbol, isLocalSymbol } from "./symbol-names.js";
import type { ImportScipOutput } from "../protocol/index.js";

export interface ScipStoreOptions {
  root: string;
  cacheDir?: string;
  onWarning?: (message: string) => void;
}

export interface ImportOptions {
  /** The commit the index was built at: documents then describe that commit's files (git ls-tree). */
  commit?: string;
}

/** What an import stored: the import_scip tool's answer without the root it names. */
export type ImportSummary = Omit<ImportScipOutput, "root">;

export interface ScipInfo {
  commit?: string;
  tool?: string;
  importedAt?: string;
  paths: number;
  symbols: number;
}

export interface ScipDocumentRow {
  id: number;
  path: string;
  language: string | null;
  hash: string | null;
  occurrences: Int32Array;
}

export interface ScipSymbolRow {
  id: number;
  symbol: string;
  documentId: number;
  name: string;
  kind: number;
  displayName: string | null;
  documentation: string[];
  signature: string | null;
  enclosing: string | null;
  /** [symbol, flags]: 1 reference, 2 implementation, 4 type definition, 8 definition. */
  relationships: [string, number][];
}

interface SymbolRow {
  id: number;
  symbol: string;
  document_id: number;
  name: string;
  kind: number;
  display_name: string | null;
  documentation: string | null;
  signature: string | null;
  enclosing: string | null;
  relationships: string | null;
}

export class ScipStore {
  readonly root: string;
  readonly dbPath: string;
  readonly #db: Db;
  readonly #st: ReturnType<typeof prepare>;

  static open(options: ScipStoreOptions): ScipStore {
    return new ScipStore(options);
  }

  private constructor(options: ScipStoreOptions) {
    this.root = canonicalRoot(options.root);
    this.dbPath = symbolDatabasePath(this.root, options.cacheDir ?? defaultCacheDir());
    this.#db = openSymbolDatabase(this.dbPath, { root: this.root, onWarning: options.onWarning });
    this.#st = prepare(this.#db);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }

  /**
   * Replaces the root's SCIP tier with the index in `file`. Decodes one document at a time;
   * documents that share a path are merged. All in one transaction: on any error (a truncated
   * or corrupt file, a full disk) the previous index stays as it was.
   */
  importIndex(files: string | readonly string[], options: ImportOptions = {}): ImportSummary {
    const all = typeof files === "string" ? [files] : [...files];
    const started = performance.now();
    const atCommit = options.commit !== undefined ? blobsAtCommit(this.root, options.commit) : undefined;
    const hashOf = (path: string): string | null => (atCommit ? (atCommit.blobs.get(path) ?? null) : diskBlobId(this.root, path));
    const counts = { documents: 0, occurrences: 0 };
    const tools: string[] = [];
    const run = this.#db.transaction(() => {
      for (const table of ["scip_documents", "scip_symbols", "scip_mentions"]) this.#db.prepare(`DELETE FROM ${table}`).run();
      const ids = new Map<string, number>();
      const intern = (symbol: string, documentId: number): number => {
        const scoped = isLocalSymbol(symbol) ? documentId : 0;
        const key = `${scoped}\0${symbol}`;
        let id = ids.get(key);
        if (id === undefined) {
          id = Number(this.#st.insertSymbol.run(symbol, scoped, describeSymbol(symbol).name).lastInsertRowid);
          ids.set(key, id);
        }
        return id;
      };
      for (const file of all) {
        for (const entry of readScipIndex(file)) {
          if (entry.kind === "metadata") tools.push([entry.metadata.toolInfo?.name, entry.metadata.toolInfo?.version].filter(Boolean).join(" "));
          else if (entry.kind === "externalSymbol") this.#describe(entry.symbol, intern(entry.symbol.symbol, 0));
          else {
            counts.documents++;
            counts.occurrences += this.#addDocument(entry.document, hashOf, intern);
          }
        }
      }
      const meta = this.#st.putMeta;
      meta.run("scip_commit", atCommit?.commit ?? "");
      meta.run("scip_tool", tools.filter(Boolean).join(", "));
      meta.run("scip_imported_at", new Date().toISOString());
      meta.run("scip_file", all.join(", "));
      const counted = this.#st.counts.get() as { paths: number; symbols: number };
      meta.run("scip_paths", String(counted.paths));
      meta.run("scip_symbols", String(counted.symbols));
    });
    withBusyRetry(() => run.immediate());
    const info = this.info()!;
    const stale = (this.#db.prepare("SELECT path, hash FROM scip_documents").all() as { path: string; hash: string | null }[]).filter(
      (d) => d.hash === null || diskBlobId(this.root, d.path) !== d.hash,
    ).length;
    return {
      file: all.join(", "),
      tool: info.tool,
      commit: atCommit?.commit,
      documents: counts.documents,
      paths: info.paths,
      occurrences: counts.occurrences,
      symbols: info.symbols,
      stale,
      databaseBytes: this.databaseBytes(),
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  #addDocument(doc: Document, hashOf: (path: string) => string | null, intern: (symbol: string, documentId: number) => number): number {
    const path = doc.relativePath;
    const existing = this.#st.documentByPath.get(path) as { id: number; occurrences: Buffer } | undefined;
    const documentId = existing?.id ?? Number(this.#st.insertDocument.run(path, doc.language || null, hashOf(path), Buffer.alloc(0), 0).lastInsertRowid);
    const list: PackedOccurrence[] = [];
    const roles = new Map<number, number>();
    for (const occ of doc.occurrences) {
      const range = normalizeRange(occ.range);
      if (!range || occ.symbol === "") continue;
      const symbolId = intern(occ.symbol, documentId);
      list.push({ symbolId, range, roles: occ.symbolRoles });
      roles.set(symbolId, (roles.get(symbolId) ?? 0) | occ.symbolRoles | MENTIONED);
    }
    for (const info of doc.symbols) this.#describe(info, intern(info.symbol, documentId));
    let packed = packOccurrences(list);
    if (existing) packed = mergeOccurrences(unpackOccurrences(existing.occurrences), unpackOccurrences(packed));
    this.#st.updateOccurrences.run(packed, packed.byteLength / 24, documentId);
    for (const [symbolId, r] of roles) this.#st.addMention.run(symbolId, documentId, r);
    return list.length;
  }

  /** Fills a symbol's description where the index gives one (a merged copy may repeat it). */
  #describe(info: SymbolInformation, id: number): void {
    const documentation = info.documentation.length > 0 ? JSON.stringify(info.documentation) : null;
    const signature = info.signatureDocumentation?.text || null;
    const relationships = info.relationships.length > 0 ? JSON.stringify(info.relationships.map((r) => [r.symbol, relationFlags(r)])) : null;
    this.#st.describeSymbol.run({ kind: info.kind, displayName: info.displayName || null, documentation, signature, enclosing: info.enclosingSymbol || null, relationships, id });
  }

  /** What was imported, from the meta rows the import wrote (a few index lookups: asked on every query). */
  info(): ScipInfo | undefined {
    const meta = new Map((this.#st.scipMeta.all() as { key: string; value: string }[]).map((r) => [r.key, r.value || undefined]));
    const importedAt = meta.get("scip_imported_at");
    if (importedAt === undefined) return undefined;
    return { commit: meta.get("scip_commit"), tool: meta.get("scip_tool"), importedAt, paths: Number(meta.get("scip_paths") ?? 0), symbols: Number(meta.get("scip_symbols") ?? 0) };
  }

  document(path: string): ScipDocumentRow | undefined {
    const row = this.#st.documentByPath.get(path) as { id: number; path: string; language: string | null; hash: string | null; occurrences: Buffer } | undefined;
    return row && { ...row, occurrences: unpackOccurrences(row.occurrences) };
  }

  documentById(id: number): ScipDocumentRow | undefined {
    const row = this.#st.documentById.get(id) as { id: number; path: string; language: string | null; hash: string | null; occurrences: Buffer } | undefined;
    return row && { ...row, occurrences: unpackOccurrences(row.occurrences) };
  }

  symbolById(id: number): ScipSymbolRow | undefined {
    const row = this.#st.symbolById.get(id) as SymbolRow | undefined;
    return row && toSymbol(row);
  }

  /** The id of a global symbol (documentId 0) or of a document's local one. */
  symbolId(symbol: string, documentId = 0): number | undefined {
    return (this.#st.symbolId.get(symbol, isLocalSymbol(symbol) ? documentId : 0) as { id: number } | undefined)?.id;
  }

  /** The documents that mention a symbol, with the OR of its roles in each. */
  mentions(symbolId: number): { documentId: number; roles: number }[] {
    return (this.#st.mentions.all(symbolId) as { document_id: number; roles: number }[]).map((r) => ({ documentId: r.document_id, roles: r.roles }));
  }

  /**
   * Writes what the cache knows as SCIP: every imported document as it was stored, then each
   * other file's symbols from the language-server, syntax and ctags tiers as definitions (their
   * symbols named `codeintel . . . <path>/<container>#<name>.`). Returns the documents written.
   */
  exportTo(writer: ScipWriter): { documents: number; fromIndex: number; fromSymbols: number } {
    const names = new Map<number, string>();
    const nameOf = (id: number): string => {
      let name = names.get(id);
      if (name === undefined) {
        name = this.symbolById(id)?.symbol ?? "";
        names.set(id, name);
      }
      return name;
    };
    writer.metadata({ toolInfo: { name: "codeintel", version: "export" }, projectRoot: pathToFileURL(this.root).href, textDocumentEncoding: TextEncoding.UTF8 });
    let fromIndex = 0;
    for (const { id } of this.#db.prepare("SELECT id FROM scip_documents ORDER BY path").all() as { id: number }[]) {
      const document = this.documentById(id)!;
      const occ = document.occurrences;
      const occurrences = [];
      for (let i = 0; i < occ.length; i += FIELDS) {
        occurrences.push({ symbol: nameOf(occ[i]!), range: Array.from(occ.subarray(i + 1, i + 5)), symbolRoles: occ[i + 5]! });
      }
      const defined = (this.#st.definedIn.all(id, id) as SymbolRow[]).map(toSymbol);
      writer.document({ relativePath: document.path, language: document.language ?? "", occurrences, symbols: defined.map(toInformation) });
      fromIndex++;
    }
    for (const row of this.#db.prepare("SELECT * FROM scip_symbols WHERE document_id = 0 AND id NOT IN (SELECT symbol_id FROM scip_mentions WHERE roles & 1) AND documentation IS NOT NULL").all() as SymbolRow[]) {
      writer.externalSymbol(toInformation(toSymbol(row)));
    }
    let fromSymbols = 0;
    const files = this.#db.prepare("SELECT id, path FROM files WHERE symbol_count > 0 AND path NOT IN (SELECT path FROM scip_documents) ORDER BY path").all() as { id: number; path: string }[];
    const symbolsOf = this.#db.prepare("SELECT name, container, detail, sel_start_line, sel_start_char, sel_end_line, sel_end_char FROM symbols WHERE file_id = ? ORDER BY sel_start_line, sel_start_char");
    for (const file of files) {
      const rows = symbolsOf.all(file.id) as { name: string; container: string | null; detail: string | null; sel_start_line: number; sel_start_char: number; sel_end_line: number; sel_end_char: number }[];
      const prefix = `codeintel . . . ${file.path.split("/").map((p) => `${escapeName(p)}/`).join("")}`;
      const symbolOf = (r: (typeof rows)[number]) => `${prefix}${r.container ? `${escapeName(r.container)}#` : ""}${escapeName(r.name)}.`;
      writer.document({
        relativePath: file.path,
        occurrences: rows.map((r) => ({ symbol: symbolOf(r), range: [r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char], symbolRoles: ROLE_DEFINITION })),
        symbols: rows.map((r) => ({ symbol: symbolOf(r), displayName: r.name, documentation: r.detail ? [r.detail] : [] })),
      });
      fromSymbols++;
    }
    return { documents: fromIndex + fromSymbols, fromIndex, fromSymbols };
  }

  databaseBytes(): number {
    const pages = this.#db.pragma("page_count", { simple: true }) as number;
    const size = this.#db.pragma("page_size", { simple: true }) as number;
    return pages * size;
  }
}

/** A mention's roles carry this bit beside SCIP's, so a mention with no role is still a row. */
const MENTIONED = 1 << 30;

function relationFlags(r: { isReference: boolean; isImplementation: boolean; isTypeDefinition: boolean; isDefinition: boolean }): number {
  return (r.isReference ? 1 : 0) | (r.isImplementation ? 2 : 0) | (r.isTypeDefinition ? 4 : 0) | (r.isDefinition ? 8 : 0);
}

/** A stored symbol back as SCIP's SymbolInformation. */
function toInformation(s: ScipSymbolRow) {
  const flags = (f: number) => ({ isReference: (f & 1) !== 0, isImplementation: (f & 2) !== 0, isTypeDefinition: (f & 4) !== 0, isDefinition: (f & 8) !== 0 });
  return {
    symbol: s.symbol,
    documentation: s.documentation,
    kind: s.kind,
    displayName: s.displayName ?? "",
    enclosingSymbol: s.enclosing ?? "",
    relationships: s.relationships.map(([symbol, f]) => ({ symbol, ...flags(f) })),
    ...(s.signature ? { signatureDocumentation: { text: s.signature } } : {}),
  };
}

/** A descriptor name as SCIP writes it: bare when simple, else backquoted with backquotes doubled. */
function escapeName(name: string): string {
  return /^[\w$+-]+$/.test(name) ? name : "`" + name.replace(/`/g, "``") + "`";
}

function toSymbol(row: SymbolRow): ScipSymbolRow {
  return {
    id: row.id,
    symbol: row.symbol,
    documentId: row.document_id,
    name: row.name,
    kind: row.kind,
    displayName: row.display_name,
    documentation: row.documentation ? (JSON.parse(row.documentation) as string[]) : [],
    signature: row.signature,
    enclosing: row.enclosing,
    relationships: row.relationships ? (JSON.parse(row.relationships) as [string, number][]) : [],
  };
}

function prepare(db: Db) {
  return {
    insertSymbol: db.prepare("INSERT INTO scip_symbols (symbol, document_id, name) VALUES (?, ?, ?)"),
    // The first description wins; a later copy only fills what is still empty.
    describeSymbol: db.prepare(
      `UPDATE scip_symbols SET kind = CASE WHEN kind = 0 THEN @kind ELSE kind END, display_name = coalesce(display_name, @displayName),
       documentation = coalesce(documentation, @documentation), signature = coalesce(signature, @signature),
       enclosing = coalesce(enclosing, @enclosing), relationships = coalesce(relationships, @relationships) WHERE id = @id`,
    ),
    insertDocument: db.prepare("INSERT INTO scip_documents (path, language, hash, occurrences, occurrence_count) VALUES (?, ?, ?, ?, ?)"),
    updateOccurrences: db.prepare("UPDATE scip_documents SET occurrences = ?, occurrence_count = ? WHERE id = ?"),
    documentByPath: db.prepare("SELECT id, path, language, hash, occurrences FROM scip_documents WHERE path = ?"),
    documentById: db.prepare("SELECT id, path, language, hash, occurrences FROM scip_documents WHERE id = ?"),
    addMention: db.prepare(
      "INSERT INTO scip_mentions (symbol_id, document_id, roles) VALUES (?, ?, ?) ON CONFLICT (symbol_id, document_id) DO UPDATE SET roles = roles | excluded.roles",
    ),
    mentions: db.prepare("SELECT document_id, roles FROM scip_mentions WHERE symbol_id = ?"),
    symbolById: db.prepare("SELECT * FROM scip_symbols WHERE id = ?"),
    // A document's symbols: the globals it defines and its locals.
    definedIn: db.prepare(
      "SELECT s.* FROM scip_symbols s JOIN scip_mentions m ON m.symbol_id = s.id WHERE m.document_id = ? AND (m.roles & 1) AND s.document_id = 0 UNION ALL SELECT * FROM scip_symbols WHERE document_id = ?",
    ),
    symbolId: db.prepare("SELECT id FROM scip_symbols WHERE symbol = ? AND document_id = ?"),
    counts: db.prepare("SELECT (SELECT count(*) FROM scip_documents) AS paths, (SELECT count(*) FROM scip_symbols WHERE document_id = 0) AS symbols"),
    scipMeta: db.prepare("SELECT key, value FROM meta WHERE key >= 'scip_' AND key < 'scip`'"),
    putMeta: db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
  };
}
