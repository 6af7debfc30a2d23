// Tiered symbol search over one root's cache: exact, prefix, humps, substring, fuzzy. Each
// tier is an index lookup; the search stops as soon as the limit is filled, so a common
// query costs one or two index range scans, and only a miss pays for the fuzzy tier.
import type { Statement } from "better-sqlite3";
import type { Db } from "./database.js";
import { fuzzyScore } from "./fuzzy-score.js";
import { humps as humpsOf } from "./name-forms.js";
import { kindWeight } from "./symbol-kinds.js";
import { type MatchTier, range, type SymbolHit, type SymbolQuery } from "./types.js";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export interface QueryResult {
  hits: SymbolHit[];
  /** True when more matches exist past the limit in the tiers searched. */
  truncated: boolean;
}

/** Prepared-statement cache and the glob function for one connection. */
export class SymbolQueryEngine {
  readonly db: Db;
  readonly #statements = new Map<string, Statement>();

  constructor(db: Db) {
    this.db = db;
    db.function("path_glob", { deterministic: true }, (pattern: unknown, path: unknown) =>
      globRegex(String(pattern)).test(String(path)) ? 1 : 0,
    );
  }

  search(q: SymbolQuery): QueryResult {
    const limit = clampLimit(q.limit);
    const text = q.query.trim();
    const lower = text.toLowerCase();
    const filters = buildFilters(q);
    const seen = new Set<number>();
    const hits: SymbolHit[] = [];
    let truncated = false;
    const add = (tier: MatchTier, rows: Row[], score: (r: Row) => number): boolean => {
      const fresh = rows.filter((r) => !seen.has(r.id));
      const ranked = fresh.map((r) => ({ r, s: score(r) })).filter((x) => x.s > 0);
      ranked.sort((a, b) => b.s - a.s || kindWeight(b.r.kind) - kindWeight(a.r.kind) || a.r.name.length - b.r.name.length || cmp(a.r.path, b.r.path) || a.r.start_line - b.r.start_line);
      for (const { r, s } of ranked) {
        if (hits.length >= limit) {
          truncated = true;
          return true;
        }
        seen.add(r.id);
        hits.push(toHit(r, tier, s));
      }
      return hits.length >= limit;
    };

    if (lower.length === 0) {
      // An empty query lists symbols (filtered): the cheapest order is the name index.
      const rows = this.#run("all", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE 1 ${filters.sql} ORDER BY s.name_lower LIMIT ?`, [...filters.params, limit + 1]);
      add("prefix", rows, () => 1);
      return { hits, truncated: truncated || rows.length > limit };
    }

    const window = Math.min(Math.max(limit * 8, 200), 4000);
    // Tier 1: exact (case-insensitive; a case-sensitive match ranks first).
    const exact = this.#run("exact", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name_lower = ? ${filters.sql} LIMIT ?`, [lower, ...filters.params, window]);
    if (add("exact", exact, (r) => (r.name === text ? 2 : 1))) return { hits, truncated };

    // Tier 2: prefix, over the lowercased-name index as a range scan.
    const prefix = this.#run("prefix", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name_lower > ? AND s.name_lower < ? ${filters.sql} ORDER BY s.name_lower LIMIT ?`, [lower, lower + "\u{10FFFF}", ...filters.params, window]);
    if (add("prefix", prefix, (r) => (r.name.startsWith(text) ? 2 : 1) * 1000 - r.name.length)) return { hits, truncated: truncated || prefix.length >= window };

    // Tier 3: humps: the query as the initials of the name's words (`gus` = getUserService).
    if (lower.length >= 2 && /^[\p{L}\p{N}]+$/u.test(lower)) {
      const rows = this.#run("humps", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.humps >= ? AND s.humps < ? ${filters.sql} ORDER BY s.humps LIMIT ?`, [lower, lower + "\u{10FFFF}", ...filters.params, window]);
      if (add("humps", rows, (r) => 1000 - (humpsOf(r.name).length - lower.length) * 10 - r.name.length)) return { hits, truncated: truncated || rows.length >= window };
    }

    // Tier 4: substring, through the trigram index (it needs 3 characters).
    if (lower.length >= 3) {
      const phrase = `"${text.replace(/"/g, '""')}"`;
      const rows = this.#run("substring", `SELECT ${columns} FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid JOIN files f ON f.id = s.file_id WHERE symbols_fts MATCH ? ${filters.sql} LIMIT ?`, [phrase, ...filters.params, window]);
      const scored = add("substring", rows, (r) => substringScore(r.name, lower));
      if (scored) return { hits, truncated: truncated || rows.length >= window };
    }

    // Tier 5: fuzzy, scoring a bounded candidate set gathered from the indexes.
    const candidates = this.#fuzzyCandidates(lower, filters);
    add("fuzzy", candidates, (r) => fuzzyScore(lower, r.name));
    return { hits, truncated };
  }

  /**
   * Candidates that can plausibly match fuzzily, each source capped: names starting with the
   * query's first one or two characters, names whose humps start with its first character,
   * and names sharing one of its trigrams (the typo case). Never a full scan.
   */
  #fuzzyCandidates(lower: string, filters: Filters): Row[] {
    const cap = 1500;
    const out = new Map<number, Row>();
    const take = (rows: Row[]) => {
      for (const r of rows) out.set(r.id, r);
    };
    const head = lower.slice(0, Math.min(2, lower.length));
    take(this.#run("fz-prefix", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.name_lower >= ? AND s.name_lower < ? ${filters.sql} ORDER BY s.name_lower LIMIT ?`, [head, head + "\u{10FFFF}", ...filters.params, cap]));
    if (/^[\p{L}\p{N}]/u.test(lower)) {
      take(this.#run("fz-humps", `SELECT ${columns} FROM symbols s JOIN files f ON f.id = s.file_id WHERE s.humps >= ? AND s.humps < ? ${filters.sql} ORDER BY s.humps LIMIT ?`, [lower[0]!, lower[0]! + "\u{10FFFF}", ...filters.params, cap]));
    }
    if (lower.length >= 3) {
      const grams = new Set<string>();
      for (let i = 0; i + 3 <= lower.length; i++) grams.add(lower.slice(i, i + 3));
      // Up to six trigrams spread over the query, so a typo anywhere leaves some intact.
      const picked = spread([...grams], 6);
      const perGram = Math.max(200, Math.floor((cap * 2) / picked.length));
      for (const g of picked) {
        take(this.#run("fz-gram", `SELECT ${columns} FROM symbols_fts JOIN symbols s ON s.id = symbols_fts.rowid JOIN files f ON f.id = s.file_id WHERE symbols_fts MATCH ? ${filters.sql} LIMIT ?`, [`"${g.replace(/"/g, '""')}"`, ...filters.params, perGram]));
      }
    }
    return [...out.values()];
  }

  #run(tier: string, sql: string, params: unknown[]): Row[] {
    const key = tier + "\n" + sql;
    let st = this.#statements.get(key);
    if (!st) {
      st = this.db.prepare(sql);
      this.#statements.set(key, st);
    }
    return st.all(...params) as Row[];
  }
}

const columns = `s.id, s.name, s.kind, s.container, s.detail, f.path, s.start_line, s.start_char, s.end_line, s.end_char,
  s.sel_start_line, s.sel_start_char, s.sel_end_line, s.sel_end_char`;

interface Row {
  id: number;
  name: string;
  kind: number;
  container: string | null;
  detail: string | null;
  path: string;
  start_line: number; start_char: number; end_line: number; end_char: number;
  sel_start_line: number; sel_start_char: number; sel_end_line: number; sel_end_char: number;
}

interface Filters {
  sql: string;
  params: unknown[];
}

function buildFilters(q: SymbolQuery): Filters {
  let sql = "";
  const params: unknown[] = [];
  if (q.kinds && q.kinds.length > 0) {
    sql += ` AND s.kind IN (${q.kinds.map(() => "?").join(", ")})`;
    params.push(...q.kinds);
  }
  if (q.container !== undefined && q.container !== "") {
    sql += " AND s.container_lower = ?";
    params.push(q.container.toLowerCase());
  }
  if (q.path !== undefined && q.path !== "" && q.path !== "." && q.path !== "./") {
    const p = q.path.replace(/\\/g, "/").replace(/^\.\//, "");
    if (/[*?[{]/.test(p)) {
      sql += " AND path_glob(?, f.path)";
      params.push(p);
    } else {
      sql += " AND substr(f.path, 1, ?) = ?";
      params.push(p.length, p);
    }
  }
  return { sql, params };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isFinite(limit) || limit < 1) return 1;
  return Math.min(Math.floor(limit), MAX_LIMIT);
}

/** Earlier and on a word start is better; a shorter name is more specific. */
function substringScore(name: string, lower: string): number {
  const at = name.toLowerCase().indexOf(lower);
  if (at < 0) return 0;
  const boundary = at === 0 || !/[\p{L}\p{N}]/u.test(name[at - 1]!) || (/\p{Lu}/u.test(name[at]!) && /\p{Ll}/u.test(name[at - 1]!));
  return (boundary ? 2000 : 1000) - at * 4 - name.length;
}

function spread<T>(items: T[], n: number): T[] {
  if (items.length <= n) return items;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toHit(r: Row, tier: MatchTier, score: number): SymbolHit {
  return {
    id: r.id, name: r.name, kind: r.kind, container: r.container, detail: r.detail, path: r.path,
    range: range(r.start_line, r.start_char, r.end_line, r.end_char),
    selectionRange: range(r.sel_start_line, r.sel_start_char, r.sel_end_line, r.sel_end_char),
    tier, score,
  };
}

const globCache = new Map<string, RegExp>();

/** `**` crosses folders, `*` and `?` stay inside one, `{a,b}` alternates, `[...]` is a class. A pattern without `/` matches at any depth. */
export function globRegex(pattern: string): RegExp {
  let re = globCache.get(pattern);
  if (re) return re;
  let src = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          src += "(?:.*/)?";
        } else src += ".*";
      } else src += "[^/]*";
    } else if (ch === "?") src += "[^/]";
    else if (ch === "{") {
      const end = pattern.indexOf("}", i);
      if (end < 0) src += "\\{";
      else {
        src += "(?:" + pattern.slice(i + 1, end).split(",").map(escapeRe).join("|") + ")";
        i = end;
      }
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) src += "\\[";
      else {
        src += "[" + pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]";
        i = end;
      }
    } else src += escapeRe(ch);
  }
  const anchored = pattern.includes("/") ? `^${src}$` : `(?:^|/)${src}$`;
  re = new RegExp(anchored);
  if (globCache.size > 256) globCache.clear();
  globCache.set(pattern, re);
  return re;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
