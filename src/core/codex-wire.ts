// Conversions to codex's app-server wire shapes (src/protocol/codex-wire.ts has the shapes): the
// file-search port (file-search.ts) keeps codeintel's camelCase FileMatch with UTF-16 offsets,
// which the tools, the CLI and REST use; codex's clients get WireFileMatch.
//
//   toWireFile(match)                        FileMatch -> WireFileMatch
//   codexInitializeFields(serverInfo, home)  initialize's userAgent, codexHome, platformFamily, platformOs
import { homedir } from "node:os";
import { codePointOffsets, type CodexInitializeFields, type FileMatch, type WireFileMatch } from "../protocol/index.js";

export { codePointOffsets, type WireFileMatch } from "../protocol/index.js";

export function toWireFile(m: FileMatch): WireFileMatch {
  return {
    root: m.root,
    path: m.path,
    match_type: m.matchType,
    file_name: m.fileName,
    score: Math.max(0, Math.round(m.score)),
    indices: codePointOffsets(m.path, m.indices),
  };
}

/** codex's InitializeResponse fields (userAgent, codexHome, platformFamily, platformOs). */
export function codexInitializeFields(serverInfo: { name: string; version: string }, home: string | undefined): CodexInitializeFields {
  return {
    userAgent: `${serverInfo.name}/${serverInfo.version}`,
    // codex: "Absolute path to the server's $CODEX_HOME directory"; codeintel's is where it keeps its state.
    codexHome: home ?? homedir(),
    // Rust's std::env::consts::FAMILY and OS, which codex sends.
    platformFamily: process.platform === "win32" ? "windows" : "unix",
    platformOs: process.platform === "darwin" ? "macos" : process.platform === "win32" ? "windows" : process.platform,
  };
}
