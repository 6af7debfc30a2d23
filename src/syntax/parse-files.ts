// One batch of a root's files through the syntactic indexer: read each safely, parse it, and
// say what became of it. Runs in a syntax worker (workers/syntax-worker.ts); callable in-thread.
//
//   parseFiles(root, paths) → Promise<SyntaxFileResult[]>    one result per path, in order
//
// A result carries what the symbol cache records for a file (size, mtime, the content hash the
// LSP indexer also uses), so the cache can store it as it is.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { FlatSymbol } from "../symbols/types.js";
import { FolderRealPaths } from "../workspace/paths.js";
import { readSourceTextSync, type RefusalReason } from "../workspace/source-text.js";
import { extract } from "./extract.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "./languages.js";

export type SyntaxFileResult =
  | { path: string; status: "ok"; language: SyntaxLanguage; size: number; mtimeMs: number; hash: string; symbols: FlatSymbol[]; partial: boolean }
  /** Not source text, or outside the root (workspace/source-text.ts): `error` says why, as the LSP indexer records it. */
  | { path: string; status: "excluded"; language: SyntaxLanguage; reason: RefusalReason; error: string; size?: number; mtimeMs?: number }
  /** No grammar for this kind of file: not read at all. */
  | { path: string; status: "unsupported" }
  /** The parser or query failed on this file (the others of the batch are unaffected). */
  | { path: string; status: "failed"; language: SyntaxLanguage; error: string };

/** One worker task: a batch of one root's files. */
export interface SyntaxTask {
  root: string;
  /** Relative to root, with `/`. */
  paths: string[];
}

export async function parseFiles(root: string, paths: readonly string[]): Promise<SyntaxFileResult[]> {
  const results: SyntaxFileResult[] = [];
  const within = new FolderRealPaths([root]);
  for (const path of paths) results.push(await parseFile(root, path, within));
  return results;
}

async function parseFile(root: string, path: string, within: FolderRealPaths): Promise<SyntaxFileResult> {
  const language = syntaxLanguageOf(path);
  if (!language) return { path, status: "unsupported" };
  const read = readSourceTextSync(join(root, path), within);
  if (!read.ok) return { path, status: "excluded", language, reason: read.reason, error: `it ${read.detail}`, size: read.size, mtimeMs: read.mtimeMs };
  try {
    const { symbols, partial } = await extract(read.text, language);
    const hash = createHash("sha1").update(read.bytes).digest("base64url");
    return { path, status: "ok", language, size: read.size, mtimeMs: read.mtimeMs, hash, symbols, partial };
  } catch (err) {
    return { path, status: "failed", language, error: (err as Error).message ?? String(err) };
  }
}
