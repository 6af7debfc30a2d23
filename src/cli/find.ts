// `codeintel find QUERY [--root DIR]... [--limit N] [--json] [--files-only]`: one fuzzy query over
// one or more roots, printed ranked best first.
import { relative, resolve } from "node:path";
import { FileFinder, FinderError, type FileMatch } from "../files/finder.js";

export const help = `Usage: codeintel find QUERY [--root DIR]... [--limit N] [--json] [--files-only]

Fuzzy-find files and folders by path (fzf's algorithm and extended syntax).
In a git work tree the candidates are \`git ls-files -co --exclude-standard\`;
elsewhere a walk that honours .gitignore and .ignore files.

QUERY             space-separated terms that must all match (quote the whole query):
                    abc      fuzzy          'abc   exact substring
                    ^abc     path prefix    abc$   path suffix
                    !abc     must not contain abc    a | b   either term
                  lowercase matches any case; an uppercase letter makes it case-sensitive.
                  An empty query ("") lists the shortest paths first.
Options:
  --root DIR      a folder to search (repeatable; default: the current folder)
  --limit N       how many results (default 50)
  --json          print the result objects as JSON:
                  [{ root, path, fileName, matchType, score, indices }]
  --files-only    leave folders out
  -h, --help      this help

Exit codes: 0 results printed (possibly none), 1 error (e.g. a root that does not exist), 2 bad usage.`;

interface FindArgs {
  query: string;
  roots: string[];
  limit: number;
  json: boolean;
  filesOnly: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): FindArgs {
  const words: string[] = [];
  const roots: string[] = [];
  let limit = 50;
  let json = false;
  let filesOnly = false;
  let sawQuery = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (name: string) => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (arg === "--root") roots.push(value("--root"));
    else if (arg.startsWith("--root=")) roots.push(arg.slice("--root=".length));
    else if (arg === "--limit" || arg.startsWith("--limit=")) {
      const raw = arg === "--limit" ? value("--limit") : arg.slice("--limit=".length);
      if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--limit must be a positive integer, got '${raw}'`);
      limit = Number(raw);
    } else if (arg === "--json") json = true;
    else if (arg === "--files-only") filesOnly = true;
    else if (arg === "--") {
      words.push(...argv.slice(i + 1));
      sawQuery = sawQuery || i + 1 < argv.length;
      break;
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option '${arg}'`);
    else {
      words.push(arg);
      sawQuery = true;
    }
  }
  if (!sawQuery) throw new UsageError("a QUERY is required (use \"\" to list files)");
  return { query: words.join(" "), roots: roots.length > 0 ? roots : [process.cwd()], limit, json, filesOnly };
}

export async function run(argv: string[]): Promise<number> {
  let args: FindArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`codeintel find: ${err.message}\n\n${help}\n`);
    return 2;
  }
  const finder = new FileFinder({ watch: false });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once("SIGINT", onSigint);
  try {
    const { results } = await finder.find(args.query, args.roots, {
      limit: args.limit,
      signal: controller.signal,
      includeDirectories: !args.filesOnly,
    });
    if (args.json) {
      process.stdout.write(JSON.stringify(results, null, 2) + "\n");
    } else {
      const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
      const several = new Set(args.roots.map((r) => resolve(r))).size > 1;
      for (const r of results) process.stdout.write(renderLine(r, several, color) + "\n");
    }
    return 0;
  } catch (err) {
    if (err instanceof FinderError) {
      process.stderr.write(`codeintel find: ${err.message}\n`);
      return err.code === "cancelled" ? 130 : 1;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    await finder.close();
  }
}

function renderLine(r: FileMatch, several: boolean, color: boolean): string {
  let prefix = "";
  if (several) {
    const rel = relative(process.cwd(), r.root) || ".";
    prefix = rel.endsWith("/") ? rel : `${rel}/`;
  }
  const suffix = r.matchType === "directory" ? "/" : "";
  if (!color) return prefix + r.path + suffix;
  const marks = new Set(r.indices);
  let out = prefix;
  let inMark = false;
  for (let i = 0; i < r.path.length; i++) {
    const marked = marks.has(i);
    if (marked !== inMark) out += marked ? "\x1b[1;32m" : "\x1b[0m";
    inMark = marked;
    out += r.path[i]!;
  }
  return out + (inMark ? "\x1b[0m" : "") + suffix;
}
