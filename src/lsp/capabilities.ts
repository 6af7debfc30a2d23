// Capabilities both ways: what codeintel tells servers it can do (clientCapabilities), and
// what a server can do — its initialize answer plus what it registers later
// (client/registerCapability; pyright and clangd register some features dynamically).
//
//   clientCapabilities                            sent in initialize
//   new ServerCapabilitySet()
//   set.announced                                 the initialize answer's capabilities
//   set.register(registrations) / set.unregister(unregisterations)
//   set.supportsPullDiagnostics()
//   set.require(capability, what, serverId)       throws "unavailable" naming the missing feature
//   set.requireMethod(method, serverId)           the same for a request method (hover, references, ...)

import type { ClientCapabilities, ServerCapabilities, SymbolKind } from "vscode-languageserver-protocol";
import { LspError } from "./errors.js";

/** Request methods whose server support the capabilities say: the capability and what to call it in an error. */
const providers: Record<string, [keyof ServerCapabilities, string]> = {
  "textDocument/hover": ["hoverProvider", "hover"],
  "textDocument/definition": ["definitionProvider", "go to definition"],
  "textDocument/typeDefinition": ["typeDefinitionProvider", "go to type definition"],
  "textDocument/implementation": ["implementationProvider", "go to implementation"],
  "textDocument/references": ["referencesProvider", "find references"],
  "textDocument/documentSymbol": ["documentSymbolProvider", "document symbols"],
};

const symbolKinds = Array.from({ length: 26 }, (_, i) => (i + 1) as SymbolKind);

export const clientCapabilities: ClientCapabilities = {
  general: { positionEncodings: ["utf-16"] },
  window: { workDoneProgress: true },
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: false },
    didChangeWatchedFiles: { dynamicRegistration: true },
    symbol: { symbolKind: { valueSet: symbolKinds } },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false, willSave: false },
    hover: { contentFormat: ["markdown", "plaintext"] },
    definition: { linkSupport: true },
    typeDefinition: { linkSupport: true },
    implementation: { linkSupport: true },
    references: {},
    documentSymbol: { hierarchicalDocumentSymbolSupport: true, symbolKind: { valueSet: symbolKinds } },
    callHierarchy: { dynamicRegistration: false },
    publishDiagnostics: { versionSupport: true, relatedInformation: false },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
  },
};

export class ServerCapabilitySet {
  announced: ServerCapabilities = {};
  private readonly dynamicMethods = new Set<string>();

  register(registrations: readonly { method: string }[] | undefined): void {
    for (const r of registrations ?? []) this.dynamicMethods.add(r.method);
  }

  unregister(unregisterations: readonly { method: string }[] | undefined): void {
    for (const r of unregisterations ?? []) this.dynamicMethods.delete(r.method);
  }

  supportsPullDiagnostics(): boolean {
    return this.announced.diagnosticProvider !== undefined || this.dynamicMethods.has("textDocument/diagnostic");
  }

  require(capability: keyof ServerCapabilities, what: string, serverId: string, method?: string): void {
    if (this.announced[capability] || (method && this.dynamicMethods.has(method))) return;
    throw new LspError("unavailable", `language server '${serverId}' does not support ${what}`);
  }

  /** Throws "unavailable" when the server said it cannot answer `method` (many servers for data formats have no references). */
  requireMethod(method: string, serverId: string): void {
    const provider = providers[method];
    if (provider) this.require(provider[0], provider[1], serverId, method);
  }
}
