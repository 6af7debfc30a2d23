// Agent tool `find_files`: fuzzy-find files and folders by path across the project roots.
// The service composes it over the file-search port: `createFindFilesTool({ search })`, where
// `search` is the finder engine's adapter (src/adapters/finder-file-search.ts), which also
// confines the roots and maps the engine's errors.
//
//   input   { query: string, roots?: string[], limit?: number (1..1000, default 50), directories?: boolean (default true) }
//   output  { query, total, truncated, results: [{ root, path, fileName, matchType, score, indices }] }
//   text    "12 matches for 'readme' (showing 12):" then one path per line, folders with a trailing '/',
//           grouped under their root when several roots are searched.
import type { FileMatch, FileSearchProvider } from "../core/file-search.js";
import { ToolError, type Tool } from "../core/tool.js";
import { DEFAULT_LIMIT, MAX_LIMIT, MAX_QUERY_LENGTH, MAX_SEARCH_ROOTS } from "../workspace/limits.js";
import type { FindFilesInput, FindFilesOutput } from "../protocol/index.js";
export type { FindFilesInput, FindFilesOutput } from "../protocol/index.js";


export interface FindFilesDeps {
  /** Searches every project root when the caller names none. */
  search: FileSearchProvider;
}

export function createFindFilesTool(deps: FindFilesDeps): Tool<FindFilesInput, FindFilesOutput> {
  return {
    name: "find_files",
    title: "Find files by path",
    description:
      "Fuzzy-find files and folders by path in the project (fzf ranking: basename matches first, then shorter paths). " +
      "Use it to locate a file when you know part of its name or path. Query syntax: space-separated terms must all match; " +
      "'abc = exact substring, ^abc = path starts with, abc$ = path ends with, !abc = exclude; lowercase is case-insensitive. " +
      "Respects .gitignore. Returns root-relative paths, best first.",
    inputSchema: {
      type: "object",
      properties: {
        query: { type: "string", maxLength: MAX_QUERY_LENGTH, description: "fuzzy query, e.g. 'readme' or 'src button .tsx$'; empty lists the shortest paths" },
        roots: {
          type: "array",
          items: { type: "string", maxLength: 4096 },
          maxItems: MAX_SEARCH_ROOTS,
          description: `folders to search (inside the project roots), at most ${MAX_SEARCH_ROOTS}; default: all project roots`,
        },
        limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT },
        directories: { type: "boolean", default: true, description: "false: files only, no folders" },
      },
      required: ["query"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: {
        query: { type: "string" },
        total: { type: "integer" },
        truncated: { type: "boolean" },
        results: {
          type: "array",
          items: {
            type: "object",
            properties: {
              root: { type: "string" },
              path: { type: "string" },
              fileName: { type: "string" },
              matchType: { type: "string", enum: ["file", "directory"] },
              score: { type: "number" },
              indices: { type: "array", items: { type: "integer" } },
            },
            required: ["root", "path", "fileName", "matchType", "score", "indices"],
          },
        },
      },
      required: ["query", "total", "truncated", "results"],
    },
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(input, ctx) {
      if (typeof input.query !== "string") throw new ToolError("invalid_input", "query must be a string");
      if (input.query.length > MAX_QUERY_LENGTH) throw new ToolError("invalid_input", `query is longer than ${MAX_QUERY_LENGTH} characters`);
      const limit = input.limit ?? DEFAULT_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
        throw new ToolError("invalid_input", `limit must be an integer from 1 to ${MAX_LIMIT}`);
      }
      const found = await deps.search.search(input.query, input.roots ?? [], { limit, signal: ctx.signal, includeDirectories: input.directories ?? true });
      const output: FindFilesOutput = {
        query: input.query,
        total: found.total,
        truncated: found.total > found.files.length,
        results: found.files,
      };
      return { structured: output, text: renderText(output, found.roots.length > 1) };
    },
  };
}

function renderText(out: FindFilesOutput, groupByRoot: boolean): string {
  if (out.results.length === 0) return `No files match '${out.query}'.`;
  const header = `${out.total} match${out.total === 1 ? "" : "es"} for '${out.query}'` + (out.truncated ? ` (showing the best ${out.results.length}):` : ":");
  const lines = [header];
  const show = (r: FileMatch, indent: string) => `${indent}${r.path}${r.matchType === "directory" ? "/" : ""}`;
  if (!groupByRoot) {
    for (const r of out.results) lines.push(show(r, ""));
    return lines.join("\n");
  }
  const byRoot = new Map<string, FileMatch[]>();
  for (const r of out.results) byRoot.set(r.root, [...(byRoot.get(r.root) ?? []), r]);
  for (const [root, matches] of byRoot) {
    lines.push(`${root}:`);
    for (const r of matches) lines.push(show(r, "  "));
  }
  return lines.join("\n");
}
