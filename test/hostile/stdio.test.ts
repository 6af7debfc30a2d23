// Hostile lines on `codeintel app-server` over stdio (one compiled process for the file): random
// bytes, invalid UTF-8, lines at and over the 8 MiB limit, deep nesting, wrong JSON-RPC shapes and
// batches, before and after initialize. After every batch the process must be alive and a
// well-formed request still answered correctly.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StdioRpcClient } from "../service/helpers.js";
import { linePayload, type Payload } from "./arbitraries.js";
import { FailureLog, ServerProcess, Tally, fuzzParameters, hostileProject, within, type HostileProject } from "./harness.js";
import { sendAndCheck } from "./rpc-check.js";
import { lineSeeds } from "./seeds.js";

const tally = new Tally();
const failures = new FailureLog();
let project: HostileProject;
let server: ServerProcess;
let rpc: StdioRpcClient;
let initialized = false;
let seq = 0;

function start(): void {
  server = ServerProcess.spawn(["app-server", "--symbol-index", "off", project.root]);
  rpc = new StdioRpcClient(server.child);
  server.child.stdin.on("error", () => undefined);
  initialized = false;
}

async function initialize(): Promise<void> {
  await within(rpc.initialize(), "initialize");
  initialized = true;
}

/** The server died in a collected failure: a new one, in the same handshake state. */
async function recover(): Promise<void> {
  if (server.alive) return;
  const wasInitialized = initialized;
  start();
  if (wasInitialized) await initialize();
}

async function send(p: Payload): Promise<void> {
  tally.add(initialized ? "after-initialize" : "before-initialize");
  await sendAndCheck(rpc, (bytes) => rpc.child.stdin.write(bytes), p, { seq: ++seq, port: 0, token: "" }, { framing: "lines", initialized, project });
}

/** The process is alive and a well-formed request still gets the right answer. */
async function stillServing(after: string): Promise<void> {
  server.assertAlive(after);
  if (!initialized) {
    expect((await within(rpc.start("$/ping", undefined, `good-${++seq}`).response, `a $/ping after ${after}`)).result).toEqual({});
    return;
  }
  const answer = await within(rpc.start("find_files", { query: "widget" }, `good-${++seq}`).response, `a well-formed find_files after ${after}`);
  const files = (answer.result as { results?: Array<{ path: string }> } | undefined)?.results;
  if (files?.[0]?.path !== "src/Widget.java") throw new Error(`a well-formed find_files answered ${JSON.stringify(answer).slice(0, 300)}, after ${after}`);
}

async function batch(payloads: Payload[]): Promise<void> {
  const names = payloads.map((p) => p.name).join(" | ");
  await failures.guard(async () => {
    for (const p of payloads) await send(p);
    await stillServing(names);
  }, recover);
}

beforeAll(() => {
  project = hostileProject();
  start();
});

afterAll(async () => {
  tally.report("stdio");
  await server.stop();
  project.cleanup();
});

describe("app-server stdio: hostile lines", () => {
  it("seed corpus before initialize", async () => {
    for (const seed of lineSeeds) await batch([seed]);
    failures.assertNone("stdio seeds before initialize");
  });

  it("generated lines before initialize", async () => {
    await fc.assert(fc.asyncProperty(fc.array(linePayload({ allowInitialize: false }), { minLength: 1, maxLength: 4 }), batch), fuzzParameters(12));
    failures.assertNone("stdio before initialize");
  });

  it("seed corpus after initialize", async () => {
    await initialize();
    for (const seed of lineSeeds) await batch([seed]);
    failures.assertNone("stdio seeds after initialize");
  });

  it("generated lines after initialize", async () => {
    await fc.assert(fc.asyncProperty(fc.array(linePayload({ allowInitialize: true }), { minLength: 1, maxLength: 4 }), batch), fuzzParameters(35));
    failures.assertNone("stdio after initialize");
  });
});
