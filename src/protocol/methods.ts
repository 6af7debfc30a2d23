// The app-server's methods and notifications with their params and results (README
// "App-server"). A tool is also a method of its own name (tools.ts has the names).
//
//   METHODS, NOTIFICATIONS          the names
//   InitializeParams/Result, FuzzyFileSearch*Params/Result, ToolsCallParams/Result, ...
import type { WireFileMatch, CodexInitializeFields } from "./codex-wire.js";
import type { FileMatch } from "./files.js";
import type { RequestId } from "./jsonrpc.js";

export const METHODS = {
  initialize: "initialize",
  toolsList: "tools/list",
  toolsCall: "tools/call",
  fuzzyFileSearch: "fuzzyFileSearch",
  sessionStart: "fuzzyFileSearch/sessionStart",
  sessionUpdate: "fuzzyFileSearch/sessionUpdate",
  sessionStop: "fuzzyFileSearch/sessionStop",
  /** The application-level heartbeat for transports without WebSocket ping frames (Unix socket, stdio): answered `{}`. */
  ping: "$/ping",
} as const;

export const NOTIFICATIONS = {
  /** client -> server, after the initialize answer. */
  initialized: "initialized",
  /** client -> server: the request with this id answers -32800. */
  cancelRequest: "$/cancelRequest",
  /** server -> client: a tool's progress, for a request whose params carried `_meta.progressToken`. */
  progress: "$/progress",
  sessionUpdated: "fuzzyFileSearch/sessionUpdated",
  sessionCompleted: "fuzzyFileSearch/sessionCompleted",
  /** server -> client: an error about input that had no usable request id (codex cannot decode a null id). */
  invalidMessage: "codeintel/error",
} as const;

export interface InitializeParams {
  clientInfo?: { name: string; version: string; title?: string };
  capabilities?: { optOutNotificationMethods?: string[] | null; experimentalApi?: boolean };
}

export interface InitializeResult extends CodexInitializeFields {
  serverInfo: { name: string; version: string };
  capabilities: { tools: string[]; fuzzyFileSearch: boolean };
}

/** A JSON Schema object (draft 2020-12 subset as MCP uses it). */
export type JsonSchema = { type: "object"; properties?: Record<string, unknown>; required?: string[]; [k: string]: unknown };

export interface ToolAnnotations {
  readOnlyHint: boolean;
  idempotentHint: boolean;
  openWorldHint?: boolean;
}

/** One tool as tools/list (and MCP's tools/list) describes it. */
export interface ToolDescription {
  /** [A-Za-z0-9_.-]+ */
  name: string;
  title: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  description: string;
  inputSchema: JsonSchema;
  outputSchema: JsonSchema;
  annotations: ToolAnnotations;
}

export interface ToolsListResult {
  tools: ToolDescription[];
}

export interface ToolsCallParams {
  name: string;
  arguments?: Record<string, unknown>;
}

export interface ToolsCallResult<O = unknown> {
  /** Machine-readable result, matching the tool's outputSchema. */
  structured: O;
  /** Compact rendering for models: counts first, grouped by file, truncation notes. */
  text: string;
}

/**
 * Which rules a fuzzy file search follows. "codex" (the default: what codex clients speak):
 * queries ignore case, an empty query finds nothing, files are WireFileMatch. "codeintel": the
 * rules of every other entry point (files.ts): smart-case, an empty query lists the shortest
 * paths, files are FileMatch.
 */
export type SearchDialect = "codex" | "codeintel";

export interface FuzzyFileSearchParams {
  query: string;
  roots?: string[];
  cancellationToken?: string | null;
}

export interface FuzzyFileSearchResult {
  files: WireFileMatch[];
}

export interface SessionStartParams {
  sessionId: string;
  roots?: string[];
  /** codeintel's extension (codex ignores unknown fields): "codeintel" for find_files' rules and shape. */
  dialect?: SearchDialect;
}

export interface SessionUpdateParams {
  sessionId: string;
  query: string;
}

export interface SessionStopParams {
  sessionId: string;
}

export interface SessionUpdatedParams {
  sessionId: string;
  /** The query as the client wrote it. */
  query: string;
  /** WireFileMatch for a codex-dialect session, FileMatch for a codeintel one. */
  files: WireFileMatch[] | FileMatch[];
}

export interface SessionCompletedParams {
  sessionId: string;
}

export interface CancelRequestParams {
  id: RequestId;
}

export interface ProgressParams {
  progressToken: string | number;
  progress: number;
  total?: number;
  message?: string;
}

export interface InvalidMessageParams {
  code: number;
  message: string;
}
