// hover: the type signature and documentation of the symbol at a position. Where no server
// answers, the syntax tier's: the declaration's line and its doc comment (approximate.ts).

import type { Hover, MarkedString, MarkupContent } from "vscode-languageserver-protocol";
import { join } from "node:path";
import type { Tool } from "../../core/tool.js";
import type { ApproximateNavigator } from "../../syntax/approximate-navigation.js";
import { docCommentOf } from "../../syntax/doc-comments.js";
import { syntaxLanguageOf } from "../../syntax/languages.js";
import { guarded, provenanceProperties, readOnly, SourceCache, targetProperties, type NavigationDeps, type Provenance } from "./common.js";
import { approximateLine, exactOrApproximate, syntaxTarget } from "./approximate.js";
import { describeTarget, targetOutputSchema, type TargetInput } from "./location-tools.js";
import { resolveTarget } from "./target.js";
import { preciseLine, preciseProvenance, preciseTarget } from "./precise.js";
import type { HoverOutput } from "../../protocol/index.js";
export type { HoverOutput } from "../../protocol/index.js";


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
      properties: {
        target: targetOutputSchema,
        contents: { type: "string" },
        range: { type: "object" },
        declaration: { type: "object", properties: { path: { type: "string" }, line: { type: "integer" }, column: { type: "integer" } } },
        ...provenanceProperties,
      },
      required: ["target", "contents", "precision", "source"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () =>
        (await preciseHover(deps, input, ctx.signal)) ??
        exactOrApproximate(
          deps,
          input,
          ctx.signal,
          (signal) => exactHover(deps, input, signal),
          (nav, why) => approximateHover(deps, nav, input, ctx.signal, why),
        ),
      ),
  };
}

async function exactHover(deps: NavigationDeps, input: TargetInput, signal: AbortSignal): Promise<{ structured: HoverOutput; text: string }> {
  const target = await resolveTarget(deps, input, signal);
  const hover = await deps.pool.hover(target.absPath, target.position, signal);
  const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
  const contents = clip(hover ? hoverText(hover.contents).trim() : "");
  const out: HoverOutput = { target: targetOut, contents, precision: "exact", source: deps.pool.serverFor(target.absPath)?.serverId ?? "language server" };
  if (hover?.range) {
    const sources = new SourceCache(deps.roots);
    sources.seed(target.absPath, target.text);
    const s = sources.userPosition(target.absPath, hover.range.start);
    const e = sources.userPosition(target.absPath, hover.range.end);
    out.range = { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
  }
  const text = contents ? `hover ${describeTarget(targetOut)}:\n${contents}` : `no hover information at ${describeTarget(targetOut)}`;
  return { structured: out, text };
}

/** The SCIP index's signature and documentation of the symbol at the target; undefined (others answer) when it has none. */
async function preciseHover(deps: NavigationDeps, input: TargetInput, signal: AbortSignal): Promise<{ structured: HoverOutput; text: string } | undefined> {
  const found = await preciseTarget(deps, input, signal);
  const contents = found ? clip(found.index.hover(found.hit)) : "";
  if (!found || !contents) return undefined;
  const { target } = found;
  const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
  const sources = new SourceCache(deps.roots);
  sources.seed(target.absPath, target.text);
  const s = sources.userPosition(target.absPath, found.hit.location.start);
  const e = sources.userPosition(target.absPath, found.hit.location.end);
  const structured: HoverOutput = { target: targetOut, contents, range: { line: s.line, column: s.column, endLine: e.line, endColumn: e.column }, ...preciseProvenance(found) };
  return { structured, text: `${preciseLine(found)}\nhover ${describeTarget(targetOut)}:\n${contents}` };
}

/** The best-ranked declaration of the name at the target: its line as code, then its doc comment. */
async function approximateHover(
  deps: NavigationDeps,
  nav: ApproximateNavigator,
  input: TargetInput,
  signal: AbortSignal,
  why: string,
): Promise<{ structured: HoverOutput; text: string }> {
  const { target, name, qualifier } = await syntaxTarget(deps, nav, input, signal);
  const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
  const provenance: Provenance = { precision: "approximate", source: "syntax" };
  const found = name ? await nav.definitions(target.root, target.relPath, target.text, name, { qualifier, signal }) : undefined;
  // On a declaration's own name, that declaration; elsewhere the best-ranked one.
  const here = found?.declarations.find((d) => d.path === target.relPath && d.symbol.selectionRange.start.line === target.position.line);
  const best = here ?? found?.declarations[0];
  if (!best) {
    const missing = name ? `no declaration named '${name}' found` : "no identifier here";
    return { structured: { target: targetOut, contents: "", ...provenance }, text: `${approximateLine(why)}\nno hover information at ${describeTarget(targetOut)}: ${missing}` };
  }
  const sources = new SourceCache(deps.roots);
  sources.seed(target.absPath, target.text);
  const absPath = join(target.root, best.path);
  const lines = sources.lines(absPath) ?? [];
  const at = sources.userPosition(absPath, best.symbol.selectionRange.start);
  const language = syntaxLanguageOf(best.path)!;
  const doc = docCommentOf(lines, best.symbol, language);
  const others = found!.declarations.length - 1;
  const parts = [
    "```" + language + "\n" + (lines[best.symbol.selectionRange.start.line] ?? "").trim() + "\n```",
    ...(doc ? [doc] : []),
    `declared at ${best.path}:${at.line}` + (others > 0 ? ` (1 of ${others + 1} declarations named \`${name}\`; see definition for all)` : ""),
  ];
  const contents = clip(parts.join("\n\n"));
  const structured: HoverOutput = { target: targetOut, contents, declaration: { path: best.path, line: at.line, column: at.column }, ...provenance };
  return { structured, text: `${approximateLine(why)}\nhover ${describeTarget(targetOut)}:\n${contents}` };
}

function clip(contents: string): string {
  return contents.length > MAX_HOVER_CHARS ? contents.slice(0, MAX_HOVER_CHARS) + "\n… (truncated)" : contents;
}

function hoverText(contents: Hover["contents"]): string {
  const one = (c: MarkedString | MarkupContent): string =>
    typeof c === "string" ? c : "kind" in c ? c.value : `\`\`\`${c.language}\n${c.value}\n\`\`\``;
  return Array.isArray(contents) ? contents.map(one).join("\n\n") : one(contents);
}
