// The SCIP commands of the compiled CLI: `codeintel index --precise` runs the real indexers on a
// copy of a fixture and imports their index; navigation then answers from it; `import-scip`
// refuses a truncated file (exit 1, nothing lost).
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runIndexer } from "../../src/scip/indexers.js";
import { compiled, repoRoot, runCli } from "../support/compiled.js";
import { tempDir } from "../support/tree.js";

let dir: string;
let cleanup: () => void;
let ts: string;
let env: Record<string, string>;

beforeAll(() => {
  compiled("src/cli/import-scip.js");
  ({ dir, cleanup } = tempDir("scip-cli"));
  ts = join(dir, "ts");
  cpSync(join(repoRoot, "test/fixtures/ts"), ts, { recursive: true });
  env = { CODEINTEL_CACHE_DIR: join(dir, "cache"), CODEINTEL_NO_DAEMON: "1" };
});
afterAll(() => cleanup?.());

describe("codeintel index --precise and import-scip", () => {
  it("indexes with scip-typescript, imports, and definition answers from the index", async () => {
    const indexed = await runCli(["index", "--precise", "--root", ts], { env }).done;
    expect(indexed.err).toMatch(/scip-typescript: indexing/);
    expect(indexed.code).toBe(0);
    expect(indexed.out).toMatch(/imported scip-typescript\.scip \(scip-typescript .*\n {2}3 files/);

    const definition = await runCli(["definition", join(ts, "src/main.ts:6:20"), "--root", ts, "--json"], { env }).done;
    expect(definition.code).toBe(0);
    expect(JSON.parse(definition.out)).toMatchObject({ source: "scip", results: [{ path: "src/shapes.ts", line: 24 }] });
  }, 180_000);

  it("import-scip refuses a truncated index with exit 1 and keeps the imported one", async () => {
    await runIndexer("scip-typescript", ts, join(ts, "index.scip"));
    const bytes = readFileSync(join(ts, "index.scip"));
    writeFileSync(join(ts, "cut.scip"), bytes.subarray(0, bytes.length - 5));
    const refused = await runCli(["import-scip", join(ts, "cut.scip"), "--root", ts], { env }).done;
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/truncated.*nothing was imported/);
    const definition = await runCli(["definition", join(ts, "src/main.ts:6:20"), "--root", ts, "--json"], { env }).done;
    expect(JSON.parse(definition.out)).toMatchObject({ source: "scip" });
    const imported = await runCli(["import-scip", join(ts, "index.scip"), "--root", ts], { env }).done;
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/imported .*index\.scip \(scip-typescript/);
  }, 180_000);
});
