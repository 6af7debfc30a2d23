// The seed corpus: inputs that broke codeintel before (or are at an edge the generators reach
// rarely), run first on every surface, each with what it must get. `known` names a defect
// reported for issue 18 whose fix lands from another branch; `found` one this harness found.
import { MESSAGE_LIMIT_BYTES, hugeMessage, payload, type Payload, type RenderContext } from "./arbitraries.js";

// ---------------------------------------------------------------------------------------------
// Lines and frames (app-server stdio, unix socket, WebSocket text frames)

const manyDots = (n: number) => JSON.stringify(Array.from({ length: n }, () => "."));

export const lineSeeds: Payload[] = [
  hugeMessage(MESSAGE_LIMIT_BYTES),
  // found: over the limit, the unix socket answered an error response with a null id (codex cannot
  // decode one) where stdio sends a `codeintel/error` notification.
  hugeMessage(MESSAGE_LIMIT_BYTES + 1),
  payload("a line of 1,000,000 opening brackets", () => "[".repeat(1_000_000)),
  payload("1,000,000 nested arrays", () => "[".repeat(1_000_000) + "]".repeat(1_000_000)),
  payload("params nested 200,000 objects deep", (c) => `{"jsonrpc":"2.0","id":"deep-${c.seq}","method":"find_files","params":${'{"a":'.repeat(200_000)}1${"}".repeat(200_000)}}`),
  payload("invalid UTF-8 inside the id", (c) => Buffer.concat([Buffer.from(`{"jsonrpc":"2.0","id":"u-${c.seq}`), Buffer.from([0xff, 0xc0, 0xaf]), Buffer.from('","method":"$/ping"}')])),
  payload("invalid UTF-8 between tokens", () => Buffer.concat([Buffer.from('{"jsonrpc":"2.0",'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"method":"$/ping"}')])),
  payload("NUL bytes and a lone CR", () => Buffer.from([0x00, 0x00, 0x0d])),
  payload("an id of 1e400 (not finite)", () => '{"jsonrpc":"2.0","id":1e400,"method":"$/ping"}'),
  payload("an id that is an object", () => '{"jsonrpc":"2.0","id":{"a":1},"method":"$/ping"}'),
  payload("a method named __proto__", (c) => `{"jsonrpc":"2.0","id":"p-${c.seq}","method":"__proto__","params":{}}`),
  payload("a method named constructor", (c) => `{"jsonrpc":"2.0","id":"c-${c.seq}","method":"constructor"}`),
  payload("params that are an array", (c) => `{"jsonrpc":"2.0","id":"a-${c.seq}","method":"find_files","params":[1,2]}`),
  payload("a batch", (c) => `[{"jsonrpc":"2.0","id":"b-${c.seq}","method":"$/ping"}]`),
  payload("an empty batch", () => "[]"),
  payload("a response to nothing asked", () => '{"jsonrpc":"2.0","id":"r","result":{}}'),
  payload("$/cancelRequest for an id never sent", () => '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":"never"}}'),
  // known: `roots` arrays had no length limit; 200,000 × "." froze the server.
  payload("known: fuzzyFileSearch with 200,000 roots of '.'", (c) => `{"jsonrpc":"2.0","id":"roots-${c.seq}","method":"fuzzyFileSearch","params":{"query":"x","roots":${manyDots(200_000)}}}`),
];

// ---------------------------------------------------------------------------------------------
// HTTP, raw bytes ({P} the port, {T} the token)

export interface HttpSeed {
  name: string;
  raw: string;
  /** The statuses that are right (undefined: any answer, or a close for a request that never ends). */
  status?: (status: number) => boolean;
}

const clientError = (s: number) => s >= 400 && s < 500;
const upgrade = "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
const host = "Host: 127.0.0.1:{P}\r\n";
const auth = "Authorization: Bearer {T}\r\n";
const json = (body: string) => `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

export const httpSeeds: HttpSeed[] = [
  // known: a request target that does not parse as a URL crashed the process before any token check.
  { name: "known: GET http://[/", raw: `GET http://[/ HTTP/1.1\r\n${host}\r\n`, status: clientError },
  { name: "known: GET http://a:99999999/", raw: `GET http://a:99999999/ HTTP/1.1\r\n${host}\r\n`, status: clientError },
  { name: "known: GET http://[/ with WebSocket upgrade headers", raw: `GET http://[/ HTTP/1.1\r\n${host}${upgrade}\r\n`, status: clientError },
  { name: "known: GET http://a:99999999/ with WebSocket upgrade headers", raw: `GET http://a:99999999/ HTTP/1.1\r\n${host}${upgrade}\r\n`, status: clientError },
  { name: "known: GET http://[/ with upgrade headers and the token", raw: `GET http://[/ HTTP/1.1\r\n${host}${auth}${upgrade}\r\n`, status: clientError },
  // known: a tool name that does not percent-decode (decodeURIComponent threw).
  { name: "known: POST /v1/tools/%E0%A4%A", raw: `POST /v1/tools/%E0%A4%A HTTP/1.1\r\n${host}${auth}${json("{}")}`, status: (s) => s === 400 || s === 404 },
  { name: "known: POST /v1/tools/%E0%A4%A without the token", raw: `POST /v1/tools/%E0%A4%A HTTP/1.1\r\n${host}${json("{}")}`, status: clientError },
  // known: Object.prototype names passed the unknown-parameter check.
  { name: "known: find_files with a constructor argument", raw: `POST /v1/tools/find_files HTTP/1.1\r\n${host}${auth}${json('{"query":"x","constructor":1}')}`, status: (s) => s === 400 },
  { name: "known: find_files with a __proto__ argument", raw: `POST /v1/tools/find_files HTTP/1.1\r\n${host}${auth}${json('{"query":"x","__proto__":{"limit":1}}')}`, status: (s) => s === 400 },
  { name: "a tool named constructor", raw: `POST /v1/tools/constructor HTTP/1.1\r\n${host}${auth}${json("{}")}`, status: (s) => s === 404 },
  { name: "a tool named __proto__", raw: `POST /v1/tools/__proto__ HTTP/1.1\r\n${host}${auth}${json("{}")}`, status: (s) => s === 404 },
  { name: "no token", raw: `GET /v1/tools HTTP/1.1\r\n${host}\r\n`, status: (s) => s === 401 },
  { name: "a wrong token", raw: `GET /v1/tools HTTP/1.1\r\n${host}Authorization: Bearer x{T}\r\n\r\n`, status: (s) => s === 401 },
  { name: "the token as ?token=", raw: `GET /v1/tools?token={T} HTTP/1.1\r\n${host}\r\n`, status: (s) => s === 200 },
  { name: "a foreign Host", raw: `GET /v1/tools HTTP/1.1\r\nHost: 127.0.0.1.evil.example:{P}\r\n${auth}\r\n`, status: (s) => s === 421 },
  { name: "a foreign Origin", raw: `GET /v1/tools HTTP/1.1\r\n${host}${auth}Origin: http://evil.example\r\n\r\n`, status: (s) => s === 403 },
  { name: "no Host", raw: `GET /v1/tools HTTP/1.1\r\n${auth}\r\n`, status: clientError },
  { name: "an upgrade without the token", raw: `GET / HTTP/1.1\r\n${host}${upgrade}\r\n`, status: (s) => s === 401 },
  { name: "Content-Length and Transfer-Encoding both", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`, status: clientError },
  { name: "Content-Length over the body (the client then stops sending)", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{}` },
  { name: "two different Content-Lengths", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`, status: clientError },
  { name: "a bad chunk size", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`, status: clientError },
  { name: "a body over 1 MiB", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}${json(`{"query":"${"q".repeat(2 * 1024 * 1024)}"}`)}`, status: (s) => s === 413 },
  { name: "a header over 16 KB", raw: `GET /v1/tools HTTP/1.1\r\n${host}${auth}X-Big: ${"y".repeat(20_000)}\r\n\r\n`, status: (s) => s === 431 },
  { name: "a 100 KB target", raw: `GET /v1/tools/${"a".repeat(100_000)} HTTP/1.1\r\n${host}${auth}\r\n`, status: clientError },
  { name: "a body that is not JSON", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}${json("{")}`, status: (s) => s === 400 },
  { name: "a body of the wrong type", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}${json("[1]")}`, status: (s) => s === 400 },
  { name: "a body that is text/plain", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}`, status: (s) => s === 415 },
  { name: "search for a path outside the root", raw: `POST /v1/search HTTP/1.1\r\n${host}${auth}${json('{"query":"secret","roots":["../outside"]}')}`, status: (s) => s === 400 || s === 404 },
  { name: "an event stream resumed from a made-up id", raw: `GET /v1/events HTTP/1.1\r\n${host}${auth}Last-Event-ID: 99999999999999999999\r\n\r\n`, status: (s) => s === 200 },
];

export function renderSeed(seed: HttpSeed, ctx: RenderContext): Buffer {
  return Buffer.from(seed.raw.replaceAll("{P}", String(ctx.port)).replaceAll("{T}", ctx.token), "latin1");
}

// ---------------------------------------------------------------------------------------------
// Tool calls (app-server methods and MCP tools/call); paths are relative to the hostile project's root

export interface ToolSeed {
  name: string;
  tool: string;
  arguments: (project: { base: string; markerQuery: string }) => unknown;
  /** The answer must be an error of this kind (app-server: -32602 for invalid_input). */
  error?: "invalid_input";
}

function withKey(args: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  Object.defineProperty(args, key, { value, enumerable: true, configurable: true, writable: true });
  return args;
}

export const toolSeeds: ToolSeed[] = [
  // known: `roots` without a length limit (200,000 × "." froze the server).
  { name: "known: find_files with 200,000 roots of '.'", tool: "find_files", arguments: () => ({ query: "x", roots: Array.from({ length: 200_000 }, () => ".") }) },
  // known: a huge nested-brace glob in workspace_symbols' path.
  { name: "known: workspace_symbols with a nested-brace glob", tool: "workspace_symbols", arguments: () => ({ query: "a", path: "{a,".repeat(1000) + "}".repeat(1000) }) },
  { name: "known: workspace_symbols with a brace-range glob", tool: "workspace_symbols", arguments: () => ({ query: "a", path: "{1..1000}{1..1000}{1..1000}" }) },
  // known: Object.prototype names passed the unknown-parameter check.
  { name: "known: hover with a constructor argument", tool: "hover", arguments: () => ({ file: "src/util.rb", line: 1, constructor: 1 }), error: "invalid_input" },
  { name: "known: hover with a __proto__ argument", tool: "hover", arguments: () => withKey({ file: "src/util.rb", line: 1 }, "__proto__", { symbol: "x" }), error: "invalid_input" },
  { name: "known: find_files with a toString argument", tool: "find_files", arguments: () => ({ query: "x", toString: "y" }), error: "invalid_input" },
  { name: "known: workspace_symbols with a hasOwnProperty argument", tool: "workspace_symbols", arguments: () => ({ query: "x", hasOwnProperty: 1 }), error: "invalid_input" },
  // Confinement: every way out of the root is refused, and no answer shows what is outside.
  { name: "hover through a symlink leading out", tool: "hover", arguments: () => ({ file: "src/leak.rb", line: 1 }), error: "invalid_input" },
  { name: "document_symbols through a symlinked folder", tool: "document_symbols", arguments: () => ({ file: "escape/secret.rb" }), error: "invalid_input" },
  { name: "definition of ../outside", tool: "definition", arguments: () => ({ file: "../outside/secret.rb", line: 1 }), error: "invalid_input" },
  { name: "references by absolute path outside", tool: "references", arguments: (p) => ({ file: `${p.base}/outside/secret.rb`, line: 1 }), error: "invalid_input" },
  { name: "diagnostics of /etc/passwd", tool: "diagnostics", arguments: () => ({ file: "/etc/passwd" }), error: "invalid_input" },
  { name: "diagnostics of /dev/zero", tool: "diagnostics", arguments: () => ({ file: "/dev/zero" }), error: "invalid_input" },
  { name: "workspace_symbols for the secret's name", tool: "workspace_symbols", arguments: (p) => ({ query: p.markerQuery }) },
  { name: "workspace_symbols rooted outside", tool: "workspace_symbols", arguments: (p) => ({ query: "a", root: `${p.base}/outside` }), error: "invalid_input" },
  { name: "find_files in a root outside", tool: "find_files", arguments: () => ({ query: "secret", roots: ["../outside"] }), error: "invalid_input" },
  { name: "find_files in the symlinked folder", tool: "find_files", arguments: () => ({ query: "secret", roots: ["escape"] }), error: "invalid_input" },
  { name: "servers rooted at /", tool: "servers", arguments: () => ({ root: "/" }), error: "invalid_input" },
  { name: "a line past the end", tool: "hover", arguments: () => ({ file: "src/util.rb", line: 2 ** 31 - 1, column: 2 ** 31 - 1 }) },
  { name: "a limit and offset at the edge", tool: "references", arguments: () => ({ file: "src/Widget.java", symbol: "alpha", limit: 1000, offset: Number.MAX_SAFE_INTEGER }) },
];
