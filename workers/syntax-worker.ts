// Piscina worker entry point of the syntactic tier. The default task parses one batch of a
// root's files with tree-sitter (src/syntax/parse-files.ts); grammars load once per worker
// thread, on first use. The "scan" task finds whole-word occurrences of a name in a batch
// (src/syntax/scan-files.ts).
import { parseFiles, type SyntaxFileResult, type SyntaxTask } from "../src/syntax/parse-files.js";
import { scanFiles, type ScanResult, type ScanTask } from "../src/syntax/scan-files.js";

export default function parse(task: SyntaxTask): Promise<SyntaxFileResult[]> {
  return parseFiles(task.root, task.paths);
}

export function scan(task: ScanTask): ScanResult {
  return scanFiles(task);
}
