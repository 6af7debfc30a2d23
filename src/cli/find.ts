// `codeintel find QUERY [-r DIR]... [-n N] [--json] [--files-only]`: one fuzzy query over
// one or more roots, printed ranked best first. It is the find_files tool, run like every
// command's tool (tool-call.ts): through the project's daemon, warm after the first call, or in
// this process with --no-daemon (composed of the file finder alone: no language-server code loads).
import { relative, resolve } from "node:path";
import type { FileMatch, FindFilesInput, FindFilesOutput } from "../protocol/index.js";
import { DEFAULT_LIMIT } from "../workspace/limits.js";
import { defineCommand, integer, UsageError } from "./command.js";
import { defaultRoot, runToolCommand, serviceOptions } from "./tool-call.js";

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
An empty query ("") lists the shortest paths first.

Answered by the project's background daemon (the git work tree holding the current folder),
so calls after the first are warm; see codeintel daemon.`,
    positionals: "QUERY",
    options: {
      root: { type: "string", short: "r", multiple: true, value: "DIR", help: "a folder to search (repeatable; default: the current folder)" },
      limit: { type: "string", short: "n", value: "N", help: `how many results (default ${DEFAULT_LIMIT})` },
      json: { type: "boolean", short: "j", help: "print the result objects as JSON:\n[{ root, path, fileName, matchType, score, indices }]" },
      "files-only": { type: "boolean", help: "leave folders out" },
      ...serviceOptions,
    },
    footer: "Exit codes: 0 results printed (possibly none), 1 error (e.g. a root that does not exist), 2 bad usage, 130 interrupted.",
  },
  async ({ values, positionals }) => {
    if (positionals.length === 0) throw new UsageError('a QUERY is required (use "" to list files)');
    const input: FindFilesInput = { query: positionals.join(" "), limit: integer(values.limit, "limit", 1) ?? DEFAULT_LIMIT };
    if (values["files-only"]) input.directories = false;
    // -r DIR: those folders are the project. Without it, the project is the work tree holding the
    // current folder (the daemon hover and symbols use) and the search is the current folder.
    const cwd = process.cwd();
    const project = values.root?.length ? values.root : [defaultRoot()];
    if (!values.root?.length && !project.some((r) => resolve(r) === cwd)) input.roots = [cwd];
    const json = values.json ?? false;
    return runToolCommand(
      {
        command: "find",
        tool: "find_files",
        input: { ...input },
        roots: project,
        config: values.config,
        trust: values.trust,
        noDaemon: values["no-daemon"],
        inProcess: { engines: "files" },
      },
      (result) => {
        const { results } = result.structured as FindFilesOutput;
        if (json) {
          process.stdout.write(JSON.stringify(results, null, 2) + "\n");
          return;
        }
        const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
        const several = new Set(project.map((r) => resolve(r))).size > 1;
        process.stdout.write(results.map((r) => renderLine(r, several, color) + "\n").join(""));
      },
    );
  },
);

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
