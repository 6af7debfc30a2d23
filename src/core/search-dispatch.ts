// The one door of file search: every entry point (the app-server's fuzzyFileSearch and its
// sessions, REST's /v1/search and its stream, the in-process findFiles and searchSession, the
// CLI through the daemon) asks the find_files tool's way, so all of them share its schema check,
// beforeTool hooks, cancellation and limits. What differs is only the dialect: codeintel's own
// rules (smart-case, an empty query lists the shortest paths, camelCase FileMatch) or codex's
// (case ignored, an empty query finds nothing, snake_case WireFileMatch).
//
//   search.find(input, ctx)              find_files under a slot the caller holds: FindFilesOutput
//   search.findCodex(query, roots, ctx)  codex's one-shot fuzzyFileSearch: WireFileMatch[]
//   search.check(input)                  the find_files schema check alone (ToolError invalid_input)
//   search.openSession(roots, dialect, listener)
//                                        a streaming session; update(query) checks and hooks each
//                                        query as find_files would, snapshots come for the latest one only
//
// Admission stays with the caller, as for dispatch.run: a transport admits the request that
// opens a session or asks a query, the in-process API admits its own calls.
import { TOOL_NAMES, type FileMatch, type FindFilesInput, type FindFilesOutput, type SearchDialect, type WireFileMatch } from "../protocol/index.js";
import { checkToolInput } from "./catalog.js";
import { toWireFile } from "./codex-wire.js";
import type { ToolDispatch } from "./dispatch.js";
import type { FileSearchProvider, SearchSessionHandle } from "./file-search.js";
import { ToolError, type ToolContext } from "./tool.js";

/** The files of a snapshot in the dialect's shape. */
export type DialectFiles<D extends SearchDialect> = D extends "codex" ? WireFileMatch[] : FileMatch[];

export interface DialectListener<D extends SearchDialect> {
  /** A snapshot of the best matches so far for the latest query, as the caller wrote it. */
  updated(query: string, files: DialectFiles<D>): void;
  /** The latest query is done; its last snapshot was final. */
  completed(query: string): void;
}

export interface SearchSession {
  /** Searches for `query` once it passed find_files' checks and hooks; rejects with the ToolError that refused it. */
  update(query: string): Promise<void>;
  stop(): void;
}

const FIND_FILES = TOOL_NAMES.findFiles;

export class FileSearchDispatch {
  constructor(
    private readonly dispatch: ToolDispatch,
    private readonly provider: FileSearchProvider | undefined,
  ) {}

  /** False when the service has no file finder: the search methods then answer "unavailable". */
  get available(): boolean {
    return this.provider !== undefined && this.dispatch.catalog.get(FIND_FILES) !== undefined;
  }

  async find(input: unknown, ctx: ToolContext): Promise<FindFilesOutput> {
    this.requireProvider();
    return (await this.dispatch.run(FIND_FILES, input, ctx)).structured as FindFilesOutput;
  }

  async findCodex(query: string, roots: string[] | undefined, ctx: ToolContext): Promise<WireFileMatch[]> {
    const input = await this.dispatch.prepare(FIND_FILES, withRoots({ query }, roots));
    // codex answers an empty query with no files; the roots were checked all the same.
    if (input.query === "") return [];
    const found = await this.find({ ...input, query: codexCase(input.query as string) }, ctx);
    return found.results.map(toWireFile);
  }

  check(input: FindFilesInput): void {
    checkToolInput(this.dispatch.tool(FIND_FILES), input);
  }

  openSession<D extends SearchDialect>(roots: string[] | undefined, dialect: D, listener: DialectListener<D>): SearchSession {
    const provider = this.requireProvider();
    this.check(withRoots({ query: "" }, roots));
    let stopped = false;
    // The query last asked, as the caller wrote it and as searched (hooks and codex's case may change it).
    let latest: { asked: string; searched: string } | undefined;
    const current = (searched: string): string | undefined => (!stopped && latest?.searched === searched ? latest.asked : undefined);
    const handle: SearchSessionHandle = provider.startSession(roots?.length ? roots : provider.defaultRoots, {
      updated: (searched, files) => {
        const query = current(searched);
        if (query === undefined) return;
        // codex: an empty query is a blank snapshot, as codex sends when the query is cleared.
        listener.updated(query, (dialect === "codex" ? (query === "" ? [] : files.map(toWireFile)) : files) as DialectFiles<D>);
      },
      completed: (searched) => {
        const query = current(searched);
        if (query !== undefined) listener.completed(query);
      },
    });
    // Queries are applied in the order asked, whatever their hooks take.
    let queue: Promise<void> = Promise.resolve();
    return {
      update: (query) => {
        const applied = queue.then(async () => {
          const input = await this.dispatch.prepare(FIND_FILES, withRoots({ query }, roots));
          if (stopped) return;
          const searched = dialect === "codex" ? codexCase(input.query as string) : (input.query as string);
          latest = { asked: query, searched };
          handle.update(searched);
        });
        queue = applied.catch(() => undefined);
        return applied;
      },
      stop: () => {
        stopped = true;
        handle.stop();
      },
    };
  }

  private requireProvider(): FileSearchProvider {
    if (!this.provider) throw new ToolError("unavailable", "fuzzy file search is not available in this server");
    return this.provider;
  }
}

function withRoots(input: { query: string }, roots: string[] | undefined): FindFilesInput {
  return roots?.length ? { ...input, roots } : input;
}

/**
 * codex's fuzzy search ignores case ("ALP" finds alpha.txt: fuzzy_file_search.rs,
 * test_fuzzy_file_search_session_update_is_case_insensitive), where codeintel's own find_files
 * is smart-case; a lowercase query is case-insensitive in the finder.
 */
function codexCase(query: string): string {
  return query.toLowerCase();
}
