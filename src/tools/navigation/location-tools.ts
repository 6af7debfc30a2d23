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
  provenanceProperties,
  readOnly,
  SourceCache,
  targetProperties,
  type Completeness,
  type NavigationDeps,
  type Provenance,
} from "./common.js";
import type { ApproximateNavigator } from "../../syntax/approximate-navigation.js";
import { approximateLine, exactOrApproximate, locationOf, syntaxTarget } from "./approximate.js";
import { countFiles, groupedByFile, locationRow, paginate, plural, toEntries, truncationNote, type LocationEntry, type Page } from "./render.js";
import { resolveTarget, type ResolvedTarget } from "./target.js";
import { preciseLine, preciseLocations, preciseProvenance, preciseTarget, type PreciseTarget } from "./precise.js";
import type { PreciseLocations } from "../../scip/precise-index.js";
import { kindName } from "../../symbols/symbol-kinds.js";
import type { LocationsOutput, TargetInput } from "../../protocol/index.js";
export type { LocationsOutput, TargetInput } from "../../protocol/index.js";


/** A syntax-tier answer before paging: its entries in the order to show them. */
interface ApproximateLocations extends Completeness {
  target: ResolvedTarget;
  /** The identifier looked up (a position names none until the syntax tier reads it). */
  name?: string;
  entries: LocationEntry[];
  /** Said instead of "no X found" when there was nothing to look up. */
  empty?: string;
}

interface LocationToolSpec {
  name: string;
  title: string;
  description: string;
  noun: string;
  fetch(deps: NavigationDeps, t: ResolvedTarget, input: TargetInput, signal: AbortSignal): Promise<Location[]>;
  /** The SCIP tier's answer (precise.ts), asked first; without it (or when it passes) the server answers. */
  precise?(found: PreciseTarget, input: TargetInput): PreciseLocations;
  /** The syntax tier's answer where no server answers (approximate.ts); without it the tool always asks the server. */
  approximate?(deps: NavigationDeps, nav: ApproximateNavigator, input: TargetInput, signal: AbortSignal): Promise<ApproximateLocations>;
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
        ...provenanceProperties,
      },
      required: ["target", "total", "offset", "omitted", "results", "complete", "precision", "source"],
    },
    annotations: readOnly,
    run: (input, ctx) =>
      guarded(async () => {
        const { limit, offset } = paging(input);
        const report = progressOf(ctx);
        const found = spec.precise ? await preciseTarget(deps, input, ctx.signal) : undefined;
        const located = found && spec.precise!(found, input);
        if (found && located && located.locations.length + located.stalePaths.length > 0) {
          const { locations, completeness } = preciseLocations(found, located);
          const sources = new SourceCache(deps.roots);
          sources.seed(found.target.absPath, found.target.text);
          const entries = toEntries(locations, sources);
          const page = paginate(entries, limit, offset);
          const targetOut = targetOutput(found.target);
          const partial = partialLine(completeness);
          const text = [preciseLine(found), ...(partial ? [partial] : []), renderLocations(spec.noun, targetOut, page, limit, countFiles(entries))].join("\n");
          return { structured: { target: targetOut, ...page, ...completeness, ...preciseProvenance(found) }, text };
        }
        const exact = async (signal: AbortSignal) => {
          const target = await resolveTarget(deps, input, signal, report);
          report?.(`querying ${spec.noun}`);
          const locations = await spec.fetch(deps, target, input, signal);
          const sources = new SourceCache(deps.roots);
          sources.seed(target.absPath, target.text);
          const entries = toEntries(locations, sources);
          const page = paginate(entries, limit, offset);
          const targetOut = targetOutput(target);
          const completeness = completenessOf(deps, target.absPath);
          const partial = partialLine(completeness);
          const text = (partial ? partial + "\n" : "") + renderLocations(spec.noun, targetOut, page, limit, countFiles(entries));
          const provenance: Provenance = { precision: "exact", source: deps.pool.serverFor(target.absPath)?.serverId ?? "language server" };
          return { structured: { target: targetOut, ...page, ...completeness, ...provenance }, text };
        };
        const approximate = spec.approximate;
        if (!approximate) return exact(ctx.signal);
        return exactOrApproximate(deps, input, ctx.signal, exact, async (nav, why) => {
          report?.(`answering from syntax: ${why}`);
          const found = await approximate(deps, nav, input, ctx.signal);
          const page = paginate(found.entries, limit, offset);
          const targetOut = { ...targetOutput(found.target), ...(found.name && !found.target.symbol ? { symbol: found.name } : {}) };
          const completeness: Completeness = found.complete ? { complete: true } : { complete: false, reason: found.reason };
          const lines = [approximateLine(why)];
          if (!found.complete) lines.push(`partial answer: ${found.reason}`);
          lines.push(found.empty && page.total === 0 ? found.empty : renderLocations(spec.noun, targetOut, page, limit, countFiles(found.entries)));
          const provenance: Provenance = { precision: "approximate", source: "syntax" };
          return { structured: { target: targetOut, ...page, ...completeness, ...provenance }, text: lines.join("\n") };
        });
      }),
  };
}

function targetOutput(target: ResolvedTarget): LocationsOutput["target"] {
  return { path: target.relPath, line: target.line, column: target.column, ...(target.symbol ? { symbol: target.symbol.name } : {}) };
}

export function describeTarget(t: { path: string; line: number; column: number; symbol?: string }): string {
  return `${t.symbol ? `\`${t.symbol}\` ` : ""}(${t.path}:${t.line}:${t.column})`;
}

/** `files`: how many files all the results are in, not only this page's. */
function renderLocations(noun: string, target: LocationsOutput["target"], page: Page<LocationEntry>, limit: number, files: number): string {
  if (page.total === 0) return `no ${noun} found for ${describeTarget(target)}`;
  const shown = page.results;
  const range = page.total > shown.length ? ` (showing ${page.offset + 1}-${page.offset + shown.length})` : "";
  const lines = [`${plural(page.total, noun.replace(/s$/, ""), noun)} for ${describeTarget(target)} in ${plural(files, "file")}${range}`];
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
      precise: (found) => found.index.definitions(found.hit),
      approximate: approximateDefinitions,
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
      precise: (found, i) => found.index.references(found.hit, { includeDeclaration: (i as { includeDeclaration?: boolean }).includeDeclaration }),
      approximate: approximateReferences,
    }),
  ];
}

/** Declarations named like the identifier at the target: this file first, then files it imports, then the nearest. */
async function approximateDefinitions(deps: NavigationDeps, nav: ApproximateNavigator, input: TargetInput, signal: AbortSignal): Promise<ApproximateLocations> {
  const { target, name, qualifier } = await syntaxTarget(deps, nav, input, signal);
  if (!name) return { target, entries: [], complete: true, empty: `no identifier at ${describeTarget(targetOutput(target))} to look up` };
  const found = await nav.definitions(target.root, target.relPath, target.text, name, { qualifier, signal });
  const sources = new SourceCache(deps.roots);
  sources.seed(target.absPath, target.text);
  const entries = found.declarations.map((d) => {
    const start = d.symbol.selectionRange.start;
    const [entry] = toEntries([locationOf(target.root, d.path, start.line, start.character, d.symbol.name.length)], sources);
    return { ...entry!, kind: kindName(d.symbol.kind), name: d.symbol.container ? `${d.symbol.container}.${d.symbol.name}` : d.symbol.name };
  });
  return { target, name, entries, complete: found.complete, reason: found.reason, empty: `no declaration named '${name}' found` };
}

/** Whole-word occurrences of the identifier at the target, nearest files first (bounded). */
async function approximateReferences(deps: NavigationDeps, nav: ApproximateNavigator, input: TargetInput, signal: AbortSignal): Promise<ApproximateLocations> {
  const { target, name, qualifier } = await syntaxTarget(deps, nav, input, signal);
  if (!name) return { target, entries: [], complete: true, empty: `no identifier at ${describeTarget(targetOutput(target))} to look up` };
  const found = await nav.references(target.root, target.relPath, name, signal);
  let occurrences = found.occurrences;
  if ((input as { includeDeclaration?: boolean }).includeDeclaration === false) {
    const declared = new Set(
      (await nav.definitions(target.root, target.relPath, target.text, name, { qualifier, signal })).declarations.map(
        (d) => `${d.path}:${d.symbol.selectionRange.start.line}:${d.symbol.selectionRange.start.character}`,
      ),
    );
    occurrences = occurrences.filter((o) => !declared.has(`${o.path}:${o.line}:${o.character}`));
  }
  const sources = new SourceCache(deps.roots);
  sources.seed(target.absPath, target.text);
  const entries = toEntries(occurrences.map((o) => locationOf(target.root, o.path, o.line, o.character, name.length)), sources);
  return { target, name, entries, complete: found.complete, reason: found.reason };
}
