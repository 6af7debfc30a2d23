// How many results an answer carries when the caller does not say, and the most a caller may
// ask for: one pair for file search, symbol search and every navigation tool.

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

/** The longest query a search takes, in characters (find_files and its doors, symbol search). */
export const MAX_QUERY_LENGTH = 1000;

/**
 * The most roots one search may name (find_files, fuzzyFileSearch and its sessions, the in-process
 * API). Each distinct root is resolved (realpath) and confined on the main thread: 200,000 of
 * them froze every client for 13.7 s. Real callers name a handful.
 */
export const MAX_SEARCH_ROOTS = 64;

export function tooManyRootsMessage(count: number): string {
  return `roots has ${count} entries; at most ${MAX_SEARCH_ROOTS} may be given`;
}
