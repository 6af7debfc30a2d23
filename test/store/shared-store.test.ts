// Two processes, one PostgreSQL store: `codeintel index --store URL` (a child process, as CI
// runs it) writes a root's symbols; a service in this process, pointed at the same store through
// CODEINTEL_STORE and never told to index, answers from them, and sees a file the indexer adds
// later without a restart. Real server, real CLI, real language server.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CodeIntel, createCodeIntel } from "../../src/codeintel.js";
import { runCli } from "../support/compiled.js";
import { type PostgresServer, startPostgres } from "../support/postgres.js";
import { widgetProject } from "../symbols/helpers.js";

let server: PostgresServer;
let url: string;
const project = widgetProject("shared-store", 3);
beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase("team");
});
afterAll(async () => {
  await server?.stop();
  project.cleanup();
});

async function indexInChild(): Promise<void> {
  // A cache folder of its own, so nothing can come from a SQLite file.
  const result = await runCli(["index", "-r", project.root, "--store", url, "--cache-dir", project.cacheDir, "--json", "--quiet"]).done;
  expect(result.err).not.toMatch(/error/i);
  expect(result.code, result.err).toBe(0);
}

describe("a PostgreSQL store shared by two processes", () => {
  it("answers a second service from what the indexing process wrote, new files included, without a restart", async () => {
    await indexInChild();
    expect((await server.psql("team", "SELECT count(*) FROM symbols WHERE name = 'makeWidget1'")).trim()).toBe("1");
    const previous = process.env.CODEINTEL_STORE;
    process.env.CODEINTEL_STORE = url;
    let ci: CodeIntel | undefined;
    try {
      ci = await createCodeIntel({ roots: [project.root], cacheDir: join(project.cacheDir, "service"), watch: false, symbolIndex: "manual" });
      const found = await ci.workspaceSymbols({ query: "makeWidget1" });
      expect(found.results.map((r) => `${r.name} ${r.path}`)).toContain("makeWidget1 src/module1.ts");
      expect(found.complete).toBe(true);

      writeFileSync(join(project.root, "src", "added.ts"), "export function addedByTheIndexer(): number {\n  return 1;\n}\n");
      await indexInChild();
      const added = await ci.workspaceSymbols({ query: "addedByTheIndexer" });
      expect(added.results.map((r) => r.path)).toEqual(["src/added.ts"]);
    } finally {
      await ci?.close();
      if (previous === undefined) delete process.env.CODEINTEL_STORE;
      else process.env.CODEINTEL_STORE = previous;
    }
  }, 300_000);

  it("refuses a store URL that is not PostgreSQL, naming what it wants", async () => {
    await expect(createCodeIntel({ roots: [project.root], store: "mysql://somewhere/db", watch: false, symbolIndex: "manual" })).rejects.toThrow(/must be a PostgreSQL URL/);
  });
});
