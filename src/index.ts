// codeintel's public API: `import { createCodeIntel } from "codeintel"`.
//
//   const ci = await createCodeIntel({ roots: ["."] });
//   const files = await ci.findFiles("readme");                     // one-shot fuzzy search
//   const session = ci.searchSession();                             // streaming, as you type
//   session.update("src/app"); for await (const e of session) ...   // {type:"updated"|"completed"}
//   const outline = await ci.documentSymbols({ file: "src/app.ts" });
//   const refs = await ci.references({ file: "src/app.ts", symbol: "App" });
//   const r = await ci.call("workspace_symbols", { query: "App" }); // any tool: {structured, text}
//   await ci.close();
//
// The transports are exported too, for embedding the service in another process.
export { createCodeIntel } from "./codeintel.js";
export type { CallOptions, CodeIntel, CodeIntelOptions, FileInput, FindOptions, TypedTools, WorkspaceSymbolsInput } from "./codeintel.js";
export type { FileMatch, FileSearchProvider } from "./core/file-search.js";
export type { SearchEvent, SearchSessionStream } from "./core/search-events.js";
export type { ToolCatalog, ToolDescription } from "./core/catalog.js";
export { defineTool, ToolError } from "./core/tool.js";
export type { Tool, ToolAnnotations, ToolContext, ToolErrorCode, ToolProgress, ToolResult } from "./core/tool.js";
export type { CallHierarchyOutput } from "./tools/navigation/call-hierarchy.js";
export type { DiagnosticsOutput } from "./tools/navigation/diagnostics.js";
export type { HoverOutput } from "./tools/navigation/hover.js";
export type { LocationsOutput, TargetInput } from "./tools/navigation/location-tools.js";
export type { DocumentSymbolsOutput, WorkspaceSymbolsOutput } from "./protocol/index.js";
export type { FindFilesOutput } from "./tools/find-files.js";
export type { FileChange, Plugin, PluginContext, PluginContribution, PluginHooks, PluginTool, PublishedDiagnostics } from "./plugins/plugin-api.js";
export type { ToolHooks } from "./core/dispatch.js";
export type { IndexInput, IndexOutput } from "./tools/index-symbols.js";

export { MessageProcessor, FUZZY_METHODS } from "./core/processor.js";
export type { Connection, ConnectionOptions, ProcessorOptions } from "./core/processor.js";
export type { ToolDispatch } from "./core/dispatch.js";
export { ErrorCodes } from "./core/jsonrpc.js";
export { serveAppServerStdio } from "./transports/app-server-stdio.js";
export { startAppServerWebSocket } from "./transports/app-server-websocket.js";
export type { WebSocketAppServer, WebSocketServeOptions } from "./transports/app-server-websocket.js";
export { createMcpServer } from "./transports/mcp-server.js";
export { serveMcpStdio } from "./transports/mcp-stdio.js";
export { startMcpHttp } from "./transports/mcp-http.js";
