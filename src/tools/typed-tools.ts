// The catalog's tools as typed functions, with the inputs they take: one signature list that the
// in-process API (codeintel.ts), the client SDK and the plugin context all implement or hand out.
import type { RestartReport } from "../lsp/pool.js";
import type { ToolProgress } from "../core/tool.js";
import type { IndexInput, IndexOutput } from "./index-symbols.js";
import type { CallHierarchyOutput } from "./navigation/call-hierarchy.js";
import type { DiagnosticsOutput } from "./navigation/diagnostics.js";
import type { HoverOutput } from "./navigation/hover.js";
import type { LocationsOutput, TargetInput } from "./navigation/location-tools.js";
import type { DocumentSymbolsOutput, WorkspaceSymbolsOutput } from "./navigation/symbol-tools.js";
import type { RestartInput } from "./restart.js";
import type { ServersInput, ServersOutput } from "./servers.js";

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (p: ToolProgress) => void;
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
