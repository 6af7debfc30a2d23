// Piscina worker entry point: parses one batch of a root's files with tree-sitter
// (src/syntax/parse-files.ts). Grammars load once per worker thread, on first use.
import { parseFiles, type SyntaxFileResult, type SyntaxTask } from "../src/syntax/parse-files.js";

export default function parse(task: SyntaxTask): Promise<SyntaxFileResult[]> {
  return parseFiles(task.root, task.paths);
}
