// `codeintel export-scip OUT.scip [--root DIR]`: what the root's cache knows, as a SCIP index
// other SCIP consumers read: the imported SCIP documents, and every other file's symbols from
// the language-server, syntax and ctags tiers as definitions.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { canonicalRoot, defaultCacheDir, symbolDatabasePath } from "../symbols/cache-location.js";
import { ScipStore } from "../scip/scip-store.js";
import { ScipWriter } from "../scip/write-index.js";
import { defineCommand, UsageError } from "./command.js";

export const exportScip = defineCommand(
  {
    name: "export-scip",
    usage: ["export-scip OUT.scip [-r DIR] [options]"],
    positionals: "OUT.scip",
    description: `Write what the root's symbol cache knows as a SCIP index: the documents of an imported
index as they were, then each other indexed file's symbols (from its language server, tree-sitter
or ctags) as definitions named \`codeintel . . . <path>/<name>.\`. Build the cache first
(\`codeintel index\`, \`index --precise\` or \`import-scip\`). OUT is replaced only once complete.`,
    options: {
      root: { type: "string", short: "r", value: "DIR", help: "project root (default: the current folder)" },
      "cache-dir": { type: "string", value: "DIR", help: "where cache databases live (default: $CODEINTEL_CACHE_DIR, else the user cache folder)" },
    },
    footer: "Exit codes: 0 written, 1 error (no cache for the root, or OUT cannot be written), 2 bad usage.",
  },
  async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "give the .scip file to write" : "give one output file");
    const root = canonicalRoot(values.root ?? process.cwd());
    const cacheDir = values["cache-dir"] ?? defaultCacheDir();
    if (!existsSync(symbolDatabasePath(root, cacheDir))) {
      process.stderr.write(`codeintel export-scip: ${root} has no symbol cache yet: run \`codeintel index\` (or \`index --precise\`, \`import-scip\`) first\n`);
      return 1;
    }
    const store = ScipStore.open({ root, cacheDir });
    let writer: ScipWriter | undefined;
    try {
      writer = new ScipWriter(resolve(positionals[0]!));
      const written = store.exportTo(writer);
      writer.finish();
      process.stdout.write(`wrote ${writer.path}: ${written.documents} documents (${written.fromIndex} from the SCIP index, ${written.fromSymbols} from the symbol cache)\n`);
      return 0;
    } catch (e) {
      writer?.abandon();
      process.stderr.write(`codeintel export-scip: ${e instanceof Error ? e.message : String(e)}\n`);
      return 1;
    } finally {
      store.close();
    }
  },
);
