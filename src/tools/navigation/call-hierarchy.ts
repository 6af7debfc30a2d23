// call_hierarchy: who calls the function at a position (incoming) and what it calls (outgoing).

import type { CallHierarchyItem, Range } from "vscode-languageserver-protocol";
import { fileURLToPath } from "node:url";
import { kindName } from "../../symbols/symbol-kinds.js";
import { ToolError, type Tool } from "../../core/tool.js";
import {
  completenessOf,
  completenessProperties,
  guarded,
  partialLine,
  progressOf,
  readOnly,
  SourceCache,
  targetProperties,
  type NavigationDeps,
} from "./common.js";
import { describeTarget, targetOutputSchema, type TargetInput } from "./location-tools.js";
import { groupedByFile, plural, sortEntries } from "./render.js";
import { resolveTarget } from "./target.js";
import type { CallEntry, CallHierarchyOutput } from "../../protocol/index.js";
export type { CallEntry, CallHierarchyOutput } from "../../protocol/index.js";


type Direction = "incoming" | "outgoing" | "both";
const MAX_CALLS = 200;

export function createCallHierarchyTool(deps: NavigationDeps): Tool<TargetInput & { direction?: Direction }, CallHierarchyOutput> {
  return {
    name: "call_hierarchy",
    title: "Call hierarchy",
    description:
      "For the function or method at a position: who calls it (`incoming`), what it calls (`outgoing`), or both (default). Give `file` plus `line`/`column`, or `file` plus `symbol` (e.g. `Parser.parse`). Results are grouped by file with call-site positions.",
    inputSchema: {
      type: "object",
      properties: { ...targetProperties, direction: { type: "string", enum: ["incoming", "outgoing", "both"], description: "Default both." } },
      required: ["file"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: { target: targetOutputSchema, item: { type: ["object", "null"] }, incoming: { type: "array" }, outgoing: { type: "array" }, ...completenessProperties },
      required: ["target", "item", "complete"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const direction = input.direction ?? "both";
        if (!["incoming", "outgoing", "both"].includes(direction)) throw new ToolError("invalid_input", "`direction` must be incoming, outgoing or both");
        const report = progressOf(ctx);
        const target = await resolveTarget(deps, input, ctx.signal, report);
        report?.("querying the call hierarchy");
        const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
        const items = await deps.pool.prepareCallHierarchy(target.absPath, target.position, ctx.signal);
        if (items.length === 0) {
          const completeness = completenessOf(deps, target.absPath);
          const text = `no function or method at ${describeTarget(targetOut)} (call hierarchy needs a callable symbol)`;
          return { structured: { target: targetOut, item: null, ...completeness }, text: [partialLine(completeness), text].filter(Boolean).join("\n") };
        }
        const item = items[0];
        const sources = new SourceCache(deps.roots);
        sources.seed(target.absPath, target.text);
        const itemPath = fileURLToPath(item.uri);
        const itemPos = sources.userPosition(itemPath, item.selectionRange.start);
        const out: CallHierarchyOutput = {
          target: targetOut,
          item: { name: item.name, kind: kindName(item.kind), path: sources.displayPath(itemPath), line: itemPos.line, column: itemPos.column },
          complete: true,
        };
        const text = [`call hierarchy of ${kindName(item.kind)} ${item.name} (${out.item!.path}:${itemPos.line}:${itemPos.column})`];
        if (direction !== "outgoing") {
          const calls = await deps.pool.incomingCalls(item, target.absPath, ctx.signal);
          out.incoming = sortEntries(calls.map((c) => callEntry(c.from, c.fromRanges, fileURLToPath(c.from.uri), sources))).slice(0, MAX_CALLS);
          text.push(...renderCalls("incoming (callers)", out.incoming));
        }
        if (direction !== "incoming") {
          const calls = await deps.pool.outgoingCalls(item, target.absPath, ctx.signal);
          out.outgoing = sortEntries(calls.map((c) => callEntry(c.to, c.fromRanges, itemPath, sources))).slice(0, MAX_CALLS);
          text.push(...renderCalls("outgoing (callees)", out.outgoing));
        }
        Object.assign(out, completenessOf(deps, target.absPath));
        const partial = partialLine(out);
        if (partial) text.unshift(partial);
        return { structured: out, text: text.join("\n") };
      }),
  };
}

function callEntry(item: CallHierarchyItem, sites: Range[], sitesPath: string, sources: SourceCache): CallEntry {
  const path = fileURLToPath(item.uri);
  const pos = sources.userPosition(path, item.selectionRange.start);
  return {
    name: item.name,
    kind: kindName(item.kind),
    path: sources.displayPath(path),
    line: pos.line,
    column: pos.column,
    snippet: sources.snippet(path, item.selectionRange.start.line),
    callSites: dedupe(sites.map((r) => sources.userPosition(sitesPath, r.start))),
  };
}

function renderCalls(title: string, calls: CallEntry[]): string[] {
  if (calls.length === 0) return [`${title}: none`];
  return [
    `${title}: ${plural(calls.length, "function")}`,
    ...groupedByFile(calls, (c) => `${c.line}:${c.column} ${c.kind} ${c.name}  (call sites: ${c.callSites.map((s) => `${s.line}:${s.column}`).join(", ")})`),
  ];
}

function dedupe(sites: { line: number; column: number }[]): { line: number; column: number }[] {
  const seen = new Set<string>();
  return sites.filter((s) => !seen.has(`${s.line}:${s.column}`) && Boolean(seen.add(`${s.line}:${s.column}`)));
}
