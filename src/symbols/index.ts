// Public surface of the symbol cache engine.
export { SymbolCache, type CachedDocument, type SymbolCacheOptions, type SymbolSearchAnswer } from "./symbol-cache.js";
export { SymbolIndexer, type IndexerOptions, type IndexProgress, type IndexSummary, type SyntaxProgress } from "./indexer.js";
export { SymbolStore, type FileWrite, type StoreStats, type SymbolStoreOptions } from "./store.js";
export { SymbolQueryEngine, type QueryResult } from "./query.js";
export { defaultCacheDir, symbolDatabasePath } from "./cache-location.js";
export { kindName, parseKinds } from "./symbol-kinds.js";
export { fingerprintKey, type FileListSource, type FileListChange, type SymbolSource, type SyntaxSource, type SourceSymbol, type SourceFingerprint, type SourceWorkspaceHit } from "./symbol-source.js";
export type { FileRecord, FileStatus, FlatSymbol, LspRange, MatchTier, SymbolHit, SymbolQuery, SymbolTier } from "./types.js";
export { SymbolCacheRegistry, type SymbolCacheRegistryOptions } from "./registry.js";
export { configuredLanguages, LspInterest } from "./lsp-interest.js";
