// Sends one hostile payload to an app-server connection and checks what comes back against the
// oracle (arbitraries.ts expectedFor): every request with a usable id gets a response (a result,
// or an error with a documented code), every message without one gets a `codeintel/error` notice,
// within the per-input deadline. A `$/ping` probe after each payload delimits its notices.
import type { RpcClient, RpcMessage } from "../service/helpers.js";
import { DOCUMENTED_CODES, expectedFor, expectedForLines, type Expected, type Payload, type RenderContext } from "./arbitraries.js";
import { assertNoLeak, within, type HostileProject, type ServerProcess } from "./harness.js";

export interface RpcCheckOptions {
  /** "lines": newline-delimited (stdio, unix socket); "frame": the payload is one message (WebSocket text frame). */
  framing: "lines" | "frame";
  /** The connection has answered initialize: results are allowed (before, only `$/ping` has one). */
  initialized: boolean;
  project: HostileProject;
}

let probes = 0;

/** Writes `bytes` (the rendered payload) with `write`, then checks the answers on `client`. */
export async function sendAndCheck(client: RpcClient, write: (bytes: Buffer) => void, p: Payload, ctx: RenderContext, options: RpcCheckOptions): Promise<void> {
  const bytes = p.render(ctx);
  const expected: Expected[] = options.framing === "lines" ? expectedForLines(bytes) : [expectedFor(bytes.toString("utf8"))];
  const start = client.received.length;
  write(options.framing === "lines" ? Buffer.concat([bytes, Buffer.from("\n")]) : bytes);
  const probeId = `probe-${++probes}`;
  const probe = await within(client.start("$/ping", undefined, probeId).response, `the $/ping probe after ${p.name}`);
  const upToProbe = client.received.slice(start, client.received.indexOf(probe));
  const notices = upToProbe.filter((m) => m.method === "codeintel/error").map((m) => (m.params as { code?: unknown } | undefined)?.code);
  const wanted = expected.flatMap((e) => (e.kind === "notice" ? [e.code] : []));
  if (JSON.stringify([...notices].sort()) !== JSON.stringify([...wanted].sort())) {
    throw new Error(`wrong codeintel/error notices: got ${JSON.stringify(notices)}, expected ${JSON.stringify(wanted)} for ${p.name}`);
  }
  const nullIds = upToProbe.filter((m) => m.id === null);
  if (nullIds.length > 0) throw new Error(`a response with a null id (codex cannot decode it): ${JSON.stringify(nullIds[0]).slice(0, 200)} for ${p.name}`);
  // Several requests of one payload may share an id (a damaged message repeats one): each gets an answer.
  const wantedIds = new Map<string, { count: number; method: string }>();
  for (const e of expected) if (e.kind === "response") wantedIds.set(e.id, { count: (wantedIds.get(e.id)?.count ?? 0) + 1, method: e.method });
  for (const [id, { count, method }] of wantedIds) {
    const answers = await within(waitForAnswers(client, start, id, count), `request id ${id} (${method}) of ${p.name}`);
    for (const answer of answers) checkAnswer(answer, method, options, p.name);
  }
  for (const m of client.received.slice(start)) assertNoLeak(options.project, JSON.stringify(m), p.name);
}

async function waitForAnswers(client: RpcClient, start: number, id: string, count: number): Promise<RpcMessage[]> {
  const isAnswer = (m: RpcMessage) => m.method === undefined && m.id !== undefined && m.id !== null && JSON.stringify(m.id) === id;
  const answers = () => client.received.slice(start).filter(isAnswer);
  await client.waitFor((m) => isAnswer(m) && answers().length >= count, 600_000);
  return answers().slice(0, count);
}

function checkAnswer(answer: RpcMessage, method: string, options: RpcCheckOptions, input: string): void {
  const hasResult = "result" in answer;
  const error = answer.error;
  if (hasResult === (error !== undefined)) throw new Error(`a response with neither or both of result and error: ${JSON.stringify(answer).slice(0, 200)} for ${input}`);
  if (error) {
    if (!Number.isInteger(error.code) || typeof error.message !== "string") throw new Error(`a malformed error object ${JSON.stringify(error).slice(0, 200)} for ${input}`);
    if (!DOCUMENTED_CODES.has(error.code)) throw new Error(`error code ${error.code} (${error.message.slice(0, 120)}) is not a documented one, for ${input}`);
    return;
  }
  if (!options.initialized && method !== "$/ping") throw new Error(`a result before initialize (method ${JSON.stringify(method)}), for ${input}`);
}

/** Waits for the answer to one well-formed request, by id, within the deadline. */
export async function answerTo(client: RpcClient, method: string, params: unknown, label: string): Promise<RpcMessage> {
  return within(client.start(method, params).response, label);
}

let goodCalls = 0;

/** After a batch: the server is alive and a well-behaved client on it still gets the right find_files answer. */
export async function assertStillServing(server: ServerProcess, good: RpcClient, after: string): Promise<void> {
  server.assertAlive(after);
  const answer = await within(good.start("find_files", { query: "widget" }, `good-${++goodCalls}`).response, `the well-behaved client's find_files after ${after}`);
  const files = (answer.result as { results?: Array<{ path: string }> } | undefined)?.results;
  if (files?.[0]?.path !== "src/Widget.java") throw new Error(`the well-behaved client's find_files answered ${JSON.stringify(answer).slice(0, 300)}, after ${after}`);
}
