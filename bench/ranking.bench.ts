// `npm run bench ranking`: judged ranking quality beside fzf (files: the mechanical sets first,
// then the hand-judged ones) and beside the language servers' own workspace/symbol (symbols), and
// the warm-query latency each costs.
import { main as files } from "./ranking-files.js";
import { main as mechanical } from "./ranking-mechanical.js";
import { main as symbols } from "./ranking-symbols.js";

export async function main(): Promise<void> {
  console.log("### files, mechanical sets\n");
  await mechanical();
  console.log("\n### files, hand-judged sets\n");
  await files();
  console.log("\n### symbols\n");
  await symbols();
}
