// The catalog's built-in tools: their wire names and their typed signatures, one list that the
// in-process API (codeintel.ts), the client SDK and the plugin context implement or hand out.
//
//   TOOL_NAMES            typed method name -> the tool's (and app-server method's) wire name
//   ToolName              a built-in tool's wire name
//   TypedTools            the tools as typed functions; CallOptions, ToolProgress and the inputs
import type {
  CallHierarchyOutput,
  DiagnosticsOutput,
  DocumentSymbolsOutput,
  HoverOutput,
  IndexOutput,
  LocationsOutput,
  RestartReport,
  ServersOutput,
  WorkspaceSymbolsOutput,
} from "./tool-outputs.js";

export const TOOL_NAMES = {
  hover: "hover",
  definition: "definition",
  typeDefinition: "type_definition",
  implementation: "implementation",
  references: "references",
  callHierarchy: "call_hierarchy",
  diagnostics: "diagnostics",
  documentSymbols: "document_symbols",
  workspaceSymbols: "workspace_symbols",
  restart: "restart",
  servers: "servers",
  index: "index",
  findFiles: "find_files",
} as const;

export type ToolName = (typeof TOOL_NAMES)[keyof typeof TOOL_NAMES];

/** A tool's progress: `$/progress` on the app-server, notifications/progress over MCP. */
export interface ToolProgress {
  progress: number;
  total?: number;
  message?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: ToolProgress) => void;
}

/** A position in a file: `line` (1-based) with an optional `column`, or a `symbol` name. */
export interface TargetInput {
  file: string;
  line?: number;
  column?: number;
  symbol?: string;
  limit?: number;
  offset?: number;
}

export interface FileInput {
  /** A path relative to a project root, or absolute inside one. */
  file: string;
  limit?: number;
  offset?: number;
}

export interface WorkspaceSymbolsInput {
  query: string;
  root?: string;
  kind?: string;
  path?: string;
  container?: string;
  limit?: number;
  offset?: number;
}

export interface FindFilesInput {
  query: string;
  roots?: string[];
  limit?: number;
  /** Folders are candidates too (default true); false lists files only. */
  directories?: boolean;
}

export interface RestartInput {
  server?: string;
}

export interface ServersInput {
  root?: string;
}

export interface IndexInput {
  root?: string;
}

/** The catalog's tools as typed functions: each resolves with the tool's structured output. */
export interface TypedTools {
  hover(input: TargetInput, options?: CallOptions): Promise<HoverOutput>;
  definition(input: TargetInput, options?: CallOptions): Promise<LocationsOutput>;
  typeDefinition(input: TargetInput, options?: CallOptions): Promise<LocationsOutput>;
  implementation(input: TargetInput, options?: CallOptions): Promise<LocationsOutput>;
  references(input: TargetInput & { includeDeclaration?: boolean }, options?: CallOptions): Promise<LocationsOutput>;
  callHierarchy(input: TargetInput & { direction?: "incoming" | "outgoing" | "both" }, options?: CallOptions): Promise<CallHierarchyOutput>;
  diagnostics(input: FileInput, options?: CallOptions): Promise<DiagnosticsOutput>;
  documentSymbols(input: FileInput, options?: CallOptions): Promise<DocumentSymbolsOutput>;
  workspaceSymbols(input: WorkspaceSymbolsInput, options?: CallOptions): Promise<WorkspaceSymbolsOutput>;
  restart(input?: RestartInput, options?: CallOptions): Promise<RestartReport>;
  /** Every known language server: installed where, version, running, install hint. */
  servers(input?: ServersInput, options?: CallOptions): Promise<ServersOutput>;
  /** Builds or refreshes a root's symbol cache (not with symbolIndex "off"). */
  index(input?: IndexInput, options?: CallOptions): Promise<IndexOutput>;
}
