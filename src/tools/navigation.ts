// The code-navigation tools, backed by the LSP pool. The service composes the
// catalog: `[...createNavigationTools({ pool, roots }), ...otherTools]`.

import { defineTool, type Tool } from "../core/tool.js";
import { createCallHierarchyTool } from "./navigation/call-hierarchy.js";
import type { NavigationDeps } from "./navigation/common.js";
import { createDiagnosticsTool } from "./navigation/diagnostics.js";
import { createHoverTool } from "./navigation/hover.js";
import { createLocationTools } from "./navigation/location-tools.js";

export type { NavigationDeps } from "./navigation/common.js";

/** hover, definition, type_definition, implementation, references, call_hierarchy, diagnostics (the symbol tools: symbol-tools.ts). */
export function createNavigationTools(deps: NavigationDeps): Tool[] {
  return [
    defineTool(createHoverTool(deps)),
    ...createLocationTools(deps).map(defineTool),
    defineTool(createCallHierarchyTool(deps)),
    defineTool(createDiagnosticsTool(deps)),
  ];
}
