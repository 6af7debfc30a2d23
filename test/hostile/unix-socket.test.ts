// Hostile lines on `codeintel app-server --listen unix://PATH` (one compiled process for the
// file): each batch on a connection of its own, before or after initialize, while a second,
// well-behaved client stays connected and must still be answered correctly after every batch.
import fc from "fast-check";
import { createConnection } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { SocketRpcClient } from "../service/helpers.js";
import { linePayload, type Payload } from "./arbitraries.js";
import { FailureLog, ServerProcess, Tally, fuzzParameters, hostileProject, within, type HostileProject } from "./harness.js";
import { assertStillServing, sendAndCheck } from "./rpc-check.js";
import { lineSeeds } from "./seeds.js";

const tally = new Tally();
const failures = new FailureLog();
let project: HostileProject;
let server: ServerProcess;
let socketPath: string;
let good: SocketRpcClient;
let seq = 0;

async function connect(): Promise<SocketRpcClient> {
  const socket = createConnection(socketPath);
  await within(new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject)), `connecting to ${socketPath}`);
  return new SocketRpcClient(socket);
}

async function start(): Promise<void> {
  server = ServerProcess.spawn(["app-server", "--listen", `unix://${socketPath}`, "--symbol-index", "off", project.root]);
  await server.listening();
  good = await connect();
  await within(good.initialize(), "the well-behaved client's initialize");
}

async function recover(): Promise<void> {
  if (server.alive) return;
  await start();
}

const stillServing = (after: string) => assertStillServing(server, good, after);

async function batch(payloads: Payload[], initialize: boolean): Promise<void> {
  const names = payloads.map((p) => p.name).join(" | ");
  await failures.guard(async () => {
    const hostile = await connect();
    try {
      if (initialize) await within(hostile.initialize(), "initialize");
      for (const p of payloads) {
        tally.add(initialize ? "after-initialize" : "before-initialize");
        await sendAndCheck(hostile, (bytes) => hostile.socket.write(bytes), p, { seq: ++seq, port: 0, token: "" }, { framing: "lines", initialized: initialize, project });
      }
    } finally {
      hostile.socket.destroy();
    }
    await stillServing(names);
  }, recover);
}

beforeAll(async () => {
  project = hostileProject();
  socketPath = join(project.base, "sock", "ci.sock");
  await start();
});

afterAll(async () => {
  tally.report("unix-socket");
  good?.socket.destroy();
  await server.stop();
  project.cleanup();
});

describe("app-server on a unix socket: hostile lines", () => {
  it("seed corpus, before and after initialize", async () => {
    for (const seed of lineSeeds) await batch([seed], false);
    for (const seed of lineSeeds) await batch([seed], true);
    failures.assertNone("unix socket seeds");
  });

  it("generated lines, each batch on a new connection", async () => {
    const arb = fc.boolean().chain((initialize) => fc.tuple(fc.constant(initialize), fc.array(linePayload({ allowInitialize: initialize }), { minLength: 1, maxLength: 4 })));
    await fc.assert(fc.asyncProperty(arb, ([initialize, payloads]) => batch(payloads, initialize)), fuzzParameters(25));
    failures.assertNone("unix socket");
  });
});
