// Server answers in the one shape the tools read: definition links become locations, flat
// SymbolInformation lists become DocumentSymbols, and workspace symbols become hits with a
// file path (symbols in non-file documents are dropped).
//
//   normaliseLocations(result)           → Location[]
//   normaliseDocumentSymbols(result)     → DocumentSymbol[]
//   toWorkspaceHits(serverId, symbol)    → WorkspaceSymbolHit[] (none for a non-file uri)

import { fileURLToPath } from "node:url";
import type { Definition, DefinitionLink, DocumentSymbol, Location, SymbolInformation, SymbolKind, WorkspaceSymbol } from "vscode-languageserver-protocol";

export interface WorkspaceSymbolHit {
  serverId: string;
  name: string;
  kind: SymbolKind;
  containerName?: string;
  absPath: string;
  /** Absent when the server answered with a location without a range. */
  range?: Location["range"];
}

export function normaliseLocations(result: Definition | DefinitionLink[] | null | undefined): Location[] {
  if (!result) return [];
  const list = Array.isArray(result) ? result : [result];
  return list.map((l) =>
    "targetUri" in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : { uri: l.uri, range: l.range },
  );
}

export function normaliseDocumentSymbols(result: DocumentSymbol[] | SymbolInformation[]): DocumentSymbol[] {
  return result.map((s) =>
    "location" in s
      ? { name: s.name, kind: s.kind, detail: s.containerName, range: s.location.range, selectionRange: s.location.range, children: [] }
      : s,
  );
}

export function toWorkspaceHits(serverId: string, s: SymbolInformation | WorkspaceSymbol): WorkspaceSymbolHit[] {
  const uri = s.location.uri;
  if (!uri.startsWith("file:")) return [];
  return [{ serverId, name: s.name, kind: s.kind, containerName: s.containerName, absPath: fileURLToPath(uri), range: "range" in s.location ? s.location.range : undefined }];
}
