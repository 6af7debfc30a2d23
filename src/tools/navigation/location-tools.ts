// definition, type_definition, implementation and references: a position (or a
// symbol name) in, a paged list of locations out.

import type { Location } from "vscode-languageserver-protocol";
import type { Tool } from "../../core/tool.js";
import {
  completenessOf,
  completenessProperties,
  guarded,
  locationSchema,
  pagingProperties,
  paging,
  partialLine,
  progressOf,
  readOnly,
  SourceCache,
  targetProperties,
  type Completeness,
  type NavigationDeps,
} from "./common.js";
import { countFiles, groupedByFile, locationRow, paginate, plural, toEntries, truncationNote, type LocationEntry, type Page } from "./render.js";
import { resolveTarget, type ResolvedTarget } from "./target.js";

export interface TargetInput {
  file: string;
  line?: number;
  column?: number;
  symbol?: string;
  limit?: number;
  offset?: number;
}

export interface LocationsOutput extends Page<LocationEntry>, Completeness {
  target: { path: string; line: number; column: number; symbol?: string };
}

interface LocationToolSpec {
  name: string;
  title: string;
  description: string;
  noun: string;
  fetch(deps: NavigationDeps, t: ResolvedTarget, input: TargetInput, signal: AbortSignal): Promise<Location[]>;
  extraProperties?: Record<string, unknown>;
}

export const targetOutputSchema = {
  type: "object",
  properties: { path: { type: "string" }, line: { type: "integer" }, column: { type: "integer" }, symbol: { type: "string" } },
  required: ["path", "line", "column"],
};

function locationTool(deps: NavigationDeps, spec: LocationToolSpec): Tool<TargetInput, LocationsOutput> {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: { type: "object", properties: { ...targetProperties, ...spec.extraProperties, ...pagingProperties }, required: ["file"], additionalProperties: false },
    outputSchema: {
      type: "object",
      properties: {
        target: targetOutputSchema,
        total: { type: "integer" },
        offset: { type: "integer" },
        omitted: { type: "integer" },
        results: { type: "array", items: locationSchema },
        ...completenessProperties,
      },
      required: ["target", "total", "offset", "omitted", "results", "complete"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const { limit, offset } = paging(input);
        const report = progressOf(ctx);
        const target = await resolveTarget(deps, input, ctx.signal, report);
        report?.(`querying ${spec.noun}`);
        const locations = await spec.fetch(deps, target, input, ctx.signal);
        const sources = new SourceCache(deps.roots);
        sources.seed(target.absPath, target.text);
        const page = paginate(toEntries(locations, sources), limit, offset);
        const targetOut = { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
        const completeness = completenessOf(deps, target.absPath);
        const partial = partialLine(completeness);
        const text = (partial ? partial + "\n" : "") + renderLocations(spec.noun, targetOut, page, limit);
        return { structured: { target: targetOut, ...page, ...completeness }, text };
      }),
  };
}

export function describeTarget(t: { path: string; line: number; column: number; symbol?: string }): string {
  return `${t.symbol ? `\`${t.symbol}\` ` : ""}(${t.path}:${t.line}:${t.column})`;
}

function renderLocations(noun: string, target: LocationsOutput["target"], page: Page<LocationEntry>, limit: number): string {
  if (page.total === 0) return `no ${noun} found for ${describeTarget(target)}`;
  const shown = page.results;
  const range = page.total > shown.length ? ` (showing ${page.offset + 1}-${page.offset + shown.length})` : "";
  const lines = [`${plural(page.total, noun.replace(/s$/, ""), noun)} for ${describeTarget(target)} in ${plural(countFiles(shown), "file")}${range}`];
  lines.push(...groupedByFile(shown, locationRow));
  const note = truncationNote(page, limit);
  if (note) lines.push(note);
  return lines.join("\n");
}

export function createLocationTools(deps: NavigationDeps): Tool<TargetInput, LocationsOutput>[] {
  const at = "Give `file` plus `line` (and optionally `column`), or `file` plus `symbol` (e.g. `Widget.render`) when you do not know the column.";
  return [
    locationTool(deps, {
      name: "definition",
      title: "Go to definition",
      noun: "definitions",
      description: `Find where the symbol at a position is defined (functions, classes, variables, imports). ${at} Returns root-relative locations with 1-based line:column and the source line.`,
      fetch: (d, t, _i, signal) => d.pool.definition(t.absPath, t.position, signal),
    }),
    locationTool(deps, {
      name: "type_definition",
      title: "Go to type definition",
      noun: "type definitions",
      description: `Find the definition of the type of the symbol at a position (e.g. the class of a variable). ${at}`,
      fetch: (d, t, _i, signal) => d.pool.typeDefinition(t.absPath, t.position, signal),
    }),
    locationTool(deps, {
      name: "implementation",
      title: "Find implementations",
      noun: "implementations",
      description: `Find implementations of an interface, abstract method or function at a position. ${at}`,
      fetch: (d, t, _i, signal) => d.pool.implementation(t.absPath, t.position, signal),
    }),
    locationTool(deps, {
      name: "references",
      title: "Find references",
      noun: "references",
      description: `Find every reference to the symbol at a position across the project, grouped by file with counts. ${at} Long lists are paged: use \`limit\` and \`offset\`.`,
      extraProperties: { includeDeclaration: { type: "boolean", description: "Include the declaration itself (default true)." } },
      fetch: (d, t, i, signal) =>
        d.pool.references(t.absPath, t.position, { includeDeclaration: (i as { includeDeclaration?: boolean }).includeDeclaration ?? true }, signal),
    }),
  ];
}
