// The REST + SSE API on the app-server's port, over real HTTP: statuses, the token, Host and
// Origin rules, admission, a client leaving cancels its call; the event streams with a real
// EventSource in Chromium, including a dropped connection resumed by Last-Event-ID.
import { request as httpRequest } from "node:http";
import { createServer as createTcpServer, connect, type Server as TcpServer, type Socket } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { MessageProcessor } from "../../src/core/processor.js";
import { ToolError, type Tool, type ToolErrorCode } from "../../src/core/tool.js";
import { startAppServerWebSocket, type WebSocketAppServer } from "../../src/transports/app-server-websocket.js";
import { eventually } from "./helpers.js";

const TOKEN = "rest-token";
const auth = { Authorization: `Bearer ${TOKEN}` };
let root: string;
let ci: CodeIntel;
let server: WebSocketAppServer;
let base: string;

// A real catalog entry that fails with the code it is given: how each ToolError code maps to a status.
const failWith: Tool = {
  name: "fail_with",
  title: "Fail with a code",
  description: "Test tool: throws a ToolError with the given code.",
  inputSchema: { type: "object", properties: { code: { type: "string" } }, required: ["code"], additionalProperties: false },
  outputSchema: { type: "object" },
  annotations: { readOnlyHint: true, idempotentHint: true },
  run: async (input) => {
    throw new ToolError(input.code as ToolErrorCode, `failed with ${String(input.code)}`);
  },
};

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ci-rest-"));
  writeFileSync(join(root, "README.md"), "# hi\n");
  // shellcheck SC2086: an unquoted expansion, so bash-language-server publishes a diagnostic.
  writeFileSync(join(root, "greet.sh"), "#!/bin/bash\necho $1\n");
  ci = await createCodeIntel({ roots: [root], debugTools: true, maxInFlight: 2, symbolIndex: "off", extraTools: [failWith] });
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo });
  server = await startAppServerWebSocket(processor, {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
    rest: { dispatch: ci.dispatch, fileSearch: ci.fileSearch, events: ci.events, heartbeatMs: 100, maxBodyBytes: 4096 },
  });
  base = server.url.replace("ws://", "http://");
});

afterAll(async () => {
  server.closeAll("done");
  await server.stopAccepting();
  await ci.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${path}`, { method: "POST", headers: { ...auth, "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
}

/** A raw request with headers fetch will not send as given (Host): its status and body. */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("REST", () => {
  it("asks for the token, a Host naming this server and an allowed Origin", async () => {
    // Each refusal in the one error shape, {error: {code, message}}, with its own code.
    const refused = async (res: Response) => ({ status: res.status, body: (await res.json()) as unknown });
    expect(await refused(await fetch(`${base}/v1/tools`))).toEqual({ status: 401, body: { error: { code: "unauthorized", message: "missing bearer token" } } });
    expect(await refused(await fetch(`${base}/v1/tools`, { headers: { Authorization: "Bearer wrong" } }))).toEqual({ status: 401, body: { error: { code: "unauthorized", message: "wrong token" } } });
    expect((await fetch(`${base}/v1/tools?token=${TOKEN}`)).status).toBe(200);
    const misdirected = await raw("/v1/tools", { ...auth, Host: `evil.example:${server.port}` });
    expect({ status: misdirected.status, body: JSON.parse(misdirected.body) as unknown }).toEqual({ status: 421, body: { error: { code: "misdirected", message: expect.stringContaining("evil.example") } } });
    expect(await refused(await fetch(`${base}/v1/tools`, { headers: { ...auth, Origin: "http://evil.example" } }))).toEqual({ status: 403, body: { error: { code: "forbidden", message: "origin 'http://evil.example' is not allowed" } } });
  });

  it("GET /v1/tools lists the catalog with schemas; POST /v1/tools/{name} answers {structured, text}", async () => {
    const list = await fetch(`${base}/v1/tools`, { headers: auth });
    const { tools } = (await list.json()) as { tools: Array<{ name: string; inputSchema: { type: string } }> };
    expect(tools.find((t) => t.name === "debug_sleep")?.inputSchema.type).toBe("object");
    const called = await post("/v1/tools/debug_sleep", { ms: 1, steps: 1 });
    expect(called.status).toBe(200);
    expect(await called.json()).toMatchObject({ structured: { steps: 1 }, text: expect.stringMatching(/^slept/) });
    // An empty body is the empty input.
    const empty = await fetch(`${base}/v1/tools/fail_with`, { method: "POST", headers: auth });
    expect(empty.status).toBe(400);
  });

  it("maps each error to a status with {error: {code, message}}", async () => {
    const expectError = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code, message: expect.any(String) });
    };
    await expectError(await post("/v1/tools/debug_sleep", { ms: "soon" }), 400, "invalid_input");
    // An unknown tool: the code every door answers (invalid_input, -32602 over JSON-RPC); the status says "not here".
    await expectError(await post("/v1/tools/no_such_tool", {}), 404, "invalid_input");
    const indexing = await post("/v1/tools/fail_with", { code: "indexing" });
    expect(indexing.headers.get("retry-after")).toBe("2");
    await expectError(indexing, 409, "indexing");
    await expectError(await post("/v1/tools/fail_with", { code: "not_found" }), 404, "not_found");
    await expectError(await post("/v1/tools/fail_with", { code: "timeout" }), 504, "timeout");
    await expectError(await post("/v1/tools/fail_with", { code: "unavailable" }), 503, "unavailable");
    await expectError(await post("/v1/tools/fail_with", { code: "overloaded" }), 503, "overloaded");
    await expectError(await post("/v1/tools/fail_with", { code: "internal" }), 500, "internal");
    await expectError(await post("/v1/tools/debug_sleep", { ms: 1 }, { "Content-Type": "text/plain" }), 415, "invalid_input");
    await expectError(await post("/v1/tools/debug_sleep", { ms: 1, pad: "x".repeat(5000) }), 413, "invalid_input");
    const badJson = await fetch(`${base}/v1/tools/debug_sleep`, { method: "POST", headers: { ...auth, "Content-Type": "application/json" }, body: "{ms:" });
    await expectError(badJson, 400, "invalid_input");
    const wrongMethod = await fetch(`${base}/v1/tools/debug_sleep`, { headers: auth });
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    await expectError(wrongMethod, 405, "invalid_input");
    await expectError(await fetch(`${base}/v1/nothing`, { headers: auth }), 404, "not_found");
  });

  it("is admitted like any request (503 when full), and a client that leaves cancels its call", async () => {
    const leaving = [new AbortController(), new AbortController()];
    const held = leaving.map((c) =>
      fetch(`${base}/v1/tools/debug_sleep`, {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ ms: 60_000, steps: 60 }),
        signal: c.signal,
      }).catch(() => undefined),
    );
    await eventually(() => ci.gate.active === 2, "both calls admitted");
    const refused = await post("/v1/tools/debug_sleep", { ms: 1 });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("overloaded");
    // Disconnecting ends the 60 s sleeps at once: their slots come back.
    for (const c of leaving) c.abort();
    await Promise.all(held);
    await eventually(() => ci.gate.active === 0, "the cancelled calls released their slots", 10_000);
    expect((await post("/v1/tools/debug_sleep", { ms: 1 })).status).toBe(200);
  });

  it("POST /v1/search finds files, in find_files' shape", async () => {
    const res = await post("/v1/search", { query: "readme", limit: 5 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { total: number; files: Array<Record<string, unknown>> };
    expect(body.files[0]).toMatchObject({ root, path: "README.md", fileName: "README.md", matchType: "file", indices: [0, 1, 2, 3, 4, 5] });
    expect((await post("/v1/search", { query: "x", bogus: 1 })).status).toBe(400);
  });
});

/** Reads an SSE response's events until `until` holds; returns them. */
async function readEvents(res: Response, until: (events: Array<{ id?: string; event: string; data: string }>) => boolean, comments: string[] = []) {
  const events: Array<{ id?: string; event: string; data: string }> = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) comments.push(line);
        const m = /^(\w+): ?(.*)$/.exec(line);
        if (m) fields[m[1]!] = m[2]!;
      }
      if (fields.data !== undefined) events.push({ id: fields.id, event: fields.event ?? "message", data: fields.data });
    }
  }
  await reader.cancel();
  return events;
}

describe("SSE over raw HTTP", () => {
  it("/v1/events carries the pool's server and diagnostics events, heartbeats, and resumes from an id", async () => {
    const stream = await fetch(`${base}/v1/events`, { headers: auth });
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const called = post("/v1/tools/diagnostics", { file: "greet.sh" });
    const comments: string[] = [];
    const live = await readEvents(stream, (evs) => evs.some((e) => e.event === "diagnostics" && JSON.parse(e.data).file === join(root, "greet.sh") && JSON.parse(e.data).count > 0) && comments.length > 0, comments);
    expect((await called).status).toBe(200);
    expect(comments[0]).toBe(": heartbeat");
    expect(live.every((e) => e.id?.startsWith(`${ci.events.epoch}-`))).toBe(true);
    const ready = live.find((e) => e.event === "server" && JSON.parse(e.data).state === "ready");
    expect(JSON.parse(ready!.data)).toMatchObject({ type: "server", serverId: "bash", root });

    // Resuming after the first event replays the rest, in order; an id that is not kept gets `reset`.
    const resumed = await fetch(`${base}/v1/events`, { headers: { ...auth, "Last-Event-ID": live[0]!.id! } });
    const replay = await readEvents(resumed, (evs) => evs.length >= live.length - 1);
    expect(replay.map((e) => e.id)).toEqual(live.slice(1).map((e) => e.id));
    const stale = await fetch(`${base}/v1/events`, { headers: { ...auth, "Last-Event-ID": "0badc0de-3" } });
    const [reset] = await readEvents(stale, (evs) => evs.length >= 1);
    expect(reset).toMatchObject({ event: "reset", id: ci.events.lastId });
  });
});

// A TCP proxy the test can cut, as a network drop would: the browser's EventSource then
// reconnects by itself with Last-Event-ID. Host is rewritten to the server's port (its DNS-rebinding check).
function cuttableProxy(target: number): Promise<{ port: number; cut(): void; down: boolean; close(): void }> {
  const sockets = new Set<Socket>();
  const state = { down: false };
  const proxy: TcpServer = createTcpServer((client) => {
    if (state.down) return client.destroy();
    const upstream = connect(target, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (d) => upstream.write(d.toString("latin1").replace(/^Host: .*$/im, `Host: 127.0.0.1:${target}`), "latin1"));
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  return new Promise((resolve) =>
    proxy.listen(0, "127.0.0.1", () =>
      resolve({
        port: (proxy.address() as { port: number }).port,
        cut: () => sockets.forEach((s) => s.destroy()),
        get down() {
          return state.down;
        },
        set down(v: boolean) {
          state.down = v;
        },
        close: () => proxy.close(),
      }),
    ),
  );
}

describe("SSE in Chromium (EventSource)", () => {
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ci-chromium-")), {
      executablePath: "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
    // Same origin as the API, no page script of ours: /healthz is plain JSON.
    await page.goto(`${base}/healthz`);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("/v1/search/stream: snapshots, then completed, and the stream is not run again", async () => {
    const got = await page.evaluate(
      ({ token }) =>
        new Promise<{ snapshots: Array<{ query: string; files: Array<{ path: string }> }>; completed: { query: string }; errorsAfter: number }>((resolve) => {
          const source = new EventSource(`/v1/search/stream?query=readme&token=${token}`);
          const snapshots: Array<{ query: string; files: Array<{ path: string }> }> = [];
          let completed: { query: string } | undefined;
          let errorsAfter = 0;
          source.addEventListener("snapshot", (e) => snapshots.push(JSON.parse((e as MessageEvent).data)));
          source.addEventListener("completed", (e) => (completed = JSON.parse((e as MessageEvent).data)));
          // The server ends the stream after `completed`; the reconnect with Last-Event-ID "completed" gets 204, which closes it for good.
          source.addEventListener("error", () => {
            if (!completed) return;
            errorsAfter++;
            const wait = setInterval(() => {
              if (source.readyState === EventSource.CLOSED) {
                clearInterval(wait);
                resolve({ snapshots, completed: completed!, errorsAfter });
              }
            }, 50);
          });
        }),
      { token: TOKEN },
    );
    expect(got.completed.query).toBe("readme");
    expect(got.snapshots.at(-1)?.files[0]?.path).toBe("README.md");
    expect(got.errorsAfter).toBeGreaterThanOrEqual(1);
  });

  it("closing an event stream frees it on the server", async () => {
    await page.evaluate(({ token }) => {
      const w = globalThis as unknown as { source: EventSource };
      w.source = new EventSource(`/v1/events?token=${token}`);
    }, { token: TOKEN });
    await eventually(async () => (await page.evaluate(() => (globalThis as unknown as { source: EventSource }).source.readyState)) === 1, "the stream open");
    await page.evaluate(() => (globalThis as unknown as { source: EventSource }).source.close());
    await eventually(() => ci.events.watchers === 0, "the server dropped the closed stream");
  });

  it("/v1/events: a dropped connection reconnects with Last-Event-ID and gets the events it missed", async () => {
    const proxy = await cuttableProxy(server.port);
    try {
      await page.evaluate(
        ({ port, token }) => {
          const w = globalThis as unknown as { seen: string[]; opens: number; source: EventSource };
          w.seen = [];
          w.opens = 0;
          w.source = new EventSource(`http://127.0.0.1:${port}/v1/events?token=${token}`);
          w.source.addEventListener("open", () => w.opens++);
          w.source.addEventListener("index", (e) => w.seen.push(`${(e as MessageEvent).lastEventId} ${JSON.parse((e as MessageEvent).data).root}`));
        },
        { port: proxy.port, token: TOKEN },
      );
      const seen = () => page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
      await eventually(async () => (await page.evaluate(() => (globalThis as unknown as { opens: number }).opens)) === 1, "connected");
      const publish = (name: string) => ci.events.publish({ type: "index", root: name, phase: "done", done: 1, total: 1, indexed: 1, failed: 0, symbols: 1 });
      publish("/before");
      await eventually(async () => (await seen()).length === 1, "the first event");

      // Drop the connection and keep it down while two events happen.
      proxy.down = true;
      proxy.cut();
      await eventually(() => ci.events.watchers === 0, "the server saw the drop");
      publish("/missed-1");
      publish("/missed-2");
      proxy.down = false;

      await eventually(async () => (await seen()).length === 3, "the missed events after reconnecting", 20_000);
      const ids = (await seen()).map((s) => s.split(" "));
      expect(ids.map(([, r]) => r)).toEqual(["/before", "/missed-1", "/missed-2"]);
      expect(new Set(ids.map(([id]) => id)).size).toBe(3);
      expect(await page.evaluate(() => (globalThis as unknown as { opens: number }).opens)).toBe(2);
      await page.evaluate(() => (globalThis as unknown as { source: EventSource }).source.close());
    } finally {
      proxy.close();
    }
  });
});
