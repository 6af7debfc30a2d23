// `npm run bench ranking`: judged ranking quality beside fzf (files) and beside the language
// servers' own workspace/symbol (symbols), and the warm-query latency each costs.
import { main as files } from "./ranking-files.js";
import { main as symbols } from "./ranking-symbols.js";

export async function main(): Promise<void> {
  console.log("### files\n");
  await files();
  console.log("\n### symbols\n");
  await symbols();
}
