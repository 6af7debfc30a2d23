// Shared pieces of the code-navigation tools: their dependencies, error mapping,
// schema fragments and cached source-line reading.

import { statSync } from "node:fs";
import { ConfigError } from "../../workspace/config.js";
import { DEFAULT_LIMIT, MAX_LIMIT } from "../../workspace/limits.js";
import { isInside, PathError, toRootRelative } from "../../workspace/paths.js";
import { readSourceTextSync } from "../../workspace/source-text.js";
import { inOneCall } from "../../lsp/call-budget.js";
import { LspError } from "../../lsp/errors.js";
import type { LspPool, QueryProgress } from "../../lsp/pool.js";
import type { ApproximateNavigator } from "../../syntax/approximate-navigation.js";
import type { PreciseIndexes } from "../../scip/registry.js";
import { splitLines, utf16ToColumn } from "../../lsp/positions.js";
import { ToolError, type ToolContext } from "../../core/tool.js";
import type { Completeness } from "../../protocol/index.js";
export type { Completeness, Provenance } from "../../protocol/index.js";

export interface NavigationDeps {
  pool: LspPool;
  /** Canonical project roots (workspace/paths.ts resolveRoots). */
  roots: readonly string[];
  /**
   * Search-based navigation from the syntax tier: hover, definition and references answer with
   * it, labelled approximate, where no server does (none for the language, or still loading).
   * Without it those tools wait for the server as the others do.
   */
  syntax?: ApproximateNavigator;
  /** The SCIP tier (src/scip): hover, definition and references answer from it first for a file whose content is the indexed one. */
  precise?: Pick<PreciseIndexes, "get">;
}

export const provenanceProperties = {
  precision: {
    type: "string",
    enum: ["exact", "approximate"],
    description: "`exact`: the language server's answer. `approximate`: from the syntax tier (names and declarations found by parsing), because no server answers for this file yet; the text's first line says why.",
  },
  source: { type: "string", description: "Who answered: the language server's id (e.g. `typescript`), `scip` (an imported SCIP index) or `syntax`." },
  indexedCommit: { type: "string", description: "With `source: \"scip\"`: the commit the index was built at, when its import named one." },
};

/** Input caps (enforced by the schema check): long enough for any real path or name, short enough to bound the work. */
export const MAX_PATH_CHARS = 4096;
export const MAX_NAME_CHARS = 512;
/** The one query cap (workspace/limits.ts), under the name the symbol tools use. */
export { MAX_QUERY_LENGTH as MAX_QUERY_CHARS } from "../../workspace/limits.js";
const SNIPPET_MAX = 200;

/** Forwards engine errors with their code; anything unexpected becomes "internal". */
function asToolError(e: unknown): ToolError {
  if (e instanceof ToolError) return e;
  if (e instanceof LspError) return new ToolError(e.code, e.message, e.data);
  if (e instanceof PathError) return new ToolError(e.code, e.message);
  if (e instanceof ConfigError) return new ToolError("invalid_input", e.message);
  return new ToolError("internal", e instanceof Error ? e.message : String(e));
}

/**
 * Every language-server tool's run: one call, so one time budget for every wait inside it
 * (lsp/call-budget.ts), and engine errors as ToolErrors.
 */
export async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await inOneCall(fn);
  } catch (e) {
    throw asToolError(e);
  }
}

export const fileProperty = {
  type: "string",
  maxLength: MAX_PATH_CHARS,
  description: "Source file: a path relative to a project root (e.g. `src/app.ts`) or an absolute path inside one.",
};

export const targetProperties = {
  file: fileProperty,
  line: { type: "integer", minimum: 1, description: "1-based line number." },
  column: {
    type: "integer",
    minimum: 1,
    description: "1-based column counting characters as displayed (an emoji or CJK character is one column). Without it, the line means the name it declares (`def f` → `f`), else its first identifier that is not a keyword.",
  },
  symbol: {
    type: "string",
    maxLength: MAX_NAME_CHARS,
    description: "Instead of line/column: the name of a symbol declared in the file, optionally qualified (`Class.method`). With `line`, picks the declaration on that line.",
  },
};

export const pagingProperties = {
  limit: { type: "integer", minimum: 1, maximum: MAX_LIMIT, description: `Maximum results to return (default ${DEFAULT_LIMIT}).` },
  offset: { type: "integer", minimum: 0, description: "Skip this many results (for paging through long lists)." },
};

export const locationSchema = {
  type: "object",
  properties: {
    path: { type: "string", description: "Root-relative path (absolute when outside every root)." },
    line: { type: "integer" },
    column: { type: "integer" },
    endLine: { type: "integer" },
    endColumn: { type: "integer" },
    kind: { type: "string" },
    name: { type: "string" },
    snippet: { type: "string" },
  },
  required: ["path", "line", "column"],
};

export const completenessProperties = {
  complete: { type: "boolean", description: "False when the answer may be partial (the language server was still loading the project); `reason` says why." },
  reason: { type: "string", description: "Why the answer may be partial." },
};

/** Complete unless the server for `absPath` is still loading now that it has answered. */
export function completenessOf(deps: NavigationDeps, absPath: string): Completeness {
  const loading = deps.pool.loadingFor(absPath);
  if (loading.length === 0) return { complete: true };
  return { complete: false, reason: `${deps.pool.serverFor(absPath)?.serverId ?? "the language server"} was still loading the project (${loading.join(", ")})` };
}

/** The first line of a partial answer's text. */
export function partialLine(c: Completeness): string | undefined {
  return c.complete ? undefined : `partial answer: ${c.reason ?? "the language server was still loading"}; results may be missing — retry shortly for the full list`;
}

/** Progress for one tool call, numbered, repeats dropped; undefined when the caller did not ask for progress. */
export function progressOf(ctx: ToolContext): QueryProgress | undefined {
  const send = ctx.progress;
  if (!send) return undefined;
  let step = 0;
  let last: string | undefined;
  return (message) => {
    if (message === last) return;
    last = message;
    send({ progress: ++step, message });
  };
}

export const readOnly = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };

export function paging(input: { limit?: unknown; offset?: unknown }): { limit: number; offset: number } {
  const limit = input.limit === undefined ? DEFAULT_LIMIT : Number(input.limit);
  const offset = input.offset === undefined ? 0 : Number(input.offset);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ToolError("invalid_input", `limit must be an integer from 1 to ${MAX_LIMIT}`);
  if (!Number.isInteger(offset) || offset < 0) throw new ToolError("invalid_input", "offset must be a non-negative integer");
  return { limit, offset };
}

interface CachedLines {
  mtimeMs: number;
  size: number;
  lines: string[];
}

// Files read for snippets, shared across calls and revalidated by mtime and size:
// agents ask about the same files again and again. Read through the safe-read gate, so a
// location outside the roots (a symlink leading out, a server's library file) gets no snippet.
const recentFiles = new Map<string, CachedLines>();
const RECENT_FILES_MAX = 128;

function readLinesCached(absPath: string, roots: readonly string[]): string[] | null {
  if (!roots.some((r) => isInside(r, absPath))) return null;
  let st;
  try {
    st = statSync(absPath);
  } catch {
    return null;
  }
  const hit = recentFiles.get(absPath);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
    recentFiles.delete(absPath);
    recentFiles.set(absPath, hit);
    return hit.lines;
  }
  const read = readSourceTextSync(absPath, roots);
  if (!read.ok) return null;
  const lines = splitLines(read.text);
  recentFiles.delete(absPath);
  recentFiles.set(absPath, { mtimeMs: read.mtimeMs, size: read.size, lines });
  if (recentFiles.size > RECENT_FILES_MAX) recentFiles.delete(recentFiles.keys().next().value!);
  return lines;
}

/** Source lines for snippets and column conversion, consistent within one tool call. */
export class SourceCache {
  private readonly files = new Map<string, string[] | null>();
  private readonly seeded = new Map<string, string>();

  constructor(private readonly roots: readonly string[]) {}

  /** The text the server saw for this file, so positions match it exactly (split only if needed). */
  seed(absPath: string, text: string): void {
    this.seeded.set(absPath, text);
  }

  lines(absPath: string): string[] | null {
    let lines = this.files.get(absPath);
    if (lines === undefined) {
      const seeded = this.seeded.get(absPath);
      lines = seeded !== undefined ? splitLines(seeded) : readLinesCached(absPath, this.roots);
      this.files.set(absPath, lines);
    }
    return lines;
  }

  private readonly lineStarts = new Map<string, number[]>();

  private line(absPath: string, line0: number): string | undefined {
    const seeded = this.seeded.get(absPath);
    // Seeded text with \n endings: index line starts once (native indexOf) instead of splitting it all.
    if (seeded !== undefined && !seeded.includes("\r")) {
      let starts = this.lineStarts.get(absPath);
      if (!starts) {
        starts = [0];
        for (let i = seeded.indexOf("\n"); i >= 0; i = seeded.indexOf("\n", i + 1)) starts.push(i + 1);
        this.lineStarts.set(absPath, starts);
      }
      if (line0 < 0 || line0 >= starts.length) return undefined;
      const end = line0 + 1 < starts.length ? starts[line0 + 1] - 1 : seeded.length;
      return seeded.slice(starts[line0], end);
    }
    return this.lines(absPath)?.[line0];
  }

  /** LSP (0-based, UTF-16) → user (1-based, graphemes) for a position in `absPath`. */
  userPosition(absPath: string, pos: { line: number; character: number }): { line: number; column: number } {
    const text = this.line(absPath, pos.line);
    return { line: pos.line + 1, column: text === undefined ? pos.character + 1 : utf16ToColumn(text, pos.character) };
  }

  snippet(absPath: string, line0: number): string {
    const text = this.line(absPath, line0);
    if (text === undefined) return "";
    const trimmed = text.trim();
    return trimmed.length > SNIPPET_MAX ? trimmed.slice(0, SNIPPET_MAX) + "…" : trimmed;
  }

  displayPath(absPath: string): string {
    return toRootRelative(absPath, this.roots)?.relPath ?? absPath;
  }
}
