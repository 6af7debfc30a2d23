// File search results in codeintel's own shape: what find_files, REST, the CLI's --json, the
// in-process API and the client SDK return (codex's snake_case wire shape is codex-wire.ts).
//
//   FileMatch, SearchEvent
//
// One rule for every codeintel entry point (README "Finding files"): a query is smart-case (all
// lowercase ignores case, an uppercase letter makes it case-sensitive, as fzf does) and an empty
// query lists the shortest paths. Only codex's `fuzzyFileSearch*` methods, spoken without
// `dialect: "codeintel"`, follow codex's rules instead (ignore case, an empty query finds nothing).

export interface FileMatch {
  /** The root the path is relative to (absolute). */
  root: string;
  /** Relative to `root`, "/"-separated. */
  path: string;
  matchType: "file" | "directory";
  fileName: string;
  score: number;
  /** Matched positions in `path` (UTF-16 code unit offsets, as JavaScript strings index), for highlighting. */
  indices: number[];
}

/** One event of a streaming search session, in-process or through the client SDK. */
export type SearchEvent =
  | { type: "updated"; query: string; files: FileMatch[] }
  | { type: "completed"; query: string };
