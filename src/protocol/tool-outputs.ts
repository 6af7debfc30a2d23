// The structured outputs of the catalog's tools, as every transport returns them (MCP's
// structuredContent, the app-server's result, REST's body, the in-process API's value). The
// tools build them; the client SDK and the plugin context hand them out.
//
//   HoverOutput, LocationsOutput, CallHierarchyOutput, DiagnosticsOutput, DocumentSymbolsOutput,
//   WorkspaceSymbolsOutput, FindFilesOutput, RestartReport, ServersOutput, IndexOutput, ImportScipOutput
//   and the entries, pages and progress they are made of.
import type { FileMatch } from "./files.js";

/** How an answer was made: by the language server (`source` is its id), a SCIP index (`scip`) or from the syntax tier alone. */
export interface Provenance {
  precision: "exact" | "approximate";
  source: string;
  /** With `source: "scip"`: the commit the index was built at, when the import named one. */
  indexedCommit?: string;
}

/**
 * Whether an answer covers the whole project. Language servers answer references, implementations,
 * calls and symbol searches while they still load the project, from the files they have so far
 * (pyright: 1 reference cold, 34 once loaded); such an answer is passed on marked partial.
 */
export interface Completeness {
  complete: boolean;
  /** Why the answer may be partial (set when complete is false). */
  reason?: string;
}

export interface Page<T> {
  total: number;
  offset: number;
  results: T[];
  /** How many results after this page were left out. */
  omitted: number;
}

export interface LocationEntry {
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  snippet: string;
  kind?: string;
  name?: string;
}

export interface TargetEcho {
  path: string;
  line: number;
  column: number;
  symbol?: string;
}

export interface HoverOutput extends Provenance {
  target: TargetEcho;
  /** Markdown; empty when the server has nothing to say about this position. */
  contents: string;
  range?: { line: number; column: number; endLine: number; endColumn: number };
  /** Approximate answers: the declaration the contents describe. */
  declaration?: { path: string; line: number; column: number };
}

export interface LocationsOutput extends Page<LocationEntry>, Completeness, Provenance {
  target: TargetEcho;
}

export interface CallEntry {
  name: string;
  kind: string;
  path: string;
  line: number;
  column: number;
  snippet: string;
  /** 1-based positions of the call sites (in the caller for incoming, in the target for outgoing). */
  callSites: { line: number; column: number }[];
}

export interface CallHierarchyOutput extends Completeness {
  target: TargetEcho;
  item: { name: string; kind: string; path: string; line: number; column: number } | null;
  incoming?: CallEntry[];
  outgoing?: CallEntry[];
}

export interface DiagnosticEntry {
  severity: "error" | "warning" | "info" | "hint";
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  source?: string;
  code?: string;
  snippet: string;
}

export interface DiagnosticsOutput extends Page<DiagnosticEntry> {
  path: string;
  counts: Record<DiagnosticEntry["severity"], number>;
}

/**
 * A result's origin, as the tools name it: `lsp` (a language server), `syntax` (tree-sitter,
 * approximate) or `ctags` (Universal Ctags' first pass: name, kind and line only).
 */
export type SymbolSourceName = "lsp" | "syntax" | "ctags";

export interface OutlineEntry {
  name: string;
  kind: string;
  detail?: string;
  /** Dotted path of the enclosing symbols. */
  container?: string;
  depth: number;
  line: number;
  column: number;
  endLine: number;
  /** Where the symbol comes from: a language server, or tree-sitter's parse (approximate). */
  source: SymbolSourceName;
}

/**
 * Which source answered a symbol tool: the symbol cache, the cache with live language-server
 * hits filling in, the live servers (no cache for the root, or the file changed since it was
 * indexed), or the syntax tier (no server answers for the file).
 */
export interface SymbolIndexNote {
  source: "cache" | "cache+live" | "live" | "syntax";
  /** False while the root's first full indexing pass has not finished (always false without a cache). */
  complete: boolean;
  progress?: { done: number; total: number; etaMs: number | null };
}

/** `approximate` when any result comes from the syntactic tier rather than a language server. */
export type SymbolPrecision = "exact" | "approximate";

export interface DocumentSymbolsOutput extends Page<OutlineEntry> {
  path: string;
  index: SymbolIndexNote;
  precision: SymbolPrecision;
}

export interface WorkspaceSymbolEntry {
  name: string;
  kind: string;
  container?: string;
  path: string;
  line: number;
  column: number;
  snippet: string;
  /** The server that answered ("" for a syntax result). */
  server: string;
  source: SymbolSourceName;
}

export interface WorkspaceSymbolsOutput extends Page<WorkspaceSymbolEntry>, Completeness {
  query: string;
  index: SymbolIndexNote;
  precision: SymbolPrecision;
}

export interface FindFilesOutput {
  query: string;
  /** Every entry that matched, not only the returned ones. */
  total: number;
  truncated: boolean;
  results: FileMatch[];
}

/** One language server instance: its id and the server root it runs for. */
export interface ServerLocation {
  serverId: string;
  root: string;
}

export interface RestartReport {
  /** Servers that were running and were stopped (they start again on their next use). */
  stopped: ServerLocation[];
  /** Servers whose failure record (backoff, broken mark) was cleared. */
  cleared: ServerLocation[];
}

export interface CommandLocation {
  path: string;
  where: "codeintel" | "PATH" | "node_modules" | "venv";
}

export interface ServerInventoryEntry {
  id: string;
  languages: string[];
  extensions: string[];
  /** active: takes files; opt-in: known, enable it in codeintel.json; disabled: turned off there. */
  status: "active" | "opt-in" | "disabled";
  installed: boolean;
  /** The command's path, and whether it came with codeintel, from PATH, a project's node_modules or a virtualenv. */
  location?: CommandLocation;
  version?: string;
  /** Why an installed server looks unusable (its version command failed). */
  problem?: string;
  /** Extensions this server answers for now: another installed server may take the ones it shares. */
  answersFor: string[];
  /** Its running instances in the roots asked about (server roots, states, pids). */
  running: Array<{ root: string; state: string; pid?: number }>;
  install: string;
}

export interface ServersOutput {
  root: string;
  servers: ServerInventoryEntry[];
}

/** Where a file's symbols came from: Universal Ctags' first pass, tree-sitter's parse, or its language server. */
export type SymbolTier = "ctags" | "syntax" | "lsp";

/** Why a language server gave no answer. */
export type ShortfallKind = "not_installed" | "broken" | "timeout" | "loading" | "failed";

export interface IndexProgress {
  phase: "planning" | "indexing" | "done";
  /** The tier working now: the syntactic pass comes first. The fields below `syntax` are the LSP pass's. */
  tier: SymbolTier;
  /** Files of the root that either tier reads. */
  files: number;
  syntax: SyntaxProgress;
  /** The ctags first pass of this run (always set by the indexer). */
  ctags?: CtagsProgress;
  /** Files settled this pass (indexed, skipped or failed) out of total. */
  done: number;
  total: number;
  indexed: number;
  skipped: number;
  failed: number;
  /** Files the server answered, once ready, with no symbols. */
  empty: number;
  /** Files never sent to a server: not a regular file, too large or binary (their rows say why). */
  excluded: number;
  /**
   * Files whose server is not installed: they keep the syntax tier's symbols (if a grammar reads
   * them) and are not asked until the server is installed (its fingerprint changes then).
   */
  syntaxOnly: number;
  /** Those files by server, with the server's install error (one per server). */
  missingServers: MissingServer[];
  /** Files whose server answered no symbols where the syntax tier found some: the syntax symbols stay. */
  keptSyntax: number;
  /**
   * Files whose server no client has asked about (nor codeintel.json named): not asked by this
   * background pass, so no server starts unasked; they keep their ctags/syntax rows.
   */
  deferred?: number;
  /** Those files' servers. */
  deferredServers?: string[];
  /** Servers that failed on files this pass (not "not installed"), with how many and the first reason. */
  serverFailures: ServerFailure[];
  symbols: number;
  /** Files per second asked of servers so far this pass. */
  rate: number;
  /** Estimated milliseconds to finish, or null before a rate is known. */
  etaMs: number | null;
  elapsedMs: number;
}

export interface MissingServer {
  serverId: string;
  files: number;
  /** The server's "not installed" error, with how to install it. */
  reason: string;
}

export interface ServerFailure {
  serverId: string;
  files: number;
  /** What the failures were: a timeout (the machine may be loaded: run again), broken, loading, or another failure. */
  why: ShortfallKind;
  /** The first failure's message, first line. */
  reason: string;
}

/** The syntactic pass of a run (all zero without a syntax tier). */
export interface SyntaxProgress {
  /** Files a grammar reads, settled (parsed, skipped, excluded or failed) out of total. */
  done: number;
  total: number;
  parsed: number;
  /** Unchanged since the cache last saw them. */
  skipped: number;
  failed: number;
  excluded: number;
  symbols: number;
  elapsedMs: number;
  /** Files per second parsed so far. */
  rate: number;
}

/** The ctags first pass of a run: files tagged before tree-sitter parses them. */
export interface CtagsProgress {
  /** Whether ctags ran this pass (or would have: nothing was new). */
  used: boolean;
  /** Why ctags was not used (not installed, turned off, not Universal Ctags), or null. */
  reason: string | null;
  /** Files given to ctags, and those it tagged (the others wait for tree-sitter). */
  total: number;
  tagged: number;
  symbols: number;
  elapsedMs: number;
  /** Files per second tagged (and written). */
  rate: number;
}

export type IndexSummary = IndexProgress & { cancelled: boolean; removed: number; invalidated: number };

/** A file an index pass could not index, or never sent to a server, and why. */
export interface ListedFile {
  path: string;
  error: string | null;
}

/** One tier's share of a run: files it wrote symbols for, those symbols, its seconds. */
export interface TierTotals {
  files: number;
  symbols: number;
  seconds: number;
}

export type IndexOutput = IndexSummary & {
  root: string;
  database: string;
  failures: ListedFile[];
  excludedFiles: ListedFile[];
  tiers: { syntax: TierTotals; lsp: TierTotals };
  cacheSymbols: number;
  symbolChange: number;
};

/** import_scip: what a SCIP index import stored in the root's cache. */
export interface ImportScipOutput {
  root: string;
  /** The .scip file read, and the indexer that wrote it (from its metadata). */
  file: string;
  tool?: string;
  /** The commit the documents describe (given to the import); absent: the work tree at import time. */
  commit?: string;
  /** Documents in the file, and distinct paths after merging the ones that share a path. */
  documents: number;
  paths: number;
  occurrences: number;
  symbols: number;
  /** Indexed paths whose content differs from the work tree's: they answer from the other tiers. */
  stale: number;
  databaseBytes: number;
  elapsedMs: number;
}
