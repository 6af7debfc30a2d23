// Symbol search over one root's cache. Each tier (exact, prefix, humps, substring, fuzzy) is an
// index lookup capped at a fixed window; every candidate gets one score (match-score.ts: the
// match's tier and quality, then how much it is a declaration) and one ranking, so a humps match
// can sit beside prefix matches and a test callback never ties with a declaration. Substring
// and fuzzy are only looked up while few declarations were found.
//
// The tiers are written once, as a plan that yields each read it needs (SQL with `?` placeholders
// over `symbols s` / `files f`) and takes its rows back: SQLite runs it synchronously, PostgreSQL
// (postgres-store.ts) awaits each read. A dialect says the few things the two spell differently.
import type { Statement } from "better-sqlite3";
import picomatch from "picomatch";
import type { Db } from "./database.js";
import { byRank, MatchScorer, type Scored } from "./match-score.js";
import { type MatchTier, range, type SymbolHit, type SymbolQuery } from "./types.js";
import { globProblem } from "../workspace/glob-bounds.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../workspace/limits.js";
import { PathError } from "../workspace/paths.js";

export interface QueryResult {
  hits: SymbolHit[];
  /** True when more matches exist than `hits`, or may exist past a window or a tier not searched. */
  truncated: boolean;
  /** How many matches were ranked: the same for every page (limit) of one query. */
  total: number;
  /** True when `total` is a lower bound: a window filled, or substring matches were not looked for. */
  totalAtLeast: boolean;
}

/** Candidates read per index lookup. Fixed (unless a caller asks for more), so totals do not move between pages. */
const WINDOW = 200;
/** Declarations found by exact, prefix and humps before substring is skipped. */
const ENOUGH = DEFAULT_LIMIT;

/** One read of a search: SQL with `?` placeholders, its parameters, and a key for caching its statement. */
export interface CandidateRead {
  key: string;
  sql: string;
  params: unknown[];
}

/** What a back end spells its own way in the plan's SQL. */
export interface QueryDialect {
  /** A condition (and its parameters) every read adds: the rows of this root, in a database shared by roots. */
  scope: { sql: string; params: unknown[] };
  /** A condition on `f.path` for a `path` glob, with its one parameter. */
  glob(pattern: string): { sql: string; param: unknown };
  /** The FROM and WHERE of a substring read: names holding every one of `parts` (each 3+ characters), case-insensitive. */
  contains(parts: string[]): { from: string; where: string; params: unknown[] };
  /** A condition `s.id` is one of `ids`, with its one parameter. */
  idIn(ids: number[]): { sql: string; param: unknown };
}

/** The plan of one search: yields reads, takes their rows, returns the answer. */
export type SearchPlan = Generator<CandidateRead, QueryResult, unknown[]>;

/** SQLite: the glob through a JS function, substrings through the FTS5 trigram table. */
const sqliteDialect: QueryDialect = {
  scope: { sql: "", params: [] },
  glob: (pattern) => ({ sql: "path_glob(?, f.path)", param: pattern }),
  contains: (parts) => ({
    from: "symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid",
    where: "symbols_fts MATCH ?",
    params: [parts.map(ftsPhrase).join(" AND ")],
  }),
  idIn: (ids) => ({ sql: "s.id IN (SELECT value FROM json_each(?))", param: JSON.stringify(ids) }),
};

/** Prepared-statement cache and the glob function for one SQLite connection. */
export class SymbolQueryEngine {
  readonly db: Db;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db) {
    this.db = db;
    db.function("path_glob", { deterministic: true }, (pattern: unknown, path: unknown) =>
      pathGlob(String(pattern))(String(path)) ? 1 : 0,
    );
  }

  search(q: SymbolQuery): QueryResult {
    const plan = searchPlan(q, sqliteDialect);
    for (let step = plan.next(); ; ) {
      if (step.done) return step.value;
      step = plan.next(this.#run(step.value));
    }
  }

  #run(read: CandidateRead): unknown[] {
    const key = read.key + "\n" + read.sql;
    let st = this.#statements.get(key);
    if (!st) {
      st = this.db.prepare(read.sql);
      this.#statements.set(key, st);
    }
    return st.all(...read.params);
  }
}

/** The tiers of one search as a plan any back end can run (see the top of this file). */
export function* searchPlan(q: SymbolQuery, dialect: QueryDialect): SearchPlan {
  const limit = clampLimit(q.limit);
  const text = q.query.trim();
  const lower = text.toLowerCase();
  const filters = buildFilters(q, dialect);
  const reads = new CandidateReads(filters, dialect);
  const lastTier = tierOrder.indexOf(q.stopAfter ?? "fuzzy");
  const window = Math.max(WINDOW, limit);
  const scorer = new MatchScorer(text);
  const ranked = new Map<number, Ranked>();
  let declarations = 0;
  let atLeast = false;
  // Scores a source's candidates into the one ranking; a source that filled its window may have more.
  const gather = (rows: Candidate[], cap: number) => {
    if (rows.length >= cap) atLeast = true;
    for (const c of rows) {
      if (ranked.has(c.id)) continue;
      const s = scorer.score(c.name, c.kind, c.standing);
      if (!s) continue;
      ranked.set(c.id, { ...c, s });
      if (s.group === 0) declarations++;
    }
  };

  if (lower.length === 0) {
    // An empty query lists symbols (filtered) in name order: the cheapest order there is.
    const rows = yield* reads.candidates("all", "TRUE", "ORDER BY s.name_lower", [], limit + 1);
    const hits = yield* reads.materialise(rows.slice(0, limit).map((c) => ({ c, tier: "prefix" as MatchTier, score: 1 })));
    return { hits, truncated: rows.length > limit, total: hits.length, totalAtLeast: rows.length > limit };
  }
  // Every tier is an index lookup capped at the same window, whatever the page: the set ranked,
  // and so the total, is the same for every page of one query.
  gather(yield* reads.candidates("exact", "s.name_lower = ?", "", [lower], window), window);
  if (lastTier >= 1) gather(yield* reads.candidates("prefix", "s.name_lower > ? AND s.name_lower < ?", "ORDER BY s.name_lower", [lower, lower + "\u{10FFFF}"], window), window);
  // The query as the initials of the name's words (`gus` = getUserService).
  if (lastTier >= 2 && lower.length >= 2 && /^[\p{L}\p{N}]+$/u.test(lower)) {
    gather(yield* reads.candidates("humps", "s.humps >= ? AND s.humps < ?", "ORDER BY s.humps", [lower, lower + "\u{10FFFF}"], window), window);
  }
  // Substring and fuzzy matches rank below every declaration already found: with a page of
  // those in hand substrings are not looked for (the total then says there may be more), and
  // fuzzy ones only while the rest found a handful or fewer.
  if (lastTier >= 3 && lower.length >= 3) {
    if (declarations < ENOUGH) gather(yield* reads.containing("substring", [text], window), window);
    else atLeast = true;
  }
  // Fuzzy is the fallback (typos, abbreviations): only when the other tiers found no declaration.
  // Its matches rank below every one they found, and on a large cache it costs tens of
  // milliseconds (30 ms of a 1M-symbol exact-name search when it ran below 10 declarations).
  if (lastTier >= 4 && declarations === 0) gather(yield* fuzzyCandidates(lower, filters, reads), Infinity);

  const order = [...ranked.values()].sort(byRank);
  const hits = yield* reads.materialise(order.slice(0, limit).map((r) => ({ c: r, tier: r.s.tier, score: r.s.score })));
  return { hits, truncated: atLeast || order.length > limit, total: order.length, totalAtLeast: atLeast };
}

/**
 * Candidates that can plausibly match fuzzily, each source capped: names starting with the
 * query's first one or two characters, names whose humps start with its first character,
 * and names sharing one of its trigrams (the typo case). Never a full scan.
 */
function* fuzzyCandidates(lower: string, filters: Filters, reads: CandidateReads): Generator<CandidateRead, Candidate[], unknown[]> {
  const cap = 600;
  const out = new Map<number, Candidate>();
  const take = (rows: Candidate[]) => {
    for (const r of rows) out.set(r.id, r);
  };
  // A path filter usually leaves few symbols: take them all (still capped) so scoped searches
  // match anywhere in a name, even for one- and two-letter queries.
  if (filters.needsFile) take(yield* reads.candidates("fz-scope", "TRUE", "", [], cap * 2));
  const head = lower.slice(0, Math.min(2, lower.length));
  take(yield* reads.candidates("fz-prefix", "s.name_lower >= ? AND s.name_lower < ?", "ORDER BY s.name_lower", [head, head + "\u{10FFFF}"], cap));
  if (/^[\p{L}\p{N}]/u.test(lower)) {
    const h = lower[0]!;
    take(yield* reads.candidates("fz-humps", "s.humps >= ? AND s.humps < ?", "ORDER BY s.humps", [h, h + "\u{10FFFF}"], cap / 2));
    // People abbreviate by word initials plus a few letters (`gtusrsvc` for getUserService):
    // names whose first two word initials are the query's first letter and one of the next few.
    // Two and three initials picked in order from the query's first letters: each is a
    // narrow range of the covering humps index, so twenty of them cost about a millisecond.
    const head = [...lower.slice(1, 7)].filter((c) => /[\p{L}\p{N}]/u.test(c));
    const initials = new Set<string>();
    for (let a = 0; a < head.length; a++) {
      initials.add(h + head[a]);
      for (let b = a + 1; b < head.length; b++) initials.add(h + head[a] + head[b]);
    }
    for (const p of initials) take(yield* reads.candidates("fz-humps2", "s.humps >= ? AND s.humps < ?", "ORDER BY s.humps", [p, p + "\u{10FFFF}"], p.length === 2 ? 100 : 60));
    // The same from an inner word on: `usrsvc` reaches getUserService through "us".
    for (const p of initials) if (p.length === 2) take(yield* reads.innerHumps(p, 100));
  }
  if (lower.length >= 3) {
    const grams = new Set<string>();
    for (let i = 0; i + 3 <= lower.length; i++) grams.add(lower.slice(i, i + 3));
    // Up to six trigrams spread over the query, so a typo anywhere leaves some intact.
    const chosen = spread([...grams], 6);
    const perGram = Math.max(120, Math.floor(1500 / chosen.length));
    for (const g of chosen) take(yield* reads.containing("fz-gram", [g], perGram));
    // A typo breaks the trigrams around it and leaves the far ones intact: names holding
    // both the query's first and last trigram (and similar far pairs) are few and likely.
    const all = [...grams];
    if (all.length >= 4) {
      const pairs = new Set([`${all[0]}\n${all.at(-1)}`, `${all[1]}\n${all.at(-2)}`, `${all[0]}\n${all[Math.floor(all.length / 2)]}`, `${all[Math.floor(all.length / 2)]}\n${all.at(-1)}`]);
      for (const pair of pairs) {
        const [a, b] = pair.split("\n") as [string, string];
        if (a !== b) take(yield* reads.containing("fz-pair", [a, b], 200));
      }
    }
  }
  return [...out.values()];
}

type Reading<T> = Generator<CandidateRead, T, unknown[]>;

/** The reads of one search, each an index lookup with the query's filters and a cap. */
class CandidateReads {
  constructor(
    readonly filters: Filters,
    readonly dialect: QueryDialect,
  ) {}

  *candidates(key: string, where: string, order: string, params: unknown[], limit: number): Reading<Candidate[]> {
    const f = this.filters;
    const from = f.needsFile ? "symbols s JOIN files f ON f.id = s.file_id" : "symbols s";
    return (yield { key, sql: `SELECT s.id, s.name, s.kind, s.standing FROM ${from} WHERE ${where} ${f.sql} ${order} LIMIT ?`, params: [...params, ...f.params, limit] }) as Candidate[];
  }

  *innerHumps(prefix: string, limit: number): Reading<Candidate[]> {
    const f = this.filters;
    const join = f.needsFile ? "JOIN files f ON f.id = s.file_id" : "";
    return (yield { key: "fz-inner", sql: `SELECT s.id, s.name, s.kind, s.standing FROM inner_humps h JOIN symbols s ON s.id = h.symbol_id ${join} WHERE h.humps >= ? AND h.humps < ? ${f.sql} ORDER BY h.humps LIMIT ?`, params: [prefix, prefix + "\u{10FFFF}", ...f.params, limit] }) as Candidate[];
  }

  /** Names holding every one of `parts` as a substring, case-insensitive (each part 3+ characters). */
  *containing(key: string, parts: string[], limit: number): Reading<Candidate[]> {
    const f = this.filters;
    const join = f.needsFile ? "JOIN files f ON f.id = s.file_id" : "";
    const c = this.dialect.contains(parts);
    return (yield { key, sql: `SELECT s.id, s.name, s.kind, s.standing FROM ${c.from} ${join} WHERE ${c.where} ${f.sql} LIMIT ?`, params: [...c.params, ...f.params, limit] }) as Candidate[];
  }

  /** Full rows only for the symbols that made the cut. */
  *materialise(picked: { c: Candidate; tier: MatchTier; score: number }[]): Reading<SymbolHit[]> {
    if (picked.length === 0) return [];
    const ids = this.dialect.idIn(picked.map((p) => p.c.id));
    const rows = (yield { key: "rows", sql: `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE ${ids.sql}`, params: [ids.param] }) as Row[];
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    const hits: SymbolHit[] = [];
    for (const p of picked) {
      const r = byId.get(Number(p.c.id));
      if (r) hits.push(toHit(r, p.tier, p.score));
    }
    return hits;
  }
}

const tierOrder: MatchTier[] = ["exact", "prefix", "humps", "substring", "fuzzy"];

interface Candidate {
  id: number;
  name: string;
  kind: number;
  standing: number;
}

type Ranked = Candidate & { s: Scored };

function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

const columns = `s.id, s.name, s.kind, s.container, s.detail, f.path, s.source, s.start_line, s.start_char, s.end_line, s.end_char,
  s.sel_start_line, s.sel_start_char, s.sel_end_line, s.sel_end_char`;

interface Row {
  id: number;
  name: string;
  kind: number;
  container: string | null;
  detail: string | null;
  path: string;
  source: string;
  start_line: number; start_char: number; end_line: number; end_char: number;
  sel_start_line: number; sel_start_char: number; sel_end_line: number; sel_end_char: number;
}

interface Filters {
  sql: string;
  params: unknown[];
  needsFile: boolean;
}

function buildFilters(q: SymbolQuery, dialect: QueryDialect): Filters {
  let sql = dialect.scope.sql;
  const params: unknown[] = [...dialect.scope.params];
  let needsFile = false;
  if (q.kinds && q.kinds.length > 0) {
    sql += ` AND s.kind IN (${q.kinds.map(() => "?").join(", ")})`;
    params.push(...q.kinds);
  }
  if (q.container !== undefined && q.container !== "") {
    sql += " AND s.container_lower = ?";
    params.push(q.container.toLowerCase());
  }
  const path = pathFilter(q.path);
  if (path) {
    needsFile = true;
    if (path.glob !== undefined) {
      const glob = dialect.glob(path.glob);
      sql += ` AND ${glob.sql}`;
      params.push(glob.param);
    } else {
      sql += " AND substr(f.path, 1, ?) = ?";
      params.push(path.prefix.length, path.prefix);
    }
  }
  return { sql, params, needsFile };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isFinite(limit) || limit < 1) return 1;
  return Math.min(Math.floor(limit), MAX_LIMIT);
}

function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}

function toHit(r: Row, tier: MatchTier, score: number): SymbolHit {
  return {
    id: r.id, name: r.name, kind: r.kind, container: r.container, detail: r.detail, path: r.path, server: r.source === "syntax" || r.source === "ctags" ? null : r.source, source: r.source,
    range: range(r.start_line, r.start_char, r.end_line, r.end_char),
    selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
    tier, score,
  };
}

const globCache = new Map<string, (path: string) => boolean>();

/**
 * A `--path` glob in picomatch's dialect: `**` crosses folders, `*` and `?` stay inside one,
 * `[...]` / `[!...]` classes, `{a,b}` alternatives (nested too), extglobs like `+(a|b)`, and a
 * leading `!` negates. Dotfiles match like any other file (hiding them is the ignore files' job),
 * and a pattern without `/` matches the file name at any depth, as in .gitignore.
 */
function pathGlob(pattern: string): (path: string) => boolean {
  let match = globCache.get(pattern);
  if (match) return match;
  match = picomatch(pattern, { dot: true, posix: true, basename: !pattern.includes("/") });
  if (globCache.size > 256) globCache.clear();
  globCache.set(pattern, match);
  return match;
}

/** Whether a root-relative `path` passes a query's `path` filter, for hits that do not come from SQL. */
export function matchesPathFilter(filter: string | undefined, path: string): boolean {
  const f = pathFilter(filter);
  if (!f) return true;
  return f.glob !== undefined ? pathGlob(f.glob)(path) : path.startsWith(f.prefix);
}

/**
 * A `path` filter: a glob when it has glob syntax (`app/(auth)/`, a Next.js route group, stays a
 * prefix), else a plain prefix. In a glob a backslash escapes (`app/\(auth\)/**`); in a prefix it
 * is a Windows separator. None for an empty filter or the root itself. A glob past the bounds
 * of workspace/glob-bounds.ts throws PathError (invalid_input).
 */
function pathFilter(raw: string | undefined): { glob: string; prefix?: never } | { prefix: string; glob?: never } | undefined {
  if (raw === undefined || raw === "" || raw === "." || raw === "./") return undefined;
  if (/[*?[{]|^!|[@+!]\(/.test(raw)) {
    const glob = raw.replace(/^\.\//, "");
    // Checked before picomatch compiles it (workspace/glob-bounds.ts): refused, never compiled.
    const problem = globProblem(glob);
    if (problem) throw new PathError("invalid_input", `${problem} (in \`path\`)`);
    return { glob };
  }
  return { prefix: raw.replace(/\\/g, "/").replace(/^\.\//, "") };
}
