// hover: the type signature and documentation of the symbol at a position.

import type { Hover, MarkedString, MarkupContent } from "vscode-languageserver-protocol";
import type { Tool } from "../../core/tool.js";
import { guarded, readOnly, SourceCache, targetProperties, type NavigationDeps } from "./common.js";
import { describeTarget, targetOutputSchema, type TargetInput } from "./location-tools.js";
import { resolveTarget } from "./target.js";

export interface HoverOutput {
  target: { path: string; line: number; column: number; symbol?: string };
  /** Markdown; empty when the server has nothing to say about this position. */
  contents: string;
  range?: { line: number; column: number; endLine: number; endColumn: number };
}

const MAX_HOVER_CHARS = 4000;

export function createHoverTool(deps: NavigationDeps): Tool<TargetInput, HoverOutput> {
  return {
    name: "hover",
    title: "Hover: type and docs",
    description:
      "Show the type signature and documentation of the symbol at a position, as the editor's hover would. Give `file` plus `line` (and optionally `column`), or `file` plus `symbol` (e.g. `Widget.render`).",
    inputSchema: { type: "object", properties: targetProperties, required: ["file"], additionalProperties: false },
    outputSchema: {
      type: "object",
      properties: { target: targetOutputSchema, contents: { type: "string" }, range: { type: "object" } },
      required: ["target", "contents"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const target = await resolveTarget(deps, input, ctx.signal);
        const hover = await deps.pool.hover(target.absPath, target.position, ctx.signal);
        const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
        let contents = hover ? hoverText(hover.contents).trim() : "";
        if (contents.length > MAX_HOVER_CHARS) contents = contents.slice(0, MAX_HOVER_CHARS) + "\n… (truncated)";
        const out: HoverOutput = { target: targetOut, contents };
        if (hover?.range) {
          const sources = new SourceCache(deps.roots);
          sources.seed(target.absPath, target.text);
          const s = sources.userPosition(target.absPath, hover.range.start);
          const e = sources.userPosition(target.absPath, hover.range.end);
          out.range = { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
        }
        const text = contents ? `hover ${describeTarget(targetOut)}:\n${contents}` : `no hover information at ${describeTarget(targetOut)}`;
        return { structured: out, text };
      }),
  };
}

function hoverText(contents: Hover["contents"]): string {
  const one = (c: MarkedString | MarkupContent): string =>
    typeof c === "string" ? c : "kind" in c ? c.value : `\`\`\`${c.language}\n${c.value}\n\`\`\``;
  return Array.isArray(contents) ? contents.map(one).join("\n\n") : one(contents);
}
