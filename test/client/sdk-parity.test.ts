// The client SDK gives what the in-process API gives, for the same project: a file search with an
// uppercase query (smart-case: only the path that has it), an empty query (the shortest paths
// listed), the same through a streaming session, and an unknown tool (the same error code). The
// server is a real app-server over stdio (bin/codeintel.js, compiled), the in-process API the
// real createCodeIntel; both read the same folder.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, TOOL_NAMES, type CodeIntelClient, type FileMatch, type SearchEvent } from "../../src/client/index.js";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { compiled } from "../support/compiled.js";

const project = mkdtempSync(join(tmpdir(), "ci-sdk-parity-"));
for (const file of ["src/pool.ts", "src/PoolManager.ts", "docs/POOL.md", "lib/threadpool.c", "README.md", "src/main.ts"]) {
  mkdirSync(join(project, file, ".."), { recursive: true });
  writeFileSync(join(project, file), "// fixture\n");
}

let client: CodeIntelClient;
let inProcess: CodeIntel;

beforeAll(async () => {
  compiled("src/cli/main.js"); // the spawned server runs the build: a clear error when it is missing or stale
  [client, inProcess] = await Promise.all([
    connect({ spawn: { roots: [project], args: ["--symbol-index", "off"] } }),
    createCodeIntel({ roots: [project], symbolIndex: "off", watch: false, log: () => undefined }),
  ]);
});

afterAll(async () => {
  await client?.close();
  await inProcess?.close();
});

const paths = (files: FileMatch[]) => files.map((f) => f.path).sort();

/** A session's final snapshot for `query`: the last `updated` before its `completed` (the iterator stays open: leaving a for-await would stop the session). */
async function finalSnapshot(session: { update(q: string): void }, events: AsyncIterator<SearchEvent>, query: string): Promise<FileMatch[]> {
  session.update(query);
  let last: FileMatch[] | undefined;
  for (;;) {
    const { value: event, done } = await events.next();
    if (done) throw new Error(`the session ended before '${query}' completed`);
    if (event.query !== query) continue;
    if (event.type === "updated") last = event.files;
    else if (last) return last;
  }
}

describe("client SDK = in-process API", () => {
  it("an uppercase query is smart-case on both: only the path that has it, in camelCase FileMatch", async () => {
    const [sdk, local] = await Promise.all([client.findFiles("POOL"), inProcess.findFiles("POOL")]);
    expect(sdk).toEqual(local);
    expect(paths(sdk)).toEqual(["docs/POOL.md"]);
    // The declared shape is the one received: matchType and fileName are there at run time.
    expect(sdk[0]).toMatchObject({ matchType: "file", fileName: "POOL.md", root: project });
    expect(sdk[0]).not.toHaveProperty("match_type");
    // A lowercase query ignores case on both.
    const [lowerSdk, lowerLocal] = await Promise.all([client.findFiles("pool"), inProcess.findFiles("pool")]);
    expect(lowerSdk).toEqual(lowerLocal);
    expect(paths(lowerSdk)).toEqual(expect.arrayContaining(["docs/POOL.md", "src/pool.ts", "src/PoolManager.ts", "lib/threadpool.c"]));
  });

  it("an empty query lists the files on both", async () => {
    const [sdk, local] = await Promise.all([client.findFiles(""), inProcess.findFiles("")]);
    expect(sdk).toEqual(local);
    expect(paths(sdk.filter((f) => f.matchType === "file"))).toEqual(["README.md", "docs/POOL.md", "lib/threadpool.c", "src/PoolManager.ts", "src/main.ts", "src/pool.ts"]);
  });

  it("a streaming session follows the same rule and shape", async () => {
    const sdkSession = client.searchSession();
    const localSession = inProcess.searchSession();
    const sdkEvents = sdkSession[Symbol.asyncIterator]();
    const localEvents = localSession[Symbol.asyncIterator]();
    try {
      for (const query of ["POOL", ""]) {
        const [sdk, local] = await Promise.all([finalSnapshot(sdkSession, sdkEvents, query), finalSnapshot(localSession, localEvents, query)]);
        expect(paths(sdk), `session '${query}'`).toEqual(paths(local));
        expect(sdk, `session '${query}'`).toEqual(local);
        expect(sdk.length, `session '${query}' finds something`).toBeGreaterThan(0);
      }
    } finally {
      sdkSession.stop();
      localSession.stop();
    }
  });

  it("the catalog is the same, and holds every tool the protocol names (TOOL_NAMES cannot drift from the tools)", async () => {
    const sdk = (await client.tools()).map((t) => t.name);
    expect(sdk).toEqual(inProcess.catalog.names);
    // index is served only with a symbol cache (this server runs with --symbol-index off).
    expect(Object.values(TOOL_NAMES).filter((name) => !sdk.includes(name))).toEqual(["index"]);
  });

  it("an unknown tool fails with the same code on both", async () => {
    const [sdk, local] = await Promise.all([client.call("no_such_tool", {}).catch((e: unknown) => e), inProcess.call("no_such_tool", {}).catch((e: unknown) => e)]);
    expect(local).toMatchObject({ code: "invalid_input", message: expect.stringContaining("unknown tool 'no_such_tool'") });
    expect(sdk).toMatchObject({ code: (local as { code: string }).code, rpcCode: -32602, message: (local as Error).message, retryable: false });
  });
});
