// Search-based navigation, for files no language server answers (none is installed for the
// language, or it is still loading): what GitHub calls search-based code navigation. Nothing
// here is the server's answer, and every result says how far it got.
//
//   const nav = new ApproximateNavigator({ files, syntax, declarations? })
//   nav.outline(root, path, signal?)                 → the file's declarations (tree-sitter)
//   nav.references(root, path, name, signal?)        → whole-word occurrences of name, nearest files first
//   nav.definitions(root, path, text, name, { qualifier?, signal? }) → declarations named name: those the
//                                                      qualifier names (`bufio.NewReader`, `Shape::area`), this
//                                                      file, files it imports, then the rest by path closeness
//
// references scans the root's files of the same language family (the finder's list, so ignore
// rules apply) in syntax workers, bounded by a file count and an occurrence count; definitions
// asks a DeclarationLookup, by default "scan, then parse the files that mention the name". The
// symbol cache's syntactic tier can stand in for that lookup (declarationsNamed).
import { dirname } from "node:path";
import type { FlatSymbol } from "../symbols/types.js";
import { importedModules, isImported } from "./imports.js";
import { languageFamily } from "./identifiers.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "./languages.js";
import type { SyntaxPool } from "./syntax-pool.js";

/** The finder's file lists: root-relative, '/'-separated (FileFinder satisfies it). */
export interface RootFiles {
  listFiles(root: string): Promise<readonly string[]>;
}

export interface Bounded {
  /** False when a bound stopped the search: `reason` says which, and results may be missing. */
  complete: boolean;
  reason?: string;
}

export interface DeclarationHit {
  /** Root-relative. */
  path: string;
  symbol: FlatSymbol;
}

export interface DeclarationQuery {
  /** The file asked from (root-relative): the search starts near it. */
  near: string;
  language: SyntaxLanguage;
  /** Files to look in before the nearer ones (those the asking file imports). */
  preferred?: (path: string) => boolean;
  signal?: AbortSignal;
}

/** Where declarations by name come from: scan and parse (here), or the symbol cache's syntactic tier. */
export interface DeclarationLookup {
  /** null: this lookup cannot answer for the root now (the navigator then scans and parses). */
  declarationsNamed(root: string, name: string, query: DeclarationQuery): Promise<(Bounded & { declarations: DeclarationHit[] }) | null>;
}

export interface ApproximateLimits {
  /** Files scanned per question, nearest first. */
  maxFiles: number;
  /** Occurrences collected by a references scan. */
  maxOccurrences: number;
  /** Files parsed for declarations, nearest first among those that mention the name. */
  maxParsedFiles: number;
}

export const DEFAULT_APPROXIMATE_LIMITS: ApproximateLimits = { maxFiles: 20_000, maxOccurrences: 2_000, maxParsedFiles: 50 };

export interface Occurrence {
  path: string;
  /** 0-based line, UTF-16 character. */
  line: number;
  character: number;
}

/** Why a declaration ranks where it does. */
export type DeclarationRank = "qualified" | "same file" | "imported" | "elsewhere";

export interface RankedDeclaration extends DeclarationHit {
  rank: DeclarationRank;
}

export interface ApproximateNavigatorOptions {
  files: RootFiles;
  /** The syntax worker pool, created on first use. */
  syntax: () => SyntaxPool;
  /** Asked first (the symbol cache's syntactic tier); where it answers null, scan and parse. */
  declarations?: DeclarationLookup;
  limits?: Partial<ApproximateLimits>;
}

export class ApproximateNavigator {
  private readonly limits: ApproximateLimits;
  private readonly scanThenParse: ScanThenParse;

  constructor(private readonly options: ApproximateNavigatorOptions) {
    this.limits = { ...DEFAULT_APPROXIMATE_LIMITS, ...options.limits };
    this.scanThenParse = new ScanThenParse(options.files, options.syntax, this.limits);
  }

  async outline(root: string, path: string, signal?: AbortSignal): Promise<{ symbols: FlatSymbol[]; partial: boolean }> {
    const [result] = await this.options.syntax().parse(root, [path], { signal });
    if (result?.status === "ok") return { symbols: result.symbols, partial: result.partial };
    if (result?.status === "failed") throw new Error(`the ${result.language} parser failed on ${path}: ${result.error}`);
    if (result?.status === "excluded") throw new Error(`${path}: ${result.error}`);
    throw new Error(`no grammar reads ${path}`);
  }

  async references(root: string, path: string, name: string, signal?: AbortSignal): Promise<Bounded & { occurrences: Occurrence[] }> {
    const language = requireLanguage(path);
    const { paths, bound } = await nearestFiles(this.options.files, root, path, language, this.limits.maxFiles);
    const scan = await this.options.syntax().scan(root, paths, name, { limit: this.limits.maxOccurrences, signal });
    const occurrences = scan.hits.flatMap((h) => h.occurrences.map(([line, character]) => ({ path: h.path, line, character })));
    const reasons = [bound, scan.stopped ? `stopped at ${this.limits.maxOccurrences} occurrences` : undefined].filter((r) => r !== undefined);
    return { occurrences, ...boundedBy(reasons) };
  }

  /** `qualifier`: the name written before the identifier and a `.`, `::` or `->` (a package, module, type). */
  async definitions(
    root: string,
    path: string,
    text: string,
    name: string,
    { qualifier, signal }: { qualifier?: string; signal?: AbortSignal } = {},
  ): Promise<Bounded & { declarations: RankedDeclaration[] }> {
    const language = requireLanguage(path);
    const modules = importedModules(text, language);
    const qualified = (d: DeclarationHit) => qualifier !== undefined && (d.symbol.container === qualifier || isImported(d.path, new Set([qualifier])));
    const query: DeclarationQuery = { near: path, language, preferred: (p) => isImported(p, modules), signal };
    const found = (await this.options.declarations?.declarationsNamed(root, name, query)) ?? (await this.scanThenParse.declarationsNamed(root, name, query));
    const rankOf = (d: DeclarationHit): DeclarationRank =>
      qualified(d) ? "qualified" : d.path === path ? "same file" : isImported(d.path, modules) ? "imported" : "elsewhere";
    const order: Record<DeclarationRank, number> = { qualified: 0, "same file": 1, imported: 2, elsewhere: 3 };
    const declarations = found.declarations
      .map((d) => ({ ...d, rank: rankOf(d) }))
      .sort(
        (a, b) =>
          order[a.rank] - order[b.rank] ||
          byCloseness(path, a.path, b.path) ||
          (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
          a.symbol.selectionRange.start.line - b.symbol.selectionRange.start.line,
      );
    return { declarations, complete: found.complete, ...(found.reason ? { reason: found.reason } : {}) };
  }
}

/** The default lookup: scan the nearest files for the name, parse the ones that mention it, keep the declarations of that name. */
class ScanThenParse implements DeclarationLookup {
  constructor(
    private readonly files: RootFiles,
    private readonly syntax: () => SyntaxPool,
    private readonly limits: ApproximateLimits,
  ) {}

  async declarationsNamed(root: string, name: string, { near, language, preferred, signal }: DeclarationQuery): Promise<Bounded & { declarations: DeclarationHit[] }> {
    const { paths, bound } = await nearestFiles(this.files, root, near, language, this.limits.maxFiles);
    // Declarations need the files, not every occurrence: a generous bound keeps a common name cheap.
    const scan = await this.syntax().scan(root, paths, name, { limit: this.limits.maxOccurrences * 10, signal });
    // Parsing is the costly step: the asking file, then the files it imports, then the nearest.
    const mentioning = scan.hits.map((h) => h.path);
    const first = mentioning.filter((p) => p === near || preferred?.(p));
    const parsed = [...new Set([...first, ...mentioning])].slice(0, this.limits.maxParsedFiles);
    const pool = this.syntax();
    // Small batches, so every worker thread takes a share of a few dozen files.
    const batchSize = Math.max(1, Math.ceil(parsed.length / (pool.threads * 2)));
    const results = await pool.parse(root, parsed, { signal, batchSize });
    const declarations: DeclarationHit[] = [];
    for (const r of results) {
      if (r.status !== "ok") continue;
      for (const symbol of r.symbols) if (symbol.name === name) declarations.push({ path: r.path, symbol });
    }
    const reasons = [
      bound,
      scan.stopped ? `stopped scanning after ${mentioning.length} files that mention '${name}'` : undefined,
      mentioning.length > parsed.length
        ? `parsed ${parsed.length} of the ${mentioning.length} files that mention '${name}' (this file and its imports first, then the nearest)`
        : undefined,
    ].filter((r) => r !== undefined);
    return { declarations, ...boundedBy(reasons) };
  }
}

function requireLanguage(path: string): SyntaxLanguage {
  const language = syntaxLanguageOf(path);
  if (!language) throw new Error(`no grammar reads ${path}`);
  return language;
}

/** The root's files of `language`'s family, `from` first, then by path closeness; at most `max`. */
async function nearestFiles(files: RootFiles, root: string, from: string, language: SyntaxLanguage, max: number): Promise<{ paths: string[]; bound?: string }> {
  const family = new Set(languageFamily(language));
  const here = folders(from);
  const others = (await files.listFiles(root))
    .filter((p) => p !== from && family.has(syntaxLanguageOf(p) as SyntaxLanguage))
    .map((p) => ({ p, ...closeness(here, p) }));
  others.sort((a, b) => b.shared - a.shared || a.apart - b.apart || (a.p < b.p ? -1 : a.p > b.p ? 1 : 0));
  const paths = [from, ...others.slice(0, max - 1).map((o) => o.p)];
  return others.length + 1 > max ? { paths, bound: `scanned the ${max} nearest of ${others.length + 1} ${language}-family files` } : { paths };
}

/** Negative when `a` is closer to `from` than `b`. */
function byCloseness(from: string, a: string, b: string): number {
  const here = folders(from);
  const sa = closeness(here, a);
  const sb = closeness(here, b);
  return sb.shared - sa.shared || sa.apart - sb.apart;
}

/** How close `path` is to the folders `here`: leading folders shared, then folders apart. */
function closeness(here: readonly string[], path: string): { shared: number; apart: number } {
  const there = folders(path);
  let shared = 0;
  while (shared < here.length && shared < there.length && here[shared] === there[shared]) shared++;
  return { shared, apart: here.length + there.length - 2 * shared };
}

function folders(path: string): string[] {
  const dir = dirname(path);
  return dir === "." ? [] : dir.split("/");
}

function boundedBy(reasons: string[]): Bounded {
  return reasons.length === 0 ? { complete: true } : { complete: false, reason: reasons.join("; ") };
}
