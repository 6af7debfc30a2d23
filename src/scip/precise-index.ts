// Answers from a root's imported SCIP index, file by file by freshness: a document answers only
// while the file's content on disk is the indexed one (its git blob id); an edited file gets no
// answer here (its caller asks the live server or the syntax tier), and a result in an edited
// file is left out and named, so the answer says it may be partial.
//
//   const index = new PreciseIndex(store);
//   index.at(relPath, line, character)          → the symbol there, or why not (no index, edited, no symbol)
//   index.definitions(hit) / index.references(hit, { includeDeclaration }) / index.hover(hit)
import { DiskBlobIds } from "./content-hash.js";
import { END_CHAR, END_LINE, FIELDS, ROLE_DEFINITION, ROLES, START_CHAR, START_LINE, SYMBOL, occurrenceAt } from "./occurrences.js";
import type { ScipDocumentRow, ScipInfo, ScipStore, ScipSymbolRow } from "./scip-store.js";

export interface PreciseLocation {
  path: string;
  /** 0-based, as the index has them (UTF-16 code units for scip-typescript and scip-python). */
  start: { line: number; character: number };
  end: { line: number; character: number };
  isDefinition: boolean;
}

export interface PreciseHit {
  document: ScipDocumentRow;
  symbol: ScipSymbolRow;
  /** The occurrence under the position. */
  location: PreciseLocation;
}

export type PreciseLookup = { hit: PreciseHit; info: ScipInfo } | { hit?: undefined; why: string };

export interface PreciseLocations {
  locations: PreciseLocation[];
  /** Files that mention the symbol but were edited since the index: their locations are missing. */
  stalePaths: string[];
}

const DOCUMENT_CACHE = 256;

export class PreciseIndex {
  readonly #blobs: DiskBlobIds;
  readonly #documents = new Map<number, ScipDocumentRow>();
  #stamp: string | undefined;

  constructor(readonly store: ScipStore) {
    this.#blobs = new DiskBlobIds(store.root);
  }

  /** Whether the file has a document in the index and is unchanged since: cheap, asked before resolving a target. */
  covers(relPath: string): boolean {
    const info = this.store.info();
    if (!info) return false;
    this.#revalidate(info);
    const document = this.store.document(relPath);
    return document !== undefined && this.#fresh(document);
  }

  /** The symbol at a position of a root-relative file, when that file's index is fresh. */
  at(relPath: string, line: number, character: number): PreciseLookup {
    const info = this.store.info();
    if (!info) return { why: "no SCIP index was imported for this root" };
    this.#revalidate(info);
    const document = this.store.document(relPath);
    if (!document) return { why: `${relPath} is not in the SCIP index` };
    if (!this.#fresh(document)) return { why: `${relPath} changed since the SCIP index${info.commit ? ` (commit ${info.commit.slice(0, 12)})` : ""} was made` };
    this.#documents.set(document.id, document);
    const at = occurrenceAt(document.occurrences, line, character);
    if (at < 0) return { why: `the SCIP index has no symbol at ${relPath}:${line + 1}:${character + 1}` };
    const symbol = this.store.symbolById(document.occurrences[at * FIELDS + SYMBOL]!);
    if (!symbol) return { why: "the SCIP index is inconsistent (an occurrence names no symbol)" };
    return { hit: { document, symbol, location: locationAt(document, at * FIELDS) }, info };
  }

  definitions(hit: PreciseHit): PreciseLocations {
    return this.#occurrencesOf(hit.symbol, (roles) => (roles & ROLE_DEFINITION) !== 0);
  }

  references(hit: PreciseHit, options: { includeDeclaration?: boolean } = {}): PreciseLocations {
    const withDeclaration = options.includeDeclaration ?? true;
    return this.#occurrencesOf(hit.symbol, (roles) => withDeclaration || (roles & ROLE_DEFINITION) === 0);
  }

  /** The symbol's signature and documentation as Markdown ("" when the index has none). */
  hover(hit: PreciseHit): string {
    const { symbol } = hit;
    const parts: string[] = [];
    if (symbol.signature) parts.push("```" + (hit.document.language?.toLowerCase() ?? "") + "\n" + symbol.signature + "\n```");
    parts.push(...symbol.documentation);
    return parts.join("\n\n").trim();
  }

  #occurrencesOf(symbol: ScipSymbolRow, wanted: (roles: number) => boolean): PreciseLocations {
    const locations: PreciseLocation[] = [];
    const stalePaths: string[] = [];
    const mentions = symbol.documentId !== 0 ? [{ documentId: symbol.documentId, roles: ~0 }] : this.store.mentions(symbol.id);
    for (const mention of mentions) {
      if (!wanted(mention.roles) && !wanted(0)) continue; // no occurrence there can qualify
      const document = this.#document(mention.documentId);
      if (!document) continue;
      if (!this.#fresh(document)) {
        stalePaths.push(document.path);
        continue;
      }
      const occ = document.occurrences;
      for (let i = 0; i < occ.length; i += FIELDS) if (occ[i + SYMBOL] === symbol.id && wanted(occ[i + ROLES]!)) locations.push(locationAt(document, i));
    }
    locations.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.start.line - b.start.line || a.start.character - b.start.character));
    return { locations, stalePaths: stalePaths.sort() };
  }

  #document(id: number): ScipDocumentRow | undefined {
    let document = this.#documents.get(id);
    if (document) {
      this.#documents.delete(id);
    } else {
      document = this.store.documentById(id);
      if (!document) return undefined;
    }
    this.#documents.set(id, document);
    if (this.#documents.size > DOCUMENT_CACHE) this.#documents.delete(this.#documents.keys().next().value!);
    return document;
  }

  #fresh(document: ScipDocumentRow): boolean {
    return document.hash !== null && this.#blobs.of(document.path) === document.hash;
  }

  /** A new import (by this process or another) replaces every document: forget the decoded ones. */
  #revalidate(info: ScipInfo): void {
    if (info.importedAt === this.#stamp) return;
    this.#stamp = info.importedAt;
    this.#documents.clear();
  }
}

function locationAt(document: ScipDocumentRow, i: number): PreciseLocation {
  const occ = document.occurrences;
  return {
    path: document.path,
    start: { line: occ[i + START_LINE]!, character: occ[i + START_CHAR]! },
    end: { line: occ[i + END_LINE]!, character: occ[i + END_CHAR]! },
    isDefinition: (occ[i + ROLES]! & ROLE_DEFINITION) !== 0,
  };
}
