// `codeintel index --precise`: the SCIP indexers that apply to the root (src/scip/indexers.ts),
// each printing its progress, then one import of what they wrote into the root's cache.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { canonicalRoot } from "../symbols/cache-location.js";
import { indexersFor, runIndexer } from "../scip/indexers.js";
import { PreciseIndexes } from "../scip/registry.js";
import { renderImport } from "../tools/import-scip.js";

export async function indexPrecisely(values: { root?: string; cacheDir?: string; json?: boolean; quiet?: boolean }): Promise<number> {
  const root = canonicalRoot(values.root ?? process.cwd());
  const say = (line: string) => {
    if (!values.quiet && !values.json) process.stderr.write(line + "\n");
  };
  const indexers = indexersFor(root);
  if (indexers.length === 0) {
    process.stderr.write(`codeintel index --precise: no TypeScript/JavaScript (tsconfig.json, jsconfig.json, package.json) or Python (pyproject.toml, setup.py, setup.cfg, requirements.txt, *.py) project at ${root}\n`);
    return 1;
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const work = mkdtempSync(join(tmpdir(), "codeintel-scip-"));
  const precise = new PreciseIndexes({ cacheDir: values.cacheDir });
  try {
    const written: string[] = [];
    const failed: string[] = [];
    for (const indexer of indexers) {
      const started = performance.now();
      say(`${indexer}: indexing ${root}...`);
      const out = join(work, `${indexer}.scip`);
      try {
        await runIndexer(indexer, root, out, { signal: controller.signal, onLine: (line) => say(`  ${indexer}: ${line}`) });
        written.push(out);
        say(`${indexer}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      } catch (err) {
        if (controller.signal.aborted) return 130;
        failed.push(indexer);
        process.stderr.write(`codeintel index --precise: ${(err as Error).message}\n`);
      }
    }
    if (written.length === 0) return 1;
    const summary = { root, ...precise.import(root, written), file: written.map((f) => basename(f)).join(", ") };
    process.stdout.write((values.json ? JSON.stringify({ ...summary, failedIndexers: failed }, null, 2) : renderImport(summary)) + "\n");
    return failed.length > 0 ? 3 : 0;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    precise.close();
    rmSync(work, { recursive: true, force: true });
  }
}
