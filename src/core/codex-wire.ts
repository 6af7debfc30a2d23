// codex's app-server wire shapes, where they differ from codeintel's own vocabulary. Read from
// codex's protocol crate: codex-rs/app-server-protocol/src/protocol/common.rs and v1.rs
// (FuzzyFileSearchResult, InitializeResponse, InitializeCapabilities) and the generated
// schema/typescript/FuzzyFileSearchResult.ts. The file-search port (file-search.ts) keeps
// codeintel's camelCase FileMatch with UTF-16 offsets, which the tools, the CLI and REST use.
import { homedir } from "node:os";
import type { FileMatch } from "./file-search.js";

/** One result file exactly as codex serialises FuzzyFileSearchResult. */
export interface WireFileMatch {
  root: string;
  path: string;
  match_type: "file" | "directory";
  file_name: string;
  /** u32 in codex. */
  score: number;
  /** Matched character (Unicode scalar value) offsets in `path`: codex's matcher counts chars. */
  indices: number[];
}

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

/** UTF-16 code unit offsets in `text` (ascending) as code point offsets. */
export function codePointOffsets(text: string, utf16Offsets: readonly number[]): number[] {
  const out: number[] = [];
  let unit = 0;
  let point = 0;
  for (const offset of utf16Offsets) {
    while (unit < offset && unit < text.length) {
      const code = text.charCodeAt(unit);
      // A high surrogate followed by a low one is one character.
      unit += code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length && (text.charCodeAt(unit + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      point++;
    }
    // An offset inside a surrogate pair names the character it belongs to.
    if (unit > offset) out.push(point - 1);
    else out.push(point);
  }
  return [...new Set(out)];
}

/** codex's InitializeResponse fields (userAgent, codexHome, platformFamily, platformOs). */
export function codexInitializeFields(serverInfo: { name: string; version: string }, home: string | undefined): Record<string, string> {
  return {
    userAgent: `${serverInfo.name}/${serverInfo.version}`,
    // codex: "Absolute path to the server's $CODEX_HOME directory"; codeintel's is where it keeps its state.
    codexHome: home ?? homedir(),
    // Rust's std::env::consts::FAMILY and OS, which codex sends.
    platformFamily: process.platform === "win32" ? "windows" : "unix",
    platformOs: process.platform === "darwin" ? "macos" : process.platform === "win32" ? "windows" : process.platform,
  };
}
