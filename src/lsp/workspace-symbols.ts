// Live workspace/symbol search in a folder, across every server with files there. Most
// servers index their root whatever file is open, but tsserver searches only the projects of
// open files, so each server first gets a sample file of its project open (project-sample.ts).
// Samples come from the finder's file list, so they honour .gitignore like the rest of
// codeintel; there is no second walk of the tree.
//
//   searchWorkspaceSymbols(deps, query, root, { signal?, onProgress? }) → { hits, partial, shortfalls }
// A server that is missing, broken, slow or failing removes only its own part (server-shortfall.ts).
//   interface FileLists          what the pool needs of the finder (FileFinder satisfies it)

import type { SymbolInformation, WorkspaceSymbol } from "vscode-languageserver-protocol";
import { isInside } from "../workspace/paths.js";
import { timeLeftInCall } from "./call-budget.js";
import { LspError } from "./errors.js";
import { sampleFilesBySpec } from "./project-sample.js";
import type { QueryProgress, QueryRunner } from "./query-runner.js";
import type { ServerRegistry } from "./registry.js";
import { toWorkspaceHits, type WorkspaceSymbolHit } from "./results.js";
import { describeShortfalls, shortfallOf, type ServerShortfall } from "./server-shortfall.js";

/** The files of a project root once listed: root-relative, '/'-separated (the finder's list). */
export interface FileLists {
  listFiles(root: string): Promise<readonly string[]>;
}

export interface WorkspaceSymbolSearch {
  hits: WorkspaceSymbolHit[];
  /** Why hits may be missing, one line per server (still loading, not installed, broken, timed out). Empty when every server answered loaded. */
  partial: string[];
  /** The same, as data: the servers that did not contribute fully and why. */
  shortfalls: ServerShortfall[];
}

export interface SymbolSearchDeps {
  roots: readonly string[];
  registry: ServerRegistry;
  files: FileLists;
  runner: QueryRunner;
  /** What the server for a file is still loading. */
  loadingFor(absPath: string): string[];
}

export async function searchWorkspaceSymbols(
  deps: SymbolSearchDeps,
  query: string,
  root: string,
  opts: { signal?: AbortSignal; onProgress?: QueryProgress } = {},
): Promise<WorkspaceSymbolSearch> {
  const { signal, onProgress } = opts;
  const { registry, runner } = deps;
  const projectRoot = deps.roots.find((r) => isInside(r, root));
  if (!projectRoot) throw new LspError("invalid_input", `${root} is not inside a project root`);
  const files = await fileListOf(deps.files, projectRoot, signal);
  const samples = sampleFilesBySpec(root, projectRoot, registry, files);
  if (samples.size === 0) throw new LspError("unavailable", `no file in ${root} has a language server configured`);
  const hits: WorkspaceSymbolHit[] = [];
  const shortfalls: ServerShortfall[] = [];
  await Promise.all(
    [...samples].map(async ([serverId, sample]) => {
      try {
        await runner.warmUp(sample, { signal, onProgress });
        onProgress?.(`searching ${serverId} symbols`);
        const found = await runner.run(
          sample,
          signal,
          async (c) => {
            if (!c.capabilities.workspaceSymbolProvider) return [];
            const result = await c.request<SymbolInformation[] | WorkspaceSymbol[] | null>("workspace/symbol", { query }, signal);
            return (result ?? []).flatMap((s) => toWorkspaceHits(serverId, s));
          },
          { emptyMayMeanIndexing: query !== "" },
        );
        hits.push(...found.filter((h) => isInside(root, h.absPath)));
        const loading = deps.loadingFor(sample);
        if (loading.length > 0) shortfalls.push({ serverId, why: "loading", detail: `still loading (${loading.join(", ")})` });
      } catch (e) {
        if (signal?.aborted || (e instanceof LspError && e.code === "cancelled")) throw e;
        // This server's part is missing from the answer, said once; the others still answer.
        shortfalls.push(shortfallOf(serverId, e));
      }
    }),
  );
  return { hits, partial: describeShortfalls(shortfalls), shortfalls };
}

/** The project root's file list, waiting for it while the finder is still listing (within the call's budget). */
async function fileListOf(lists: FileLists, projectRoot: string, signal?: AbortSignal): Promise<readonly string[]> {
  if (signal?.aborted) throw new LspError("cancelled", "workspace symbol search was cancelled");
  const left = timeLeftInCall();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(new LspError("cancelled", "workspace symbol search was cancelled"));
    signal?.addEventListener("abort", onAbort, { once: true });
    if (left !== Infinity) {
      timer = setTimeout(() => reject(new LspError("indexing", `the file list of ${projectRoot} is still being made; retry shortly`)), left);
    }
  });
  try {
    return await Promise.race([
      lists.listFiles(projectRoot).catch((err: unknown) => {
        throw new LspError("unavailable", `cannot list the files of ${projectRoot}: ${err instanceof Error ? err.message : String(err)}`);
      }),
      stopped,
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  }
}
