// Hostile WebSocket frames on `codeintel app-server --listen ws://... --token T` (one compiled
// process for the file): the line payloads as text frames and as binary frames, on authorized
// connections before and after initialize, and made-up tokens on the upgrade. A text frame that
// is not UTF-8 must close with 1007, one over the limit with 1009, a binary frame with 1003; any
// other frame gets the app-server's answer. A second, well-behaved client must still be answered
// correctly after every batch.
import fc from "fast-check";
import { isUtf8 } from "node:buffer";
import { afterAll, beforeAll, describe, it } from "vitest";
import { WsRpcClient } from "../service/helpers.js";
import { MESSAGE_LIMIT_BYTES, linePayload, type Payload } from "./arbitraries.js";
import { FailureLog, ServerProcess, Tally, fuzzParameters, hostileProject, within, type HostileProject } from "./harness.js";
import { assertStillServing, sendAndCheck } from "./rpc-check.js";
import { lineSeeds } from "./seeds.js";

const TOKEN = "hostile-token-\u00e9-0123456789";
const ASCII_TOKEN = "hostile-token-0123456789";
const tally = new Tally();
const failures = new FailureLog();
let project: HostileProject;
let server: ServerProcess;
let url: string;
let port: number;
let good: WsRpcClient;
let seq = 0;

const authorized = () => ({ headers: { Authorization: `Bearer ${ASCII_TOKEN}` } });

async function start(): Promise<void> {
  server = ServerProcess.spawn(["app-server", "--listen", "ws://127.0.0.1:0", "--token", ASCII_TOKEN, "--symbol-index", "off", project.root]);
  url = await server.listening();
  port = Number(new URL(url).port);
  good = await within(WsRpcClient.connect(url, authorized()), "the well-behaved client's connect");
  await within(good.initialize(), "the well-behaved client's initialize");
}

async function recover(): Promise<void> {
  if (server.alive) return;
  await start();
}

const stillServing = (after: string) => assertStillServing(server, good, after);

interface Frame {
  payload: Payload;
  binary: boolean;
}

/** The close code a frame must get, or undefined when it must be answered on an open connection. */
function closeCodeFor(bytes: Buffer, binary: boolean): number | undefined {
  if (bytes.length > MESSAGE_LIMIT_BYTES) return 1009;
  if (binary) return 1003;
  if (!isUtf8(bytes)) return 1007;
  return undefined;
}

async function batch(frames: Frame[], initialize: boolean): Promise<void> {
  const names = frames.map((f) => `${f.binary ? "binary" : "text"} frame: ${f.payload.name}`).join(" | ");
  await failures.guard(async () => {
    let hostile: WsRpcClient | undefined;
    try {
      for (const { payload, binary } of frames) {
        const label = `${binary ? "binary" : "text"} frame: ${payload.name}`;
        if (!hostile) {
          hostile = await within(WsRpcClient.connect(url, authorized()), `connecting for ${label}`);
          if (initialize) await within(hostile.initialize(), `initialize before ${label}`);
        }
        const ws = hostile;
        tally.add(`${binary ? "binary" : "text"}-${initialize ? "after" : "before"}-initialize`);
        const ctx = { seq: ++seq, port, token: ASCII_TOKEN };
        const bytes = payload.render(ctx);
        const closeCode = closeCodeFor(bytes, binary);
        if (closeCode === undefined) {
          await sendAndCheck(ws, () => ws.ws.send(bytes, { binary: false }), { name: payload.name, render: () => bytes }, ctx, { framing: "frame", initialized: initialize, project });
          continue;
        }
        ws.ws.send(bytes, { binary });
        const closed = await within(ws.closed, `the close after ${label}`);
        if (closed.code !== closeCode) throw new Error(`close code ${closed.code} (${closed.reason}), expected ${closeCode}, for ${label}`);
        hostile = undefined;
      }
    } finally {
      hostile?.ws.terminate();
    }
    await stillServing(names);
  }, recover);
}

beforeAll(async () => {
  project = hostileProject();
  await start();
});

afterAll(async () => {
  tally.report("websocket");
  good?.ws.terminate();
  await server.stop();
  project.cleanup();
});

describe("app-server over WebSocket: hostile frames", () => {
  it("seed corpus as text and binary frames, before and after initialize", async () => {
    for (const initialize of [false, true]) {
      for (const seed of lineSeeds) await batch([{ payload: seed, binary: false }], initialize);
      await batch([{ payload: lineSeeds[0]!, binary: true }], initialize);
    }
    failures.assertNone("websocket seeds");
  });

  it("generated frames on authorized connections", async () => {
    const frame = (initialize: boolean) =>
      fc.record({ payload: linePayload({ allowInitialize: initialize }), binary: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }) });
    const arb = fc.boolean().chain((initialize) => fc.tuple(fc.constant(initialize), fc.array(frame(initialize), { minLength: 1, maxLength: 4 })));
    await fc.assert(fc.asyncProperty(arb, ([initialize, frames]) => batch(frames, initialize)), fuzzParameters(25));
    failures.assertNone("websocket frames");
  });

  it("made-up tokens never open a connection", async () => {
    const variants = fc.oneof(
      fc.constantFrom(
        ASCII_TOKEN.slice(0, -1),
        ASCII_TOKEN + "x",
        ASCII_TOKEN.toUpperCase(),
        ` ${ASCII_TOKEN}`,
        `${ASCII_TOKEN} `,
        `${ASCII_TOKEN}\t`,
        "",
        TOKEN,
        ASCII_TOKEN.slice(1),
        `${ASCII_TOKEN},${ASCII_TOKEN}`,
      ),
      fc.string({ unit: "grapheme-ascii", maxLength: 40 }),
    );
    const arb = fc.record({ scheme: fc.constantFrom("Bearer ", "bearer ", "Bearer  ", "Basic ", "", "Bearer"), token: variants, where: fc.constantFrom("header", "query") });
    await fc.assert(
      fc.asyncProperty(arb, async ({ scheme, token, where }) => {
        await failures.guard(async () => {
          tally.add("tokens");
          const header = `${scheme}${token}`;
          // The server's rule: `Authorization: Bearer <token>` (trimmed, case-insensitive scheme), else `?token=`.
          const right = where === "header" ? /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] === ASCII_TOKEN : token === ASCII_TOKEN;
          const label = `token ${JSON.stringify(header)} in the ${where}`;
          const target = where === "header" ? url : `${url}/?token=${encodeURIComponent(token)}`;
          const options = where === "header" ? { headers: { Authorization: header } } : {};
          let opened: WsRpcClient | undefined;
          let status: number | undefined;
          try {
            opened = await within(WsRpcClient.connect(target, options), label);
          } catch (err) {
            status = (err as { status?: number }).status;
            if (status === undefined && /Invalid character|not a valid HTTP header/i.test(String(err))) return; // the client refused to send it
            if (status === undefined) throw err;
          }
          opened?.ws.terminate();
          if (right && !opened) throw new Error(`the right token was refused (HTTP ${status}) for ${label}`);
          if (!right && opened) throw new Error(`a wrong token opened a connection, for ${label}`);
          if (!right && status !== 401) throw new Error(`HTTP ${status}, expected 401, for ${label}`);
          await stillServing(label);
        }, recover);
      }),
      fuzzParameters(30),
    );
    failures.assertNone("websocket tokens");
  });
});
