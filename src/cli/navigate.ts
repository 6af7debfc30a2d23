// `codeintel hover|definition|references|symbols|diagnostics`: one language-server
// query from the command line, through the same tools agents use. Each is its own command
// with its own options and help; they share the running of the tool.

import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { defineCommand, integer, UsageError, type Command, type OptionSpec, type Values } from "./command.js";
import { defaultRoot, runToolCommand, serviceOptions } from "./tool-call.js";

const position = `FILE:LINE[:COL] or FILE --symbol NAME. LINE and COL are 1-based; COL counts characters
as displayed. Without COL, a line means the name it declares (\`export function f\` → f), else its
first identifier that is not a keyword. NAME is a symbol declared in FILE, optionally qualified:
Class.method.`;

/** The other navigation commands, for the end of each one's help. */
const seeAlso = (self: string) => [
  "See also:",
  ...`  codeintel hover       FILE:LINE[:COL] | FILE --symbol NAME   type and docs of a symbol
  codeintel definition  FILE:LINE[:COL] | FILE --symbol NAME   where it is defined
  codeintel references  FILE:LINE[:COL] | FILE --symbol NAME   every reference, grouped by file
  codeintel diagnostics FILE                                   errors and warnings of a file
  codeintel symbols     FILE | QUERY                           a file's outline, or a symbol search`.split("\n").filter((l) => !l.startsWith(`  codeintel ${self} `)),
].join("\n");

const common = {
  root: { type: "string", short: "r", multiple: true, value: "DIR", help: "project root (repeatable; default: the git work tree holding FILE, else the current folder)" },
  config: serviceOptions.config,
  json: { type: "boolean", short: "j", help: "print the structured result as JSON" },
  trust: serviceOptions.trust,
  "no-daemon": serviceOptions["no-daemon"],
} as const satisfies Record<string, OptionSpec>;
const symbol = { symbol: { type: "string", value: "NAME", help: "target a symbol declared in FILE instead of a position" } } as const satisfies Record<string, OptionSpec>;
const paging = {
  limit: { type: "string", short: "n", value: "N", help: "at most N results (default 50)" },
  offset: { type: "string", value: "N", help: "skip the first N results (to page on)" },
} as const satisfies Record<string, OptionSpec>;

const symbolSearchOnly = Object.fromEntries(["kind", "path", "container", "cache-dir"].map((o) => [o, "it filters codeintel symbols QUERY"]));

/** hover, definition and references: one target (a position or a declared symbol) and its answer. */
function targetCommand(name: "hover" | "definition" | "references", what: string, options: Record<string, OptionSpec>, example: string): Command {
  return defineCommand(
    {
      name,
      usage: [`${name} FILE:LINE[:COL] [options]`, `${name} FILE --symbol NAME [options]`],
      description: `${what}\n\nThe target is ${position}`,
      positionals: "FILE[:LINE[:COL]]",
      options,
      footer: `Examples:\n  ${example}\n\n${seeAlso(name)}`,
      elsewhere: { ...symbolSearchOnly, ...(options.limit ? {} : { limit: "hover has one answer", offset: "hover has one answer" }) },
    },
    async ({ values, positionals }) => {
      const target = splitPosition(onePositional(positionals, "FILE:LINE[:COL] (or FILE --symbol NAME)"));
      const input: Record<string, unknown> = { file: resolve(target.file) };
      if (typeof values.symbol === "string") input.symbol = values.symbol;
      if (target.line !== undefined) input.line = target.line;
      if (target.column !== undefined) input.column = target.column;
      if (!values.symbol && target.line === undefined) throw new UsageError("give FILE:LINE[:COL] or --symbol NAME");
      return query(name, name, input, values as Values<typeof common & typeof paging>, input.file as string);
    },
  );
}

export const hover = targetCommand("hover", "The type and documentation of a symbol, from its language server.", { ...symbol, ...common }, "codeintel hover src/app.ts:12:7");
export const definition = targetCommand("definition", "Where a symbol is defined (several places for overloads or declaration merging).", { ...symbol, ...common, ...paging }, "codeintel definition src/app.ts --symbol Widget.render");
export const references = targetCommand("references", "Every reference to a symbol, grouped by file, declarations included.", { ...symbol, ...common, ...paging }, "codeintel references src/app.ts --symbol Widget.render --limit 200");

export const diagnostics = defineCommand(
  {
    name: "diagnostics",
    usage: ["diagnostics FILE [options]"],
    description: "The errors and warnings the language server reports for FILE, as LINE:COL severity message.",
    positionals: "FILE",
    options: { ...common, ...paging },
    footer: `Examples:\n  codeintel diagnostics src/main.ts\n\n${seeAlso("diagnostics")}`,
    elsewhere: { ...symbolSearchOnly, symbol: "diagnostics cover the whole FILE" },
  },
  async ({ values, positionals }) => {
    const file = resolve(onePositional(positionals, "FILE"));
    return query("diagnostics", "diagnostics", { file }, values, file);
  },
);

export const symbols = defineCommand(
  {
    name: "symbols",
    usage: ["symbols FILE [options]", "symbols QUERY [--kind K] [--path P] [--container C] [options]"],
    description: `With a FILE: the file's outline. Otherwise QUERY searches the project's symbols by name:
exact names, prefixes, camelCase initials (\`gus\` finds getUserService), substrings, then fuzzy.
It answers from the symbol cache \`codeintel index\` builds; before that, from a syntactic pass
(tree-sitter, seconds) it runs into the cache, marked [syntax]; a miss there asks the language
servers live. The output says which, and names any server that did not contribute.`,
    positionals: "FILE | QUERY",
    options: {
      ...common,
      ...paging,
      kind: { type: "string", value: "K", help: "QUERY: only this kind (class, function, method, interface, variable, ...)" },
      path: { type: "string", value: "P", help: "QUERY: only files under this prefix (src/lsp/) or matching this glob (**/*.test.ts)" },
      container: { type: "string", value: "C", help: "QUERY: only symbols declared directly inside C (a class, namespace, module)" },
      "cache-dir": { type: "string", value: "DIR", help: "where symbol cache databases live (default: the user cache folder)" },
    },
    footer: `Examples:\n  codeintel symbols src/app.ts\n  codeintel symbols parseConfig --root .\n  codeintel symbols gus --kind function --path 'src/**/*.ts'\n\n${seeAlso("symbols")}`,
  },
  async ({ values, positionals }) => {
    const arg = onePositional(positionals, "FILE or QUERY");
    const absFile = resolve(arg);
    const isFile = existsSync(absFile) && statSync(absFile).isFile();
    const input: Record<string, unknown> = isFile ? { file: absFile } : { query: arg };
    if (!isFile) for (const key of ["kind", "path", "container"] as const) if (values[key]) input[key] = values[key];
    return query("symbols", isFile ? "document_symbols" : "workspace_symbols", input, values, isFile ? absFile : undefined);
  },
);

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1) throw new UsageError(`expected one ${what}${positionals.length > 1 ? `, got ${positionals.length} arguments` : ""}`);
  return positionals[0]!;
}

type QueryValues = Values<typeof common & typeof paging> & { "cache-dir"?: string };

/**
 * Runs one tool of the catalog (answering from the symbol cache for `symbols`) and prints its
 * answer, through the project's daemon or in this process (tool-call.ts).
 */
async function query(command: string, toolName: string, input: Record<string, unknown>, values: QueryValues, file: string | undefined): Promise<number> {
  for (const key of ["limit", "offset"] as const) {
    const n = integer(values[key], key, 0);
    if (n !== undefined) input[key] = n;
  }
  const existing = file !== undefined && existsSync(file) && statSync(file).isFile() ? file : undefined;
  return runToolCommand(
    {
      command,
      tool: toolName,
      input,
      roots: values.root?.length ? values.root : [defaultRoot(existing)],
      config: values.config,
      cacheDir: values["cache-dir"],
      trust: values.trust,
      noDaemon: values["no-daemon"],
      // `symbols` answers from the symbol cache `codeintel index` built, else from a syntactic pass; it never asks the servers to index.
      inProcess: { symbolIndex: command === "symbols" ? "manual" : "off" },
    },
    (result) => process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n"),
  );
}

/** FILE:LINE:COL → parts; only trailing all-digit segments count, so odd file names survive. */
export function splitPosition(arg: string): { file: string; line?: number; column?: number } {
  const m = /^(.*?)(?::(\d+))?(?::(\d+))?$/.exec(arg);
  if (!m || !m[1]) return { file: arg };
  return { file: m[1], line: m[2] ? Number(m[2]) : undefined, column: m[3] ? Number(m[3]) : undefined };
}
