// `codeintel index [--root DIR]`: the `index` tool (src/tools/index-symbols.ts) on one root,
// with a progress bar on a TTY and the tool's summary at the end. `--precise` instead runs the
// SCIP indexers that apply (src/scip/indexers.ts) and imports what they write.
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import type { IndexOutput } from "../tools/index-symbols.js";
import { ToolError } from "../core/tool.js";
import { defineCommand, integer } from "./command.js";
import { ProgressLine } from "./progress-line.js";
import { indexPrecisely } from "./precise-index.js";

export const index = defineCommand(
  {
    name: "index",
    usage: ["index [-r DIR] [options]"],
    description: `Build or refresh the symbol cache of a project root: parses every file with tree-sitter
(symbols in seconds, approximate, any language), then asks each file's language server for its
symbols (documentSymbol), which replace the syntactic ones, and stores them in a SQLite cache so
\`codeintel symbols QUERY\` and the workspace_symbols tool answer in milliseconds. Unchanged
files are skipped; a stopped run resumes where it left off.

With --precise: runs the SCIP indexers from codeintel's own packages instead (scip-typescript
for a TypeScript/JavaScript project, scip-python for a Python one, offline) and imports their
index, as \`codeintel import-scip\` does: definition, references and hover then answer without
a language server for every unchanged file.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root (default: the current folder); one per run" },
      "cache-dir": { type: "string", value: "DIR", help: "where cache databases live (default: $CODEINTEL_CACHE_DIR, else the user cache folder)" },
      config: { type: "string", value: "FILE", help: "codeintel.json with server overrides" },
      trust: { type: "boolean", help: "run the project codeintel.json's plugins and server commands this once\n(see codeintel trust; also CODEINTEL_TRUST=1)" },
      concurrency: { type: "string", value: "N", help: "documentSymbol requests in flight per server (default 3)" },
      precise: { type: "boolean", help: "run the SCIP indexers (scip-typescript, scip-python) and import their index" },
      json: { type: "boolean", short: "j", help: "print the summary as JSON" },
      quiet: { type: "boolean", short: "q", help: "no progress output" },
    },
    footer:
      "Exit codes: 0 done, 3 done but a language server failed on some files (the summary says which and why; they are retried on the next run), 1 error, 2 bad usage, 130 interrupted. Files whose server is not installed keep their syntax symbols and do not fail the run.",
  },
  async ({ values }) =>
    values.precise
      ? indexPrecisely({ root: values.root, cacheDir: values["cache-dir"], json: values.json, quiet: values.quiet })
      : run({ ...values, concurrency: integer(values.concurrency, "concurrency", 1, 64) }),
);

async function run(values: { root?: string; "cache-dir"?: string; config?: string; trust?: boolean; concurrency?: number; json?: boolean; quiet?: boolean }): Promise<number> {
  const controller = new AbortController();
  const bar = new ProgressLine(process.stderr, process.stderr.isTTY && !values.quiet && !values.json);
  // Ctrl-C: wipe the bar now (the run winds down to a summary of what got done), exit 130.
  const onSignal = () => {
    bar.stop();
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  let ci: CodeIntel | undefined;
  try {
    ci = await createCodeIntel({
      roots: [values.root ?? process.cwd()],
      configPath: values.config,
      trust: values.trust || undefined,
      cacheDir: values["cache-dir"],
      watch: false,
      symbolIndex: "manual",
      indexConcurrency: values.concurrency,
      onIndexProgress: (_root, p) => bar.update(p),
      log: (line) => {
        bar.clear();
        process.stderr.write(line + "\n");
      },
    });
    if (!values.quiet && !values.json) process.stderr.write(`listing files of ${ci.roots[0]}...\n`);
    const result = await ci.call<IndexOutput>("index", {}, { signal: controller.signal });
    bar.clear();
    process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n");
    if (result.structured.cancelled) return 130;
    return result.structured.serverFailures.length > 0 ? 3 : 0;
  } catch (e) {
    bar.clear();
    process.stderr.write(`codeintel index: ${e instanceof Error ? e.message : String(e)}\n`);
    return e instanceof ToolError && e.code === "cancelled" ? 130 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await ci?.close();
  }
}
