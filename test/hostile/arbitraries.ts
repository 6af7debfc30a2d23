// Generators of hostile input for every framing and tool schema, and the oracle that says what
// the service must answer to each. A payload is rendered at send time with a fresh sequence
// number (so every request id it carries is unique across the run) and the server's port and
// token (so a seed replays whatever port the server got).
import fc from "fast-check";
import { ErrorCodes } from "../../src/protocol/index.js";

export interface RenderContext {
  /** Unique per rendered payload. */
  seq: number;
  port: number;
  token: string;
}

export interface Payload {
  /** What the input is, for failure messages. */
  name: string;
  render(ctx: RenderContext): Buffer;
}

export function payload(name: string, render: (ctx: RenderContext) => Buffer | string): Payload {
  return {
    name,
    render: (ctx) => {
      const out = render(ctx);
      return typeof out === "string" ? Buffer.from(out, "utf8") : out;
    },
    [fc.toStringMethod]: () => name,
  } as Payload;
}

// ---------------------------------------------------------------------------------------------
// JSON-RPC messages

/** The line limit of stdio and `--listen unix://` (stdio-lines.ts), and the WebSocket frame limit. */
export const MESSAGE_LIMIT_BYTES = 8 * 1024 * 1024;

export const APP_SERVER_METHODS = [
  "tools/list",
  "tools/call",
  "find_files",
  "hover",
  "definition",
  "type_definition",
  "implementation",
  "references",
  "call_hierarchy",
  "diagnostics",
  "document_symbols",
  "workspace_symbols",
  "servers",
  "fuzzyFileSearch",
  "fuzzyFileSearch/sessionStart",
  "fuzzyFileSearch/sessionUpdate",
  "fuzzyFileSearch/sessionStop",
  "$/ping",
  "$/cancelRequest",
  "$/setTrace",
  "initialized",
];

/** Names that live on Object.prototype: a lookup in a plain object finds them. */
export const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "prototype", "__defineGetter__", "isPrototypeOf"];

const hostileStrings = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "\uFEFF",
  "\uD800",
  "\uDFFF\uD800",
  "é",
  "e\u0301",
  "🙂",
  "\r\n",
  "\n",
  "../../etc/passwd",
  "/etc/passwd",
  "..",
  ".",
  "/",
  "//",
  "~",
  "%2e%2e%2f",
  "C:\\Windows\\win.ini",
  "\\\\server\\share",
  "file:///etc/passwd",
  "src/util.rb",
  "src/Widget.java",
  "src/leak.rb",
  "escape/secret.rb",
  "escape",
  "README.md",
  "{a,b}",
  "**/*",
  "[",
  "'",
  "\"",
  "<script>",
  "$(id)",
  "`id`",
  "a".repeat(513),
  "a".repeat(1001),
  "a".repeat(4097),
);

const hostileNumbers = fc.oneof(
  fc.constantFrom(0, -0, -1, 1, 1.5, -1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, Number.MIN_VALUE),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, with the hostile strings and numbers mixed in. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileStrings,
    hostileNumbers,
    fc.string({ unit: "binary", maxLength: 30 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTOTYPE_NAMES)), tie("value"), { maxKeys: 5 }),
  ),
})).value;

type IdForm = "absent" | "null" | "int" | "string" | "unicode" | "float" | "negative" | "exp" | "true" | "object" | "array" | "infinity";
const idForms: IdForm[] = ["absent", "null", "int", "string", "unicode", "float", "negative", "exp", "true", "object", "array", "infinity"];

/** A request id in the given form; every valid form is unique through `seq`. */
function renderId(form: IdForm, seq: number): string | undefined {
  // Far from the small ids the harness's own clients count up from.
  seq += 1_000_000;
  switch (form) {
    case "absent":
      return undefined;
    case "null":
      return "null";
    case "int":
      return String(seq);
    case "string":
      return JSON.stringify(`h-${seq}`);
    case "unicode":
      return JSON.stringify(`é🙂\u0000${seq}`);
    case "float":
      return `${seq}.5`;
    case "negative":
      return `-${seq}`;
    case "exp":
      return `${seq}e0`;
    case "true":
      return "true";
    case "object":
      return `{"id":${seq}}`;
    case "array":
      return `[${seq}]`;
    case "infinity":
      return "1e400";
  }
}

/** Raw JSON text for params: absent, wrong types, hostile objects, deep nesting. */
const paramsText: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<string | undefined>(undefined) },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>("null", "1", '"x"', "[]", "[1,2]", "true", "{}") },
  { weight: 4, arbitrary: hostileJson.map((v): string | undefined => JSON.stringify(v) ?? "null") },
  {
    weight: 6,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom("query", "roots", "file", "line", "column", "symbol", "sessionId", "name", "arguments", "cancellationToken", "limit", "root", "kind", "id", "_meta", ...PROTOTYPE_NAMES),
          hostileJson,
        ),
        { maxLength: 5 },
      )
      .map((e): string | undefined => objectText(e)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 50_000 }).map((d): string | undefined => deepObject(d)) },
);

export interface RpcShape {
  jsonrpc: unknown;
  id: IdForm;
  method: unknown;
  params: string | undefined;
  /** result / error members, as a response would carry. */
  responseKeys: boolean;
}

export function rpcShape(options: { allowInitialize: boolean }): fc.Arbitrary<RpcShape> {
  const methods = options.allowInitialize ? [...APP_SERVER_METHODS, "initialize"] : APP_SERVER_METHODS;
  return fc.record({
    jsonrpc: fc.oneof({ weight: 8, arbitrary: fc.constant("2.0") }, { weight: 1, arbitrary: fc.constantFrom(undefined, "1.0", 2, null, "") }),
    id: fc.oneof({ weight: 6, arbitrary: fc.constantFrom<IdForm>("int", "string") }, { weight: 4, arbitrary: fc.constantFrom(...idForms) }),
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...methods) },
      { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES, "", " ", "TOOLS/LIST", "hover\u0000", "tools/list ", "$/", "fuzzyFileSearch/") },
      { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
      { weight: 1, arbitrary: fc.constantFrom(1, null, [], {}, true) },
    ),
    params: paramsText,
    responseKeys: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
}

export function renderShape(shape: RpcShape, seq: number): string {
  const parts: string[] = [];
  if (shape.jsonrpc !== undefined) parts.push(`"jsonrpc":${JSON.stringify(shape.jsonrpc)}`);
  const id = renderId(shape.id, seq);
  if (id !== undefined) parts.push(`"id":${id}`);
  if (shape.method !== undefined) parts.push(`"method":${JSON.stringify(shape.method)}`);
  if (shape.params !== undefined) parts.push(`"params":${shape.params}`);
  if (shape.responseKeys) parts.push(`"result":{}`);
  return `{${parts.join(",")}}`;
}

/** Text-level damage to an otherwise well-formed message. */
const textDamage = fc.constantFrom<[string, (t: string) => string]>(
  ["none", (t) => t],
  ["none", (t) => t],
  ["none", (t) => t],
  ["BOM", (t) => "\uFEFF" + t],
  ["trailing comma", (t) => t.replace(/}$/, ",}")],
  ["trailing garbage", (t) => t + " x"],
  ["two messages", (t) => t + t],
  ["truncated", (t) => t.slice(0, Math.max(1, Math.floor(t.length / 2)))],
  ["single quotes", (t) => t.replace(/"/g, "'")],
  ["NaN", (t) => t.replace(/}$/, ',"x":NaN}')],
  ["comment", (t) => "/* c */" + t],
  ["CR", (t) => t + "\r"],
  ["leading spaces", (t) => "   \t" + t],
  ["duplicate id", (t) => t.replace(/^\{/, '{"id":{},')],
);

/** A well-formed-looking JSON-RPC message, possibly damaged, as one line of text. */
export function rpcMessage(options: { allowInitialize: boolean }): fc.Arbitrary<Payload> {
  return fc.tuple(rpcShape(options), textDamage).map(([shape, [damage, apply]]) =>
    payload(`message ${JSON.stringify({ ...shape, params: shape.params?.slice(0, 200) })} damage=${damage}`, (ctx) => apply(renderShape(shape, ctx.seq))),
  );
}

/** A batch: an array of messages (never supported). */
export function rpcBatch(options: { allowInitialize: boolean }): fc.Arbitrary<Payload> {
  return fc.array(rpcShape(options), { maxLength: 4 }).map((shapes) =>
    payload(`batch of ${shapes.length}`, (ctx) => `[${shapes.map((s, i) => renderShape(s, ctx.seq * 10 + i)).join(",")}]`),
  );
}

export const randomBytes: fc.Arbitrary<Payload> = fc.uint8Array({ maxLength: 2048 }).map((bytes) => {
  const buf = Buffer.from(bytes);
  return payload(`random bytes ${buf.toString("hex").slice(0, 80)}${buf.length > 40 ? "..." : ""} (${buf.length})`, () => buf);
});

const invalidSequences = [[0xff], [0xfe], [0x80], [0xc0, 0xaf], [0xc1, 0xbf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x99], [0xf8, 0x88, 0x80, 0x80, 0x80]];

/** A request whose text carries invalid UTF-8 at a random place (inside a string or between tokens). */
export function invalidUtf8(options: { allowInitialize: boolean }): fc.Arbitrary<Payload> {
  return fc.tuple(rpcShape(options), fc.constantFrom(...invalidSequences), fc.double({ min: 0, max: 1, noNaN: true })).map(([shape, seq, at]) =>
    payload(`invalid UTF-8 ${Buffer.from(seq).toString("hex")} at ${at.toFixed(2)} in ${JSON.stringify(shape).slice(0, 200)}`, (ctx) => {
      const text = Buffer.from(renderShape(shape, ctx.seq), "utf8");
      const i = Math.floor(at * text.length);
      return Buffer.concat([text.subarray(0, i), Buffer.from(seq), text.subarray(i)]);
    }),
  );
}

/** An object's JSON text from entries: keys may repeat and may be `__proto__` (an own key once parsed). */
function objectText(entries: Array<[string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? "null"}`).join(",")}}`;
}

function deepArray(depth: number): string {
  return "[".repeat(depth) + "]".repeat(depth);
}

function deepObject(depth: number): string {
  return '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
}

/** Deep nesting: as the message, as params, inside a tool's arguments, unbalanced. */
export const deepNesting: fc.Arbitrary<Payload> = fc
  .tuple(fc.integer({ min: 100, max: 200_000 }), fc.constantFrom("array", "object", "params", "arguments", "roots", "unbalanced", "_meta"))
  .map(([depth, where]) =>
    payload(`nesting ${depth} deep in ${where}`, (ctx) => {
      const id = `"deep-${ctx.seq}"`;
      switch (where) {
        case "array":
          return deepArray(depth);
        case "object":
          return deepObject(depth);
        case "params":
          return `{"jsonrpc":"2.0","id":${id},"method":"tools/list","params":${deepObject(depth)}}`;
        case "arguments":
          return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"find_files","arguments":{"query":"x","limit":${deepObject(depth)}}}}`;
        case "roots":
          return `{"jsonrpc":"2.0","id":${id},"method":"fuzzyFileSearch","params":{"query":"x","roots":[${deepArray(depth)}]}}`;
        case "_meta":
          return `{"jsonrpc":"2.0","id":${id},"method":"find_files","params":{"query":"x","_meta":{"progressToken":${deepObject(depth)}}}}`;
        default:
          return "[".repeat(depth);
      }
    }),
  );

/** Big but under the limit (a long string argument), exactly at it, and over it. */
export const hugeLine: fc.Arbitrary<Payload> = fc
  .constantFrom(64 * 1024, 1024 * 1024, MESSAGE_LIMIT_BYTES - 1, MESSAGE_LIMIT_BYTES, MESSAGE_LIMIT_BYTES + 1, 2 * MESSAGE_LIMIT_BYTES)
  .map((size) => hugeMessage(size));

/** A `$/ping` request padded with spaces to exactly `size` bytes. */
export function hugeMessage(size: number): Payload {
  return payload(`a ${size}-byte line (limit ${MESSAGE_LIMIT_BYTES})`, (ctx) => {
    const head = `{"jsonrpc":"2.0","id":"huge-${ctx.seq}","method":"$/ping","params":{"pad":"`;
    const tail = `"}}`;
    return head + "x".repeat(Math.max(0, size - head.length - tail.length)) + tail;
  });
}

/** Every line framing's payload mix. Huge lines are rare (each costs megabytes). */
export function linePayload(options: { allowInitialize: boolean; huge?: boolean }): fc.Arbitrary<Payload> {
  return fc.oneof(
    { weight: 10, arbitrary: rpcMessage(options) },
    { weight: 2, arbitrary: rpcBatch(options) },
    { weight: 3, arbitrary: randomBytes },
    { weight: 3, arbitrary: invalidUtf8(options) },
    { weight: 1, arbitrary: deepNesting },
    { weight: options.huge === false ? 0 : 1, arbitrary: hugeLine },
  );
}

// ---------------------------------------------------------------------------------------------
// The oracle for JSON-RPC text: what the app-server's processor must answer.

export type Expected =
  /** A response (result or error) carrying this id, compared as JSON. */
  | { kind: "response"; id: string; method: string }
  /** A `codeintel/error` notification with this code (input with no usable id). */
  | { kind: "notice"; code: number }
  /** Nothing (a notification, or a response to nothing we asked). */
  | { kind: "silence" };

export function isValidId(v: unknown): v is string | number {
  return typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** What one decoded message (a line or a text frame) must be answered with. */
export function expectedFor(text: string): Expected {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { kind: "notice", code: -32700 };
  }
  if (Array.isArray(message) || typeof message !== "object" || message === null) return { kind: "notice", code: -32600 };
  const m = message as Record<string, unknown>;
  const hasId = m.id !== undefined && m.id !== null;
  if (typeof m.method !== "string") {
    if (hasId && !("result" in m) && !("error" in m)) return isValidId(m.id) ? { kind: "response", id: JSON.stringify(m.id), method: String(m.method) } : { kind: "notice", code: -32600 };
    return { kind: "silence" };
  }
  if (!hasId) return { kind: "silence" };
  if (!isValidId(m.id)) return { kind: "notice", code: -32600 };
  return { kind: "response", id: JSON.stringify(m.id), method: m.method };
}

/** Splits bytes into lines as the app-server's line framing does (line-splitter.ts), each with what it must get. */
export function expectedForLines(bytes: Buffer, limit = MESSAGE_LIMIT_BYTES): Expected[] {
  const out: Expected[] = [];
  let start = 0;
  while (start <= bytes.length) {
    let nl = bytes.indexOf(0x0a, start);
    if (nl === -1) nl = bytes.length;
    const line = bytes.subarray(start, nl);
    if (line.length > limit) out.push({ kind: "notice", code: -32600 });
    else {
      const text = line.toString("utf8").replace(/\r$/, "");
      if (text.trim().length > 0) out.push(expectedFor(text));
    }
    start = nl + 1;
  }
  return out;
}

/**
 * The JSON-RPC error codes the app-server documents (README "Errors"): the protocol's list less
 * internal (-32603, a bug when the hostile harness meets it) and MCP-over-HTTP's no-session code.
 */
export const DOCUMENTED_CODES: ReadonlySet<number> = new Set(Object.values(ErrorCodes).filter((c) => c !== ErrorCodes.internal && c !== ErrorCodes.noSession));

// ---------------------------------------------------------------------------------------------
// HTTP requests, raw: request lines, headers and bodies Node's client would refuse to send.

export interface HttpRequestSpec {
  name: string;
  method: string;
  target: (ctx: RenderContext) => string;
  version: string;
  headers: Array<(ctx: RenderContext) => string | undefined>;
  body: string;
  /** The request carries the right token (a header or ?token=). */
  authorized: boolean;
}

const TOOL_NAMES = ["find_files", "hover", "definition", "references", "workspace_symbols", "document_symbols", "diagnostics", "servers", "call_hierarchy", "restart"];

const pathSegment = fc.oneof(
  fc.constantFrom(...TOOL_NAMES, ...PROTOTYPE_NAMES),
  fc.constantFrom("%E0%A4%A", "%", "%%", "%zz", "%00", "%C0%AF", "%2F", "%2e%2e", "..", ".", "%ED%A0%80", "%F4%90%80%80", "find%5Ffiles", "hover%00", "%FF"),
  fc.string({ unit: "grapheme-ascii", maxLength: 20 }).map((s) => s.replace(/[\s?#/]/g, "")),
);

const originPath: fc.Arbitrary<(ctx: RenderContext) => string> = fc.oneof(
  fc.constantFrom("/", "/healthz", "/readyz", "/picker.js", "/picker.css", "/v1", "/v1/", "/v1/tools", "/v1/tools/", "/v1/search", "/v1/search/stream?query=readme", "/v1/search/stream", "/v1/events", "/v1/events?lastEventId=zzz", "/mcp", "//", "/v1//tools", "/v1/tools/find_files/extra").map((p) => () => p),
  pathSegment.map((seg) => () => `/v1/tools/${seg}`),
  fc.tuple(fc.constantFrom("/v1/search/stream", "/v1/tools", "/"), fc.string({ maxLength: 30 })).map(([p, q]) => () => `${p}?query=${encodeURIComponent(q)}&roots=..%2F..&token=${q}`),
  fc.constantFrom("/?token={T}", "/v1/tools?token={T}", "/v1/tools?token=wrong", "/v1/tools?token=").map((p) => (ctx: RenderContext) => p.replace("{T}", ctx.token)),
);

const target: fc.Arbitrary<{ name: string; render: (ctx: RenderContext) => string }> = fc.oneof(
  { weight: 6, arbitrary: originPath.map((r) => ({ name: "origin-form", render: r })) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom(
        "http://[/",
        "http://a:99999999/",
        "http://127.0.0.1:{P}/v1/tools",
        "http://localhost:{P}/healthz",
        "https://evil.example/",
        "http://[::1]:{P}/v1/tools/find_files",
        "http://user:pass@127.0.0.1:{P}/",
        "ftp://x/",
        "javascript:alert(1)",
        "http:",
        "http://",
        "http://%zz/",
        "http://a b/",
        "data:,x",
        "http://127.0.0.1:{P}/v1/tools/%E0%A4%A",
      )
      .map((t) => ({ name: "absolute-form", render: (ctx: RenderContext) => t.replace("{P}", String(ctx.port)) })),
  },
  { weight: 1, arbitrary: fc.constantFrom("127.0.0.1:{P}", "[::1]:{P}", "localhost", "*", "", "a:b:c").map((t) => ({ name: "authority-form", render: (ctx: RenderContext) => t.replace("{P}", String(ctx.port)) })) },
  { weight: 1, arbitrary: fc.constantFrom(1000, 20_000, 100_000).map((n) => ({ name: `long (${n})`, render: () => "/v1/tools/" + "a".repeat(n) })) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map((s) => ({ name: "random", render: () => s })) },
);

const methodArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom("GET", "POST", "OPTIONS", "DELETE", "PUT", "HEAD", "PATCH") },
  { weight: 2, arbitrary: fc.constantFrom("CONNECT", "TRACE", "get", "G ET", "", "PRI", "M-SEARCH", "POST\u0000", "X".repeat(100)) },
);

type HeaderGen = fc.Arbitrary<[string, (ctx: RenderContext) => string | undefined]>;

function headerChoices(name: string, values: Array<string | ((ctx: RenderContext) => string)>): HeaderGen {
  return fc.constantFrom(...values).map((v) => [`${name}: ${typeof v === "string" ? v : "(computed)"}`, (ctx: RenderContext) => `${name}: ${typeof v === "string" ? v : v(ctx)}`]);
}

const hostHeader = fc.oneof(
  { weight: 8, arbitrary: headerChoices("Host", [(c) => `127.0.0.1:${c.port}`, (c) => `localhost:${c.port}`]) },
  {
    weight: 3,
    arbitrary: headerChoices("Host", [
      "evil.example",
      (c) => `127.0.0.1.evil.example:${c.port}`,
      "127.0.0.1",
      "",
      "[",
      (c) => `[::1]:${c.port}`,
      "a:99999999",
      (c) => `user@127.0.0.1:${c.port}`,
      (c) => `127.0.0.1:${c.port}, evil.example`,
      "x".repeat(5000),
      "%zz",
    ]),
  },
  { weight: 1, arbitrary: fc.constant<[string, (ctx: RenderContext) => string | undefined]>(["no Host", () => undefined]) },
);

const otherHeaders: HeaderGen = fc.oneof(
  headerChoices("Origin", [(c) => `http://127.0.0.1:${c.port}`, "http://evil.example", "null", "", "%", "http://[", (c) => `http://127.0.0.1:${c.port}/path?x`]),
  headerChoices("Authorization", ["Bearer wrong", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "", "bearer  " + "x".repeat(10_000), "Bearer \u00ff"]),
  headerChoices("Content-Type", ["application/json", "application/json; charset=utf-8", "text/plain", "APPLICATION/JSON", "", "application/json;;;", "multipart/form-data; boundary=x"]),
  headerChoices("Content-Length", ["0", "1", "5", "100000000", "-1", "abc", "1, 2", " 3", "99999999999999999999", "1e3"]),
  headerChoices("Transfer-Encoding", ["chunked", "gzip", "chunked, chunked", "identity", "Chunked", "x"]),
  headerChoices("Connection", ["close", "keep-alive", "Upgrade", "upgrade, close"]),
  headerChoices("Upgrade", ["websocket", "h2c", "WebSocket", ""]),
  headerChoices("Sec-WebSocket-Key", ["dGhlIHNhbXBsZSBub25jZQ==", "", "short"]),
  headerChoices("Sec-WebSocket-Version", ["13", "8", "", "x"]),
  headerChoices("Last-Event-ID", ["completed", "0", "-1", "zzz", "9".repeat(400)]),
  headerChoices("Expect", ["100-continue", "x"]),
  fc.tuple(fc.string({ unit: "binary-ascii", maxLength: 12 }), fc.string({ unit: "binary-ascii", maxLength: 30 })).map(([k, v]): [string, (ctx: RenderContext) => string | undefined] => [`random header ${JSON.stringify(k)}`, () => `${k}: ${v}`]),
  fc.constant<[string, (ctx: RenderContext) => string | undefined]>(["header without colon", () => "NoColonHere"]),
  fc.constant<[string, (ctx: RenderContext) => string | undefined]>(["obs-fold", () => "X-A: a\r\n b"]),
  fc.constant<[string, (ctx: RenderContext) => string | undefined]>(["huge header", () => `X-Big: ${"y".repeat(20_000)}`]),
);

const bodyArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant("") },
  { weight: 4, arbitrary: hostileJson.map((v) => JSON.stringify(v) ?? "") },
  { weight: 2, arbitrary: fc.constantFrom("{", "{}", "[]", "null", '{"query":"readme"}', '{"query":1}', '{"file":"../../etc/passwd"}', '{"constructor":1,"query":"x"}', '{"__proto__":{"x":1},"query":"x"}', "\uFEFF{}", "0\r\n\r\n") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 * 1024 * 1024).map((n) => `{"query":"${"q".repeat(n)}"}`) },
);

/** A raw HTTP/1.x request for the app-server's port, headers and body as generated (no framing fixed up). */
export const httpRequest: fc.Arbitrary<HttpRequestSpec> = fc
  .record({
    method: methodArb,
    target,
    version: fc.oneof({ weight: 9, arbitrary: fc.constant("HTTP/1.1") }, { weight: 1, arbitrary: fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/9.9", "", "http/1.1", "HTTP/1.1 extra") }),
    host: hostHeader,
    auth: fc.constantFrom("header", "header", "none", "wrong", "query-only"),
    headers: fc.array(otherHeaders, { maxLength: 5 }),
    body: bodyArb,
    framing: fc.constantFrom("content-length", "content-length", "none", "chunked", "as-generated"),
  })
  .map((r) => {
    const headers: Array<(ctx: RenderContext) => string | undefined> = [r.host[1]];
    if (r.auth === "header") headers.push((c) => `Authorization: Bearer ${c.token}`);
    if (r.auth === "wrong") headers.push(() => "Authorization: Bearer not-the-token");
    for (const [, h] of r.headers) headers.push(h);
    let body = r.body;
    if (r.framing === "content-length") headers.push(() => `Content-Length: ${Buffer.byteLength(body)}`);
    if (r.framing === "chunked") {
      headers.push(() => "Transfer-Encoding: chunked");
      body = body === "" ? "0\r\n\r\n" : `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    }
    if (r.body !== "" && !r.headers.some(([n]) => n.startsWith("Content-Type"))) headers.push(() => "Content-Type: application/json");
    const authorizedTarget = r.auth === "query-only";
    const renderTarget = authorizedTarget ? (c: RenderContext) => appendQuery(r.target.render(c), `token=${c.token}`) : r.target.render;
    return {
      name: `${r.method} ${r.target.name} ${r.version} host=${r.host[0]} auth=${r.auth} headers=[${r.headers.map(([n]) => n).join("; ")}] framing=${r.framing} body=${JSON.stringify(r.body.slice(0, 100))}${r.body.length > 100 ? `...(${r.body.length})` : ""}`,
      method: r.method,
      target: renderTarget,
      version: r.version,
      headers,
      body,
      authorized: r.auth === "header" || authorizedTarget,
    };
  });

function appendQuery(target: string, query: string): string {
  return target.includes("?") ? `${target}&${query}` : `${target}?${query}`;
}

export function renderHttp(spec: HttpRequestSpec, ctx: RenderContext): Buffer {
  const lines = [`${spec.method} ${spec.target(ctx)} ${spec.version}`.trimEnd()];
  for (const h of spec.headers) {
    const line = h(ctx);
    if (line !== undefined) lines.push(line);
  }
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), Buffer.from(spec.body, "utf8")]);
}

// ---------------------------------------------------------------------------------------------
// Tool arguments from a tool's input schema, mutated.

type Schema = Record<string, unknown>;

export interface ToolCall {
  name: string;
  arguments: unknown;
  describe: string;
  /** Must be refused as invalid_input whatever the values: a key the schema does not know, or arguments that are not an object. */
  mustRefuse?: boolean;
}

/** Paths that point outside the root, one way or another (relative to a root at <base>/root). */
export function outsidePaths(base: string): string[] {
  return [
    "../../etc/passwd",
    "/etc/passwd",
    "../outside/secret.rb",
    `${base}/outside/secret.rb`,
    `${base}/outside/passwd`,
    `${base}/outside`,
    "src/../../outside/secret.rb",
    "src/leak.rb",
    "escape/secret.rb",
    "escape/passwd",
    "escape",
    `${base}/root/../outside/secret.rb`,
    `${base}/root/escape/secret.rb`,
    "./src/../../../../../../etc/passwd",
    "src/%2e%2e/%2e%2e/outside/secret.rb",
    "file:///etc/passwd",
    `file://${base}/outside/secret.rb`,
    "src\\..\\..\\outside\\secret.rb",
    "/proc/self/environ",
    "/dev/zero",
    "/dev/stdin",
    "src/util.rb\u0000.txt",
  ];
}

function validValue(schema: Schema, strings: fc.Arbitrary<string>): fc.Arbitrary<unknown> {
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case "integer": {
      const min = typeof schema.minimum === "number" ? schema.minimum : -10;
      const max = typeof schema.maximum === "number" ? schema.maximum : min + 100;
      return fc.integer({ min, max: Math.min(max, min + 100) });
    }
    case "number":
      return fc.double({ min: -10, max: 100, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "array":
      return fc.array(validValue((schema.items as Schema) ?? {}, strings), { maxLength: 3 });
    case "object":
      return fc.constant({});
    default:
      return strings;
  }
}

function mutatedValue(schema: Schema, strings: fc.Arbitrary<string>): fc.Arbitrary<[string, unknown]> {
  const max = typeof schema.maxLength === "number" ? schema.maxLength : 4096;
  return fc.oneof(
    { weight: 4, arbitrary: validValue(schema, strings).map((v) => ["valid", v] as [string, unknown]) },
    { weight: 2, arbitrary: hostileJson.map((v) => ["wrong type", v] as [string, unknown]) },
    { weight: 2, arbitrary: hostileNumbers.map((v) => ["number", v] as [string, unknown]) },
    { weight: 1, arbitrary: fc.constantFrom("NaN", "Infinity", "-1", "1e999", "0x10").map((v) => ["number-like string", v] as [string, unknown]) },
    { weight: 1, arbitrary: fc.constantFrom(max, max + 1, 100_000, 1_000_000).map((n) => [`string of ${n}`, "a".repeat(n)] as [string, unknown]) },
    { weight: 1, arbitrary: fc.constantFrom(1000, 5000).map((n) => [`array of ${n}`, Array.from({ length: n }, () => ".")] as [string, unknown]) },
  );
}

/** Arguments for one tool: each property valid, mutated or left out, plus extra keys (prototype names too). */
export function toolCall(tool: { name: string; inputSchema: Schema }, strings: fc.Arbitrary<string>): fc.Arbitrary<ToolCall> {
  const props = (tool.inputSchema.properties ?? {}) as Record<string, Schema>;
  const entries = Object.entries(props).map(([key, schema]) =>
    fc.option(mutatedValue(schema, strings), { freq: 3 }).map((v) => (v === null ? undefined : ([key, ...v] as [string, string, unknown]))),
  );
  const extra = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 10 }), fc.constantFrom("col", "fille", "querry", "_meta")), hostileJson),
    { maxLength: 2 },
  );
  const shape = fc.oneof(
    { weight: 12, arbitrary: fc.constant("object") },
    { weight: 1, arbitrary: fc.constantFrom("null", "array", "string", "number", "absent") },
  );
  return fc.tuple(fc.tuple(...entries), extra, shape).map(([chosen, extras, kind]) => {
    const args: Record<string, unknown> = {};
    const notes: string[] = [];
    for (const c of chosen) {
      if (!c) continue;
      const [key, how, value] = c;
      args[key] = value;
      notes.push(`${key}: ${how} ${preview(value)}`);
    }
    for (const [key, value] of extras) {
      // defineProperty: a plain assignment to `__proto__` would set the prototype, not a key.
      Object.defineProperty(args, key, { value, enumerable: true, configurable: true, writable: true });
      notes.push(`extra ${JSON.stringify(key)}: ${preview(value)}`);
    }
    const value = kind === "object" ? args : kind === "null" ? null : kind === "array" ? [args] : kind === "string" ? JSON.stringify(args) : kind === "number" ? 1 : undefined;
    const unknownKey = tool.inputSchema.additionalProperties === false && extras.some(([key]) => key !== "_meta" && !Object.prototype.hasOwnProperty.call(props, key));
    const mustRefuse = kind === "array" || kind === "string" || kind === "number" || (kind === "object" && unknownKey);
    return { name: tool.name, arguments: value, mustRefuse, describe: `${tool.name} ${kind === "object" ? "" : `(as ${kind}) `}{${notes.join(", ")}}` };
  });
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}...(${s.length})` : s;
}
