// What the servers hear about files changing on disk (workspace/didChangeWatchedFiles). The
// finder's watcher is codeintel's one watcher; the pool forwards its events here. A created
// file is reported as Created, so a server adds it to its project instead of looking for a
// file it never had; an open copy is resynced (changed) or closed (deleted) at once.
//
//   reportFileChange(clients, absPath, change)   change: "created" | "changed" | "deleted"

import { existsSync } from "node:fs";
import { FileChangeType } from "vscode-languageserver-protocol";
import type { LanguageServerClient } from "./client.js";
import { uriOf } from "./documents.js";
import { isInside } from "../workspace/paths.js";

export type FileChange = "created" | "changed" | "deleted";

export function reportFileChange(clients: Iterable<LanguageServerClient>, absPath: string, change: FileChange): void {
  for (const c of clients) {
    if (!isInside(c.root, absPath) || c.state !== "running") continue;
    let type: FileChangeType;
    if (change === "deleted") {
      c.documents.closeFile(absPath);
      type = FileChangeType.Deleted;
    } else {
      const wasOpen = c.documents.refresh(absPath);
      // A change event can arrive after the file went again: then it is gone for the server too.
      const gone = !wasOpen && !existsSync(absPath);
      type = gone ? FileChangeType.Deleted : change === "created" ? FileChangeType.Created : FileChangeType.Changed;
    }
    c.notify("workspace/didChangeWatchedFiles", { changes: [{ uri: uriOf(absPath), type }] });
  }
}
