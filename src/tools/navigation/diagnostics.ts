// diagnostics: errors and warnings of one file, for its content on disk now.

import type { Diagnostic } from "vscode-languageserver-protocol";
import type { Tool } from "../../core/tool.js";
import { fileProperty, guarded, pagingProperties, paging, readOnly, SourceCache, type NavigationDeps } from "./common.js";
import { paginate, plural, truncationNote } from "./render.js";
import { resolveSourceFile } from "./target.js";
import type { DiagnosticEntry, DiagnosticsOutput } from "../../protocol/index.js";
export type { DiagnosticEntry, DiagnosticsOutput } from "../../protocol/index.js";


const SEVERITIES = ["error", "error", "warning", "info", "hint"] as const;

export function createDiagnosticsTool(deps: NavigationDeps): Tool<{ file: string; limit?: number; offset?: number }, DiagnosticsOutput> {
  return {
    name: "diagnostics",
    title: "Errors and warnings of a file",
    description:
      "Report the compiler/linter errors and warnings a language server finds in a file, for the file as it is on disk right now (after your edits). Counts first, then each problem with its 1-based line:column.",
    inputSchema: { type: "object", properties: { file: fileProperty, ...pagingProperties }, required: ["file"], additionalProperties: false },
    outputSchema: {
      type: "object",
      properties: {
        path: { type: "string" },
        counts: { type: "object" },
        total: { type: "integer" },
        offset: { type: "integer" },
        omitted: { type: "integer" },
        results: { type: "array", items: { type: "object" } },
      },
      required: ["path", "counts", "total", "offset", "omitted", "results"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const { limit, offset } = paging(input);
        const file = resolveSourceFile(deps, input.file);
        const diagnostics = await deps.pool.diagnostics(file.absPath, ctx.signal);
        const sources = new SourceCache(deps.roots);
        sources.seed(file.absPath, await deps.pool.documentText(file.absPath, ctx.signal));
        const entries = diagnostics.map((d) => toEntry(d, sources, file.absPath)).sort((a, b) => severityRank(a) - severityRank(b) || a.line - b.line || a.column - b.column);
        const counts = { error: 0, warning: 0, info: 0, hint: 0 };
        for (const e of entries) counts[e.severity]++;
        const page = paginate(entries, limit, offset);
        const summary = entries.length === 0
          ? `${file.relPath}: no problems`
          : `${file.relPath}: ${[plural(counts.error, "error"), plural(counts.warning, "warning"), counts.info ? plural(counts.info, "info", "infos") : "", counts.hint ? plural(counts.hint, "hint") : ""].filter(Boolean).join(", ")}`;
        const lines = [summary, ...page.results.map((e) => `  ${e.line}:${e.column} ${e.severity}${e.code ? ` ${e.code}` : ""}: ${e.message.split("\n")[0]}${e.source ? ` [${e.source}]` : ""}`)];
        const note = truncationNote(page, limit);
        if (note) lines.push(note);
        return { structured: { path: file.relPath, counts, ...page }, text: lines.join("\n") };
      }),
  };
}

function toEntry(d: Diagnostic, sources: SourceCache, absPath: string): DiagnosticEntry {
  const s = sources.userPosition(absPath, d.range.start);
  const e = sources.userPosition(absPath, d.range.end);
  return {
    severity: SEVERITIES[d.severity ?? 1],
    line: s.line,
    column: s.column,
    endLine: e.line,
    endColumn: e.column,
    message: typeof d.message === "string" ? d.message : d.message.value,
    ...(d.source ? { source: d.source } : {}),
    ...(d.code !== undefined ? { code: String(d.code) } : {}),
    snippet: sources.snippet(absPath, d.range.start.line),
  };
}

function severityRank(e: DiagnosticEntry): number {
  return SEVERITIES.indexOf(e.severity);
}
