// Records the replay corpus (test/replay/fixtures.jsonl) the way any recording is made: a real
// `codeintel app-server --record` over stdio on the TypeScript and Python fixtures, driven by a
// client that asks each question of CALLS in turn. A client asks again while an answer depends on
// timing (a server still loading answers approximately or partially, or "indexing"), as an agent
// would; those unsettled answers are then left out of the corpus, so every answer in it is one a
// loaded server gives, whatever the machine's speed. Run after a change that alters answers on
// purpose (or use `codeintel replay FILE --update` when the fixtures did not change):
//
//   npm run build && node scripts/record-replay-corpus.mjs
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";
import { readRecording, writeRecording } from "../dist/src/core/recorder.js";
import { unsettled } from "../dist/src/core/replay-compare.js";
import { errorCodeName } from "../dist/src/protocol/index.js";

const repoRoot = fileURLToPath(new URL("../", import.meta.url));
const bin = join(repoRoot, "bin/codeintel.js");

const CORPUS = join(repoRoot, "test/replay/fixtures.jsonl");
const CORPUS_ROOTS = [join(repoRoot, "test/fixtures/ts"), join(repoRoot, "test/fixtures/py")];

/** Each question once, [tool, arguments]; paths are relative to the root that holds them. */
const CALLS = [
  ["find_files", { query: "shapes" }],
  ["find_files", { query: "main" }],
  ["find_files", { query: "src ts$" }],
  ["find_files", { query: "", limit: 5 }],
  ["hover", { file: "src/shapes.ts", symbol: "Circle.area" }],
  ["hover", { file: "src/shapes.ts", symbol: "totalArea" }],
  ["definition", { file: "src/main.ts", line: 6, column: 19 }],
  ["type_definition", { file: "src/main.ts", line: 3, column: 21 }],
  ["implementation", { file: "src/shapes.ts", symbol: "Shape" }],
  ["references", { file: "src/shapes.ts", symbol: "Circle" }],
  ["references", { file: "src/shapes.ts", symbol: "totalArea" }],
  ["document_symbols", { file: "src/shapes.ts" }],
  // The TypeScript root only: the Python root's pyproject.toml has a server (taplo) that some
  // machines have and others not, which makes the answer partial there and complete here.
  ["workspace_symbols", { query: "Circle", root: CORPUS_ROOTS[0] }],
  ["workspace_symbols", { query: "area", root: CORPUS_ROOTS[0] }],
  ["hover", { file: "pkg/shapes.py", symbol: "Circle.area" }],
  ["definition", { file: "main.py", line: 1, column: 32 }],
  ["references", { file: "pkg/shapes.py", symbol: "total_area" }],
  ["document_symbols", { file: "pkg/shapes.py" }],
  ["document_symbols", { file: "src/missing.ts" }],
  ["hover", { file: "src/shapes.ts", line: 999 }],
];

/** How long one question may keep answering "still loading" before the recording gives up. */
const SETTLE_MS = 60_000;

async function record() {
  const folder = mkdtempSync(join(tmpdir(), "codeintel-corpus-"));
  const raw = join(folder, "raw.jsonl");
  const child = spawn(process.execPath, [bin, "app-server", "--record", raw, ...CORPUS_ROOTS], { cwd: repoRoot, env: { ...process.env, CODEINTEL_CACHE_DIR: join(folder, "cache") }, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const waiting = new Map();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const m = JSON.parse(line);
    waiting.get(m.id)?.(m);
  });
  let nextId = 0;
  const request = (method, params) =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    });
  await request("initialize", { clientInfo: { name: "record-replay-corpus", version: "1" } });
  for (const [tool, args] of CALLS) {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const m = await request("tools/call", { name: tool, arguments: args });
      const outcome = m.error ? { error: { code: errorCodeName(m.error), message: m.error.message } } : { answer: m.result };
      const why = unsettled(outcome);
      if (why === undefined) break;
      if (Date.now() > deadline) throw new Error(`${tool} ${JSON.stringify(args)} still ${why} after ${SETTLE_MS / 1000} s`);
      process.stderr.write(`  ${tool} ${JSON.stringify(args)}: ${why}; asking again\n`);
    }
  }
  child.stdin.end();
  if ((await exited) !== 0) throw new Error("the app-server failed (its stderr is above)");
  const [session] = readRecording(raw);
  const settled = session.calls.filter((c) => unsettled(c) === undefined);
  writeRecording(CORPUS, [{ header: session.header, calls: settled.map((c, i) => ({ ...c, seq: i + 1 })) }]);
  rmSync(folder, { recursive: true, force: true });
  process.stdout.write(`${CORPUS}: ${settled.length} calls (${session.calls.length - settled.length} unsettled answers left out)\n`);
}

await record();
