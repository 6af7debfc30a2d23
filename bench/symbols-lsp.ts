// Placeholder until the LSP pool lands: the cached-vs-live and indexing benches live here.
export async function runLspBenches(): Promise<void> {
  console.log("\n(LSP benches: not run yet)");
}
