// codex's app-server wire format, checked against codex's own sources rather than a summary:
//   codex-rs/app-server/tests/suite/fuzzy_file_search.rs           (the fixtures and expectations below)
//   codex-rs/app-server/src/request_processors/search.rs           (session not found, stop, replace, empty query)
//   codex-rs/app-server/src/request_processors/initialize_processor.rs  ("Already initialized", the response fields)
//   codex-rs/app-server/src/message_processor.rs                   ("Not initialized")
//   codex-rs/app-server-protocol/src/protocol/common.rs, v1.rs     (FuzzyFileSearchResult, InitializeCapabilities)
//   codex-rs/app-server-protocol/schema/typescript/FuzzyFileSearchParams.ts  (cancellationToken: string | null)
//   codex-rs/app-server-protocol/src/jsonrpc_lite.rs               (JSONRPCError.id is a RequestId, never null)
// Real finder, real WebSocket; codex's fuzzy scores are nucleo's, so scores are checked for type, not value.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { WsRpcClient, type RpcMessage } from "./helpers.js";

let ci: CodeIntel;
let server: WebSocketAppServer;
let abe: string;
let alpha: string;
let beta: string;
let emoji: string;

function dir(prefix: string, files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), "x");
  }
  return root;
}

beforeAll(async () => {
  // test_fuzzy_file_search_sorts_and_includes_indices's tree.
  abe = dir("ci-codex-abe-", ["abc", "abcde", "abexy", "zzz.txt", "sub/abce"]);
  alpha = dir("ci-codex-alpha-", ["alpha.txt"]);
  beta = dir("ci-codex-beta-", ["beta.txt"]);
  emoji = dir("ci-codex-emoji-", ["😀abc.txt"]);
  ci = await createCodeIntel({ roots: [abe, alpha, beta, emoji], symbolIndex: "off", watch: false });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo, home: "/var/lib/codeintel-test" });
  server = await startAppServerWebSocket(processor, { host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  server.closeAll("done");
  await server.stopAccepting();
  await ci.close();
});

async function client(capabilities?: Record<string, unknown>): Promise<WsRpcClient> {
  const c = await WsRpcClient.connect(server.url);
  await c.request("initialize", { clientInfo: { name: "codex-test", title: null, version: "0" }, capabilities: capabilities ?? null });
  c.notify("initialized");
  return c;
}

type WireFile = { root: string; path: string; match_type: string; file_name: string; score: number; indices: number[] };
const updatedFor = (sessionId: string, query?: string) => (m: RpcMessage) =>
  m.method === "fuzzyFileSearch/sessionUpdated" && m.params?.sessionId === sessionId && (query === undefined || m.params?.query === query);
const completedFor = (sessionId: string) => (m: RpcMessage) => m.method === "fuzzyFileSearch/sessionCompleted" && m.params?.sessionId === sessionId;

describe("handshake (message_processor.rs, initialize_processor.rs, v1.rs)", () => {
  it("answers -32600 'Not initialized' before initialize and 'Already initialized' after", async () => {
    const c = await WsRpcClient.connect(server.url);
    expect((await c.start("fuzzyFileSearch", { query: "a", roots: [alpha], cancellationToken: null }).response).error).toEqual({ code: -32600, message: "Not initialized" });
    await c.request("initialize", { clientInfo: { name: "codex-test", title: null, version: "0" }, capabilities: null });
    expect((await c.start("initialize", { clientInfo: { name: "codex-test", title: null, version: "0" }, capabilities: null }).response).error).toEqual({
      code: -32600,
      message: "Already initialized",
    });
    await c.close();
  });

  it("carries codex's InitializeResponse fields beside codeintel's own", async () => {
    const c = await WsRpcClient.connect(server.url);
    const init = await c.request<Record<string, unknown>>("initialize", { clientInfo: { name: "codex-test", title: null, version: "0" }, capabilities: null });
    expect(init).toMatchObject({
      userAgent: expect.stringMatching(/^codeintel\//),
      codexHome: "/var/lib/codeintel-test",
      platformFamily: "unix",
      platformOs: "linux",
      serverInfo: { name: "codeintel" },
      capabilities: { fuzzyFileSearch: true },
    });
    expect(isAbsolute(init.codexHome as string)).toBe(true);
    await c.close();
  });

  it("honours optOutNotificationMethods: exact method names are not sent to that connection", async () => {
    const quiet = await client({ experimentalApi: false, optOutNotificationMethods: ["fuzzyFileSearch/sessionUpdated"] });
    await quiet.request("fuzzyFileSearch/sessionStart", { sessionId: "q", roots: [alpha] });
    await quiet.request("fuzzyFileSearch/sessionUpdate", { sessionId: "q", query: "alp" });
    const completed = await quiet.waitFor(completedFor("q"));
    // Notifications arrive in order: every update for "q" would precede its completion.
    expect(quiet.received.slice(0, quiet.received.indexOf(completed)).filter(updatedFor("q"))).toEqual([]);
    const bad = await (await WsRpcClient.connect(server.url)).start("initialize", { clientInfo: { name: "x", version: "0" }, capabilities: { optOutNotificationMethods: "all" } }).response;
    expect(bad.error?.code).toBe(-32600);
    await quiet.close();
  });

  it("answers input without a usable id with a notification, never an error response with a null id", async () => {
    const c = await client();
    c.sendRaw("{not json");
    c.sendRaw(JSON.stringify({ jsonrpc: "2.0", id: { nested: true }, method: "fuzzyFileSearch" }));
    await c.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32700);
    await c.waitFor((m) => m.method === "codeintel/error" && m.params?.code === -32600 && /'id'/.test(String(m.params.message)));
    expect(c.received.filter((m) => "id" in m && m.id === null)).toEqual([]);
    await c.close();
  });
});

describe("fuzzyFileSearch (fuzzy_file_search.rs)", () => {
  it("test_fuzzy_file_search_sorts_and_includes_indices: codex's fields, snake_case, the same matches and indices", async () => {
    const c = await client();
    const { files } = await c.request<{ files: WireFile[] }>("fuzzyFileSearch", { query: "abe", roots: [abe], cancellationToken: null });
    const byPath = Object.fromEntries(files.map((f) => [f.path, f]));
    expect(Object.keys(byPath).sort()).toEqual(["abcde", "abexy", "sub/abce"]);
    expect(byPath.abexy).toMatchObject({ root: abe, path: "abexy", match_type: "file", file_name: "abexy", indices: [0, 1, 2] });
    expect(byPath["sub/abce"]).toMatchObject({ root: abe, file_name: "abce", indices: [4, 5, 7] });
    expect(byPath.abcde).toMatchObject({ file_name: "abcde", indices: [0, 1, 4] });
    for (const f of files) {
      expect(Object.keys(f).sort()).toEqual(["file_name", "indices", "match_type", "path", "root", "score"]);
      expect(Number.isInteger(f.score) && f.score >= 0).toBe(true);
    }
    expect(files[0].path).toBe("abexy");
    await c.close();
  });

  it("test_fuzzy_file_search_accepts_cancellation_token: null and a string token", async () => {
    const c = await client();
    const first = c.start("fuzzyFileSearch", { query: "alp", roots: [alpha], cancellationToken: null });
    const second = await c.request<{ files: WireFile[] }>("fuzzyFileSearch", { query: "alp", roots: [alpha], cancellationToken: String(first.id) });
    expect(second.files.map((f) => [f.root, f.path])).toEqual([[alpha, "alpha.txt"]]);
    expect((await first.response).error).toBeUndefined();
    await c.close();
  });

  it("counts indices in characters, not UTF-16 code units", async () => {
    const c = await client();
    const { files } = await c.request<{ files: WireFile[] }>("fuzzyFileSearch", { query: "abc", roots: [emoji], cancellationToken: null });
    expect(files[0]).toMatchObject({ path: "😀abc.txt", file_name: "😀abc.txt", indices: [1, 2, 3] });
    await c.close();
  });

  it("an empty query finds no files (search.rs: `\"\" => vec![]`)", async () => {
    const c = await client();
    expect(await c.request("fuzzyFileSearch", { query: "", roots: [abe], cancellationToken: null })).toEqual({ files: [] });
    await c.close();
  });
});

describe("fuzzyFileSearch sessions (fuzzy_file_search.rs, search.rs)", () => {
  it("test_fuzzy_file_search_session_update_is_case_insensitive: 'ALP' finds alpha.txt, echoed as sent", async () => {
    const c = await client();
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "session-case-insensitive", roots: [alpha] });
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "session-case-insensitive", query: "ALP" });
    const update = await c.waitFor((m) => updatedFor("session-case-insensitive", "ALP")(m) && (m.params?.files as unknown[]).length > 0);
    expect((update.params?.files as WireFile[]).map((f) => [f.root, f.path])).toEqual([[alpha, "alpha.txt"]]);
    await c.close();
  });

  it("test_fuzzy_file_search_session_update_before_start_errors and _after_stop_fails: -32600 session not found", async () => {
    const c = await client();
    expect((await c.start("fuzzyFileSearch/sessionUpdate", { sessionId: "missing", query: "alp" }).response).error).toEqual({
      code: -32600,
      message: "fuzzy file search session not found: missing",
    });
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "session-stop-fail", roots: [alpha] });
    expect(await c.request("fuzzyFileSearch/sessionStop", { sessionId: "session-stop-fail" })).toEqual({});
    expect((await c.start("fuzzyFileSearch/sessionUpdate", { sessionId: "session-stop-fail", query: "alp" }).response).error).toEqual({
      code: -32600,
      message: "fuzzy file search session not found: session-stop-fail",
    });
    await c.close();
  });

  it("stopping an unknown or stopped session answers {}", async () => {
    const c = await client();
    expect(await c.request("fuzzyFileSearch/sessionStop", { sessionId: "never-started" })).toEqual({});
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "twice", roots: [alpha] });
    expect(await c.request("fuzzyFileSearch/sessionStop", { sessionId: "twice" })).toEqual({});
    expect(await c.request("fuzzyFileSearch/sessionStop", { sessionId: "twice" })).toEqual({});
    await c.close();
  });

  it("a second sessionStart with the same id replaces the session; an empty id is refused", async () => {
    const c = await client();
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "same", roots: [alpha] });
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "same", roots: [beta] });
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "same", query: "bet" });
    const update = await c.waitFor((m) => updatedFor("same", "bet")(m) && (m.params?.files as unknown[]).length > 0);
    expect((update.params?.files as WireFile[]).map((f) => [f.root, f.path])).toEqual([[beta, "beta.txt"]]);
    expect((await c.start("fuzzyFileSearch/sessionStart", { sessionId: "", roots: [alpha] }).response).error).toEqual({
      code: -32600,
      message: "sessionId must not be empty",
    });
    await c.close();
  });

  it("test_fuzzy_file_search_query_cleared_sends_blank_snapshot", async () => {
    const c = await client();
    await c.request("fuzzyFileSearch/sessionStart", { sessionId: "session-clear-query", roots: [alpha] });
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "session-clear-query", query: "alp" });
    await c.waitFor((m) => updatedFor("session-clear-query", "alp")(m) && (m.params?.files as unknown[]).length > 0);
    await c.request("fuzzyFileSearch/sessionUpdate", { sessionId: "session-clear-query", query: "" });
    const blank = await c.waitFor(updatedFor("session-clear-query", ""));
    expect(blank.params?.files).toEqual([]);
    await c.close();
  });
});
