// `codeintel find QUERY [-r DIR]... [-n N] [--json] [--files-only]`: one fuzzy query over
// one or more roots, printed ranked best first.
import { relative, resolve } from "node:path";
import { FileFinder, FinderError, type PathMatch } from "../files/finder.js";
import { DEFAULT_LIMIT } from "../workspace/limits.js";
import { defineCommand, integer, UsageError } from "./command.js";

export const find = defineCommand(
  {
    name: "find",
    usage: ["find QUERY [-r DIR]... [-n N] [--json] [--files-only]"],
    description: `Fuzzy-find files and folders by path (fzf's algorithm and extended syntax).
In a git work tree the candidates are \`git ls-files -co --exclude-standard\`;
elsewhere a walk that honours .gitignore and .ignore files.

QUERY: space-separated terms that must all match (quote the whole query):
  abc      fuzzy          'abc   exact substring
  ^abc     path prefix    abc$   path suffix
  !abc     must not contain abc    a | b   either term
Lowercase matches any case; an uppercase letter makes it case-sensitive.
An empty query ("") lists the shortest paths first.`,
    positionals: "QUERY",
    options: {
      root: { type: "string", short: "r", multiple: true, value: "DIR", help: "a folder to search (repeatable; default: the current folder)" },
      limit: { type: "string", short: "n", value: "N", help: `how many results (default ${DEFAULT_LIMIT})` },
      json: { type: "boolean", short: "j", help: "print the result objects as JSON:\n[{ root, path, fileName, matchType, score, indices }]" },
      "files-only": { type: "boolean", help: "leave folders out" },
    },
    footer: "Exit codes: 0 results printed (possibly none), 1 error (e.g. a root that does not exist), 2 bad usage.",
  },
  async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError('a QUERY is required (use "" to list files)');
    return search({
      query: positionals.join(" "),
      roots: values.root ?? [process.cwd()],
      limit: integer(values.limit, "limit", 1) ?? DEFAULT_LIMIT,
      json: values.json ?? false,
      filesOnly: values["files-only"] ?? false,
    });
  },
);

interface FindArgs {
  query: string;
  roots: string[];
  limit: number;
  json: boolean;
  filesOnly: boolean;
}

async function search(args: FindArgs): Promise<number> {
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

function renderLine(r: PathMatch, several: boolean, color: boolean): string {
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
