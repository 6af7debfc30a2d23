// `codeintel hover|definition|references|symbols|diagnostics`: one language-server
// query from the command line, through the same tools agents use.

import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { LspPool } from "../lsp/pool.js";
import { createNavigationTools } from "../tools/navigation.js";
import { ToolError, type Tool } from "../tools/tool.js";
import { loadConfig } from "../workspace/config.js";
import { isInside, resolveRoots } from "../workspace/paths.js";
import { cachedSymbolTools } from "./cached-symbol-tools.js";

export const help = `Usage:
  codeintel hover       FILE:LINE[:COL] | FILE --symbol NAME   type and docs of a symbol
  codeintel definition  FILE:LINE[:COL] | FILE --symbol NAME   where it is defined
  codeintel references  FILE:LINE[:COL] | FILE --symbol NAME   every reference, grouped by file
  codeintel diagnostics FILE                                   errors and warnings of a file
  codeintel symbols     FILE                                   the file's outline
  codeintel symbols     QUERY                                  search symbols by name (QUERY is not a file)

Symbol search matches exact names, prefixes, camelCase initials (\`gus\` finds getUserService),
substrings, then fuzzy. It answers from the symbol cache \`codeintel index\` builds; without one,
or while it is incomplete, the language servers answer (or fill in) and the output says so.

LINE and COL are 1-based; COL counts characters as displayed and defaults to the
first non-blank character of the line. NAME may be qualified: Class.method.

Options:
  --symbol NAME    target a symbol declared in FILE instead of a position
  --root DIR       project root (repeatable; default: the git work tree holding FILE, else the current folder)
  --config PATH    codeintel.json to use (default: the one at the root, if any)
  --limit N        at most N results (default 50)
  --offset N       skip the first N results
  --kind K         symbols QUERY: only this kind (class, function, method, interface, variable, ...)
  --path P         symbols QUERY: only files under this prefix (src/lsp/) or matching this glob (**/*.test.ts)
  --container C    symbols QUERY: only symbols declared directly inside C (a class, namespace, module)
  --cache-dir DIR  symbols: where symbol cache databases live (default: the user cache folder)
  --json           print the structured result as JSON
  -h, --help       this help

Examples:
  codeintel hover src/app.ts:12:7
  codeintel references src/app.ts --symbol Widget.render
  codeintel symbols parseConfig --root .
  codeintel symbols gus --kind function --path 'src/**/*.ts'`;

const TOOL_FOR: Record<string, string> = { hover: "hover", definition: "definition", references: "references", diagnostics: "diagnostics" };

export async function run(argv: string[], command: string): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        symbol: { type: "string" },
        root: { type: "string", multiple: true },
        config: { type: "string" },
        limit: { type: "string" },
        offset: { type: "string" },
        kind: { type: "string" },
        path: { type: "string" },
        container: { type: "string" },
        "cache-dir": { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`codeintel ${command}: ${(e as Error).message}\n\n${help}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    process.stderr.write(`codeintel ${command}: expected one FILE[:LINE[:COL]]${command === "symbols" ? " or QUERY" : ""}\n\n${help}\n`);
    return 2;
  }
  const target = splitPosition(positionals[0]);
  const absFile = resolve(target.file);
  const isFile = existsSync(absFile) && statSync(absFile).isFile();

  let toolName: string;
  let input: Record<string, unknown>;
  if (command === "symbols") {
    toolName = isFile ? "document_symbols" : "workspace_symbols";
    input = isFile ? { file: absFile } : { query: positionals[0] };
    if (!isFile) for (const key of ["kind", "path", "container"] as const) if (values[key]) input[key] = values[key];
  } else {
    toolName = TOOL_FOR[command];
    if (!toolName) {
      process.stderr.write(`codeintel: unknown navigation command '${command}'\n`);
      return 2;
    }
    input = { file: absFile };
    if (command !== "diagnostics") {
      if (values.symbol) input.symbol = values.symbol;
      if (target.line !== undefined) input.line = target.line;
      if (target.column !== undefined) input.column = target.column;
      if (!values.symbol && target.line === undefined) {
        process.stderr.write(`codeintel ${command}: give FILE:LINE[:COL] or --symbol NAME\n`);
        return 2;
      }
    }
  }
  for (const key of ["limit", "offset"] as const) {
    if (values[key] === undefined) continue;
    const n = Number(values[key]);
    if (!Number.isInteger(n) || n < 0) {
      process.stderr.write(`codeintel ${command}: --${key} must be a non-negative integer\n`);
      return 2;
    }
    input[key] = n;
  }

  let pool: LspPool | undefined;
  let cached: { tools: Tool[]; close(): void } | undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const roots = resolveRoots(values.root?.length ? values.root : [defaultRoot(isFile ? absFile : undefined)]);
    const config = loadConfig({ roots, explicitPath: values.config });
    pool = new LspPool({ roots, config });
    // `symbols` answers from a symbol cache when `codeintel index` built one, else live.
    if (command === "symbols") cached = cachedSymbolTools({ pool, roots, cacheDir: values["cache-dir"] ?? config.cacheDir });
    const catalog = cached?.tools ?? createNavigationTools({ pool, roots });
    const tool = catalog.find((t) => t.name === toolName) as Tool;
    const result = await tool.run(input, { signal: controller.signal });
    process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n");
    return 0;
  } catch (e) {
    const code = e instanceof ToolError ? e.code : "error";
    process.stderr.write(`codeintel ${command}: ${code === "error" ? "" : `[${code}] `}${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    cached?.close();
    await pool?.dispose();
  }
}

/** FILE:LINE:COL → parts; only trailing all-digit segments count, so odd file names survive. */
export function splitPosition(arg: string): { file: string; line?: number; column?: number } {
  const m = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(arg);
  if (!m || !m[1]) return { file: arg };
  return { file: m[1], line: m[2] ? Number(m[2]) : undefined, column: m[3] ? Number(m[3]) : undefined };
}

/** The git work tree holding `file` (or the current folder), else the current folder, else the file's folder. */
function defaultRoot(file: string | undefined): string {
  const start = file ? dirname(file) : process.cwd();
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) break;
  }
  const cwd = process.cwd();
  return !file || isInside(cwd, file) ? cwd : dirname(file);
}
