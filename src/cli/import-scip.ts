// `codeintel import-scip FILE.scip [--root DIR] [--commit SHA]`: the import_scip tool
// (src/tools/import-scip.ts) on one root, its summary printed.
import { resolve } from "node:path";
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import type { ImportScipOutput } from "../protocol/index.js";
import { defineCommand, UsageError } from "./command.js";

export const importScip = defineCommand(
  {
    name: "import-scip",
    usage: ["import-scip FILE.scip [-r DIR] [--commit SHA] [options]"],
    positionals: "FILE.scip",
    description: `Load a SCIP index (from scip-typescript, scip-python or any SCIP indexer, e.g. built in CI)
into the root's symbol cache, replacing the one imported before. hover, definition and references
then answer from it, with no language server, for every file whose content is the indexed one
(\`source: "scip"\`); a file edited since answers from the language server or the syntax tier.
The file must be inside the project root. A truncated or corrupt file is refused and the cache
keeps what it had.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root the index describes (default: the current folder)" },
      commit: { type: "string", value: "SHA", help: "the git commit the index was built at: files are compared with that commit's\ncontent (default: with the work tree's as it is now)" },
      "cache-dir": { type: "string", value: "DIR", help: "where cache databases live (default: $CODEINTEL_CACHE_DIR, else the user cache folder)" },
      json: { type: "boolean", short: "j", help: "print the summary as JSON" },
    },
    footer: "Exit codes: 0 imported, 1 error (the file is not a readable SCIP index: nothing changed), 2 bad usage.",
  },
  async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "give the .scip file to import" : "give one .scip file");
    let ci: CodeIntel | undefined;
    try {
      ci = await createCodeIntel({ roots: [values.root ?? process.cwd()], cacheDir: values["cache-dir"], watch: false, symbolIndex: "off", log: (line) => process.stderr.write(line + "\n") });
      const input = { file: resolve(positionals[0]!), ...(values.commit !== undefined ? { commit: values.commit } : {}) };
      const result = await ci.call<ImportScipOutput>("import_scip", input);
      process.stdout.write((values.json ? JSON.stringify(result.structured, null, 2) : result.text) + "\n");
      return 0;
    } catch (e) {
      process.stderr.write(`codeintel import-scip: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    } finally {
      await ci?.close();
    }
  },
);
