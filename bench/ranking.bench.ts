// `npm run bench ranking`: judged ranking quality beside fzf, and the warm-query latency it costs.
import { main as files } from "./ranking-files.js";

export async function main(): Promise<void> {
  console.log("### files\n");
  await files();
}
