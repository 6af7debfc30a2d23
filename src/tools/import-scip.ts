// import_scip: loads a .scip index (built by CI or by `codeintel index --precise`) into a root's
// cache, replacing the one imported before; definition, references and hover then answer from it
// for every file whose content is the indexed one. The same call from every transport; the
// index file must lie inside a project root (by real path), like every path a tool reads.
import { realPathWithin } from "../workspace/paths.js";
import { ScipFormatError } from "../scip/read-index.js";
import type { PreciseIndexes } from "../scip/registry.js";
import { ToolError, type Tool } from "../core/tool.js";
import { guarded, MAX_PATH_CHARS } from "./navigation/common.js";
import { rootOf } from "./index-symbols.js";
import type { ImportScipOutput } from "../protocol/index.js";
import { isAbsolute, join } from "node:path";

export interface ImportScipInput {
  file: string;
  root?: string;
  commit?: string;
}

export function createImportScipTool(deps: { roots: readonly string[]; precise: Pick<PreciseIndexes, "import"> }): Tool<ImportScipInput, ImportScipOutput> {
  const count = { type: "integer", minimum: 0 };
  return {
    name: "import_scip",
    title: "Import a SCIP index",
    description:
      "Load a SCIP index (a .scip file from scip-typescript, scip-python or any SCIP indexer, e.g. built in CI) into a project root's cache, replacing the one imported before. " +
      "definition, references and hover then answer from it (`source: \"scip\"`) for every file whose content is the indexed one, with no language server; an edited file falls back to the live server or the syntax tier. " +
      "A truncated or corrupt file is refused and the cache keeps what it had.",
    inputSchema: {
      type: "object",
      properties: {
        file: { type: "string", maxLength: MAX_PATH_CHARS, description: "The .scip file: absolute, or relative to the root. It must be inside a project root." },
        root: { type: "string", maxLength: MAX_PATH_CHARS, description: "The project root the index describes (default: the only root; required when there are several)." },
        commit: {
          type: "string",
          maxLength: 200,
          description: "The git commit the index was built at (a SHA or any revision). Files are then compared with that commit's content; without it, with the work tree's at import time.",
        },
      },
      required: ["file"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: {
        root: { type: "string" },
        file: { type: "string" },
        tool: { type: "string", description: "The indexer named in the index's metadata, with its version." },
        commit: { type: "string", description: "The full commit id the documents describe (absent: the work tree at import time)." },
        documents: { ...count, description: "Documents in the file (scip-typescript writes one per tsconfig project that holds the file)." },
        paths: { ...count, description: "Distinct paths after merging the documents that share one." },
        occurrences: count,
        symbols: { ...count, description: "Global symbols stored (locals are counted in their documents)." },
        stale: { ...count, description: "Indexed paths whose content differs from the work tree's now: they answer from the other tiers." },
        databaseBytes: count,
        elapsedMs: count,
      },
      required: ["root", "file", "documents", "paths", "occurrences", "symbols", "stale", "databaseBytes", "elapsedMs"],
    },
    // It replaces the root's SCIP tier; importing the same file twice leaves the same cache.
    annotations: { readOnlyHint: false, idempotentHint: true, openWorldHint: false },
    run: (input) =>
      guarded(async () => {
        const root = rootOf(input.root, deps.roots);
        const file = indexFile(input.file, root, deps.roots);
        let summary;
        try {
          summary = deps.precise.import(root, file, input.commit !== undefined ? { commit: input.commit } : {});
        } catch (err) {
          if (err instanceof ScipFormatError) throw new ToolError("invalid_input", `${err.message}; nothing was imported, the cache keeps its previous index`);
          if (/is not known to git|not a git repository/.test((err as Error).message)) throw new ToolError("invalid_input", (err as Error).message);
          throw err;
        }
        const structured: ImportScipOutput = { root, ...summary };
        return { structured, text: renderImport(structured) };
      }),
  };
}

function indexFile(file: string, root: string, roots: readonly string[]): string {
  const abs = isAbsolute(file) ? file : join(root, file);
  const verdict = realPathWithin(abs, roots);
  if (!verdict.ok) {
    throw new ToolError(verdict.missing ? "not_found" : "invalid_input", verdict.missing ? `${file} does not exist` : `${file} ${verdict.detail}: put the .scip file inside the project root`);
  }
  return verdict.realPath;
}

/** The import's summary as text (also `codeintel index --precise`'s). */
export function renderImport(o: ImportScipOutput): string {
  const merged = o.documents > o.paths ? ` (${o.documents} documents merged)` : "";
  const lines = [
    `imported ${o.file}${o.tool ? ` (${o.tool})` : ""} into ${o.root} in ${(o.elapsedMs / 1000).toFixed(1)} s`,
    `  ${o.paths} files${merged}, ${o.occurrences} occurrences, ${o.symbols} symbols`,
    `  indexed at: ${o.commit ?? "the work tree as it was at import"}`,
    `  cache: ${(o.databaseBytes / 1e6).toFixed(1)} MB`,
  ];
  if (o.stale > 0) lines.push(`  ${o.stale} ${o.stale === 1 ? "file differs" : "files differ"} from the index now: answered by the language server or the syntax tier`);
  return lines.join("\n");
}
