// codex's app-server wire shapes, where they differ from codeintel's own vocabulary. Read from
// codex's protocol crate: codex-rs/app-server-protocol/src/protocol/common.rs and v1.rs
// (FuzzyFileSearchResult, InitializeResponse) and the generated
// schema/typescript/FuzzyFileSearchResult.ts.
//
//   WireFileMatch                     one result file as codex serialises it
//   CodexInitializeFields             the initialize result's codex fields
//   codePointOffsets(text, offsets)   UTF-16 offsets as code point offsets (codex counts chars)

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

/** codex's InitializeResponse fields, sent beside serverInfo and capabilities. */
export interface CodexInitializeFields {
  userAgent: string;
  /** codex: "Absolute path to the server's $CODEX_HOME directory"; codeintel's is where it keeps its state. */
  codexHome: string;
  /** Rust's std::env::consts::FAMILY and OS, which codex sends. */
  platformFamily: string;
  platformOs: string;
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
