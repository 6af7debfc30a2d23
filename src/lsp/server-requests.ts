// Answers to the requests a language server sends to codeintel. Every one is answered, even
// those codeintel has no use for: a server waiting on an unanswered request (a refresh, a
// showMessageRequest) stops answering us.
//
//   answerServerRequests(connection, { root, settings, capabilities })

import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { ServerCapabilitySet } from "./capabilities.js";

export interface ServerRequestContext {
  root: string;
  /** The server's settings from the registry (workspace/configuration reads sections of them). */
  settings: Record<string, unknown> | undefined;
  capabilities: ServerCapabilitySet;
}

export function answerServerRequests(connection: MessageConnection, context: ServerRequestContext): void {
  const { root, settings, capabilities } = context;
  connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
    params.items.map((item) => lookupSetting(settings, item.section)),
  );
  connection.onRequest("workspace/workspaceFolders", () => [{ uri: pathToFileURL(root).href, name: basename(root) }]);
  connection.onRequest("client/registerCapability", (params: { registrations: { method: string }[] }) => {
    capabilities.register(params.registrations);
    return null;
  });
  connection.onRequest("client/unregisterCapability", (params: { unregisterations?: { method: string }[] }) => {
    capabilities.unregister(params.unregisterations);
    return null;
  });
  connection.onRequest("window/workDoneProgress/create", () => null);
  connection.onRequest("workspace/applyEdit", () => ({ applied: false, failureReason: "codeintel is read-only" }));
  // Refresh requests, showMessageRequest, showDocument and anything newer: acknowledge so the server never waits on us.
  connection.onRequest(() => null);
}

function lookupSetting(settings: Record<string, unknown> | undefined, section: string | undefined): unknown {
  if (!settings) return null;
  if (!section) return settings;
  let node: unknown = settings;
  for (const part of section.split(".")) {
    if (typeof node !== "object" || node === null || !(part in node)) return null;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}
