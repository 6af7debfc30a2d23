// Hostile HTTP on the app-server's port (REST + SSE, the picker, upgrades), sent as raw bytes over
// net.Socket so nothing sanitizes them: request lines (methods, absolute- and authority-form
// targets, bad percent-encoding, very long ones), headers (Host, Origin, Authorization,
// Content-Length mismatches, Transfer-Encoding, upgrades), /v1/tools/{name} paths and bodies.
// One compiled process for the file, with --token. Every request must get an HTTP answer (or,
// for one that never ends, a close), never a 500, never a protected answer without the token;
// after every batch the process is alive and a well-behaved REST call still answers correctly.
import fc from "fast-check";
import { createConnection } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { httpRequest, renderHttp, type HttpRequestSpec, type RenderContext } from "./arbitraries.js";
import { FailureLog, ServerProcess, Tally, assertNoLeak, describeBytes, fuzzParameters, hostileProject, within, type HostileProject } from "./harness.js";
import { httpSeeds, renderSeed } from "./seeds.js";

const TOKEN = "hostile-http-token-0123456789";
const tally = new Tally();
const failures = new FailureLog();
let project: HostileProject;
let server: ServerProcess;
let port: number;
let seq = 0;

async function start(): Promise<void> {
  server = ServerProcess.spawn(["app-server", "--listen", "ws://127.0.0.1:0", "--token", TOKEN, "--symbol-index", "off", project.root]);
  port = Number(new URL(await server.listening()).port);
}

/** A new server when this one died (or stopped answering /healthz). */
async function recover(): Promise<void> {
  if (!(await server.exitedWithin(50))) {
    const healthy = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
    if (healthy) return;
    await server.stop();
  }
  await start();
}

interface RawAnswer {
  status?: number;
  head: string;
  body: string;
  /** Bytes that came back, if they do not begin with an HTTP status line. */
  garbage?: string;
}

/** Writes `bytes` on a new connection, half-closes it, and reads the first answer. */
function rawHttp(bytes: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    let data = Buffer.alloc(0);
    let quiet: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(quiet);
      socket.destroy();
      resolve(parse(data));
    };
    socket.on("connect", () => {
      socket.write(bytes);
      socket.end();
    });
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const answer = parse(data);
      if (answer.garbage !== undefined) return finish();
      if (answer.status === undefined) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(answer.head)?.[1];
      if (answer.status === 101 || /\r\ncontent-type:\s*text\/event-stream/i.test(answer.head)) return finish();
      if (length !== undefined && Buffer.byteLength(answer.body) >= Number(length)) return finish();
      clearTimeout(quiet);
      quiet = setTimeout(finish, 300);
    });
    socket.on("error", finish);
    socket.on("close", finish);
  });
}

function parse(data: Buffer): RawAnswer {
  let text = data.toString("latin1");
  for (;;) {
    if (text.length === 0) return { head: "", body: "" };
    if (!/^HTTP\/1\.[01] \d{3}/.test(text)) {
      return "HTTP/1.1 ".startsWith(text.slice(0, 9)) && text.length < 12 ? { head: "", body: "" } : { head: "", body: "", garbage: text.slice(0, 200) };
    }
    const end = text.indexOf("\r\n\r\n");
    if (end === -1) return { head: "", body: "" };
    const status = Number(text.slice(9, 12));
    if (status === 100) {
      text = text.slice(end + 4);
      continue;
    }
    return { status, head: text.slice(0, end + 2), body: text.slice(end + 4) };
  }
}

/** An answer anyone may get without the token: health, readiness, the page's script and style, a preflight. */
function isPublic(answer: RawAnswer): boolean {
  if (answer.status === 204) return true;
  if (/\r\ncontent-type:\s*(text\/css|text\/javascript|application\/javascript)/i.test(answer.head)) return true;
  return /^\{"status":"(ok|ready|not ready)"\}$/.test(answer.body);
}

async function sendOne(bytes: Buffer, label: string, authorized: boolean, status?: (s: number) => boolean, mayClose = false): Promise<void> {
  tally.add("requests");
  const answer = await within(rawHttp(bytes), label);
  // A crash shows as a close without an answer; say so (the exit is seen a little after the close).
  if (answer.status === undefined && (await server.exitedWithin(1000))) server.assertAlive(label);
  if (answer.garbage !== undefined) throw new Error(`bytes that are not an HTTP answer (${JSON.stringify(answer.garbage)}) for ${label}`);
  if (answer.status === undefined) {
    if (!mayClose) throw new Error(`the connection closed without an answer, for ${label}`);
    return;
  }
  if (answer.status === 500) throw new Error(`HTTP 500 (${answer.body.slice(0, 200)}) for ${label}`);
  if (status && !status(answer.status)) throw new Error(`HTTP ${answer.status} (${answer.body.slice(0, 200)}) for ${label}`);
  if (!authorized && !bytes.includes(TOKEN)) {
    if (answer.status === 101) throw new Error(`a WebSocket opened without the token, for ${label}`);
    if (answer.status >= 200 && answer.status < 300 && !isPublic(answer)) throw new Error(`HTTP ${answer.status} without the token (${answer.head.split("\r\n")[0]}; ${answer.body.slice(0, 120)}) for ${label}`);
  }
  assertNoLeak(project, answer.body, label);
}

async function stillServing(after: string): Promise<void> {
  server.assertAlive(after);
  const res = await within(
    fetch(`http://127.0.0.1:${port}/v1/search`, { method: "POST", headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" }, body: JSON.stringify({ query: "widget" }) }),
    `a well-behaved POST /v1/search after ${after}`,
  ).catch(async (err: unknown) => {
    if (await server.exitedWithin(1000)) server.assertAlive(after);
    throw err;
  });
  const body = (await res.json()) as { files?: Array<{ path: string }> };
  if (res.status !== 200 || body.files?.[0]?.path !== "src/Widget.java") throw new Error(`a well-behaved POST /v1/search answered ${res.status} ${JSON.stringify(body).slice(0, 300)}, after ${after}`);
}

const ctx = (): RenderContext => ({ seq: ++seq, port, token: TOKEN });

beforeAll(async () => {
  project = hostileProject();
  await start();
});

afterAll(async () => {
  tally.report("http");
  await server.stop();
  project.cleanup();
});

describe("HTTP on the app-server's port: hostile requests", () => {
  // One test per seed: a seed that kills the server fails alone, and the next one gets a new server.
  for (const seed of httpSeeds) {
    it(`seed: ${seed.name}`, async () => {
      await recover();
      const bytes = renderSeed(seed, ctx());
      const label = `seed "${seed.name}" (${describeBytes(bytes)})`;
      await sendOne(bytes, label, seed.raw.includes("{T}"), seed.status, seed.status === undefined);
      await stillServing(label);
    });
  }

  it("generated requests", async () => {
    await recover();
    await fc.assert(
      fc.asyncProperty(fc.array(httpRequest, { minLength: 1, maxLength: 4 }), async (requests: HttpRequestSpec[]) => {
        await failures.guard(async () => {
          for (const spec of requests) {
            const bytes = renderHttp(spec, ctx());
            // A request whose declared body never comes may be closed unanswered when the client stops sending.
            const mayClose = /content-length|transfer-encoding|expect/i.test(spec.name) || spec.body !== "";
            await sendOne(bytes, `${spec.name} (${describeBytes(bytes)})`, spec.authorized, undefined, mayClose);
          }
          await stillServing(requests.map((r) => r.name).join(" | "));
        }, recover);
      }),
      fuzzParameters(40),
    );
    failures.assertNone("http");
  });
});
