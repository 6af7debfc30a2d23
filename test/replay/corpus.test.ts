// The committed corpus (test/replay/fixtures.jsonl, recorded by scripts/record-replay-corpus.mjs
// through `app-server --record` on the TypeScript and Python fixtures) replayed by the real
// `codeintel replay` on this build: a change that alters an answer fails here with its diff.
// Also: a deliberately changed answer fails with a readable diff, --update accepts the new
// answers, and a recording of another tree is refused.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRecording, writeRecording } from "../../src/core/recorder.js";
import { repoRoot, runCli, testCacheDir } from "../support/compiled.js";

const corpus = join(repoRoot, "test/replay/fixtures.jsonl");
const roots = ["test/fixtures/ts", "test/fixtures/py"].map((r) => join(repoRoot, r));
const rootArgs = roots.flatMap((r) => ["--root", r]);
const env = { CODEINTEL_CACHE_DIR: testCacheDir() };
const replay = (file: string, ...more: string[]) => runCli(["replay", file, ...rootArgs, ...more], { env }).done;

/** A copy of the corpus with the first answer of `tool` changed by `change`. */
function corpusWith(tool: string, change: (structured: Record<string, unknown>) => void): string {
  const file = join(mkdtempSync(join(tmpdir(), "ci-replay-")), "changed.jsonl");
  const [session] = readRecording(corpus);
  const call = session!.calls.find((c) => c.tool === tool && "answer" in c)!;
  if ("answer" in call) change(call.answer.structured as Record<string, unknown>);
  writeRecording(file, [session!]);
  return file;
}

describe("codeintel replay", () => {
  it("replays the committed corpus with every answer as recorded", async () => {
    const r = await replay(corpus);
    expect(r.err + r.out).not.toMatch(/DIFFERS|NOW FAILS/);
    expect(r.out).toMatch(/^\d+ same, 0 differ, 0 now fail, 0 now answer$/m);
    expect(r.code).toBe(0);
  }, 600_000);

  it("fails on a changed answer, with a diff that names the field, and --update accepts the new answers", async () => {
    const file = corpusWith("references", (s) => {
      const results = s.results as Array<{ line: number }>;
      results[0]!.line += 40;
    });
    const r = await replay(file);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/DIFFERS +#\d+ references .*\n +structured\.results\[0\]\.line: \d+ → \d+/);
    expect(r.out).toMatch(/1 differ, 0 now fail, 0 now answer: REGRESSION$/m);
    const updated = await replay(file, "--update");
    expect(updated.code).toBe(0);
    expect(updated.out).toMatch(/updated .*changed\.jsonl/);
    // The updated recording is now this build's answers: it replays clean.
    const again = await replay(file);
    expect(again.out).toMatch(/^\d+ same, 0 differ/m);
    expect(again.code).toBe(0);
  }, 600_000);

  it("refuses a recording of another tree, and says why a recording cannot be read", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "ci-replay-")), "other-tree.jsonl");
    const [session] = readRecording(corpus);
    session!.header.roots[0]!.tree = { ...session!.header.roots[0]!.tree, hash: "0".repeat(64) };
    writeRecording(file, [session!]);
    const refused = await replay(file);
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/is not the tree the recording was made on: recorded git 000000000000/);
    const broken = join(mkdtempSync(join(tmpdir(), "ci-replay-")), "broken.jsonl");
    copyFileSync(corpus, broken);
    writeFileSync(broken, readFileSync(broken, "utf8") + '{"type":"call","seq":99,"tool":"hov');
    const cut = await replay(broken);
    expect(cut.code).toBe(2);
    expect(cut.err).toMatch(/broken\.jsonl:\d+: not JSON .*deleting that line/);
    const wrongRoots = await runCli(["replay", corpus, "--root", roots[0]!], { env }).done;
    expect(wrongRoots.code).toBe(2);
    expect(wrongRoots.err).toMatch(/has 2 roots .*--root was given 1 time/);
  });
});
