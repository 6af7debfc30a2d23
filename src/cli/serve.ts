// `codeintel serve` (MCP over stdio or Streamable HTTP) and `codeintel app-server`
// (JSON-RPC over stdio or WebSocket, with the picker page). Both build one CodeIntel,
// serve until the client goes away or a signal comes, then shut down cleanly.
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import { MessageProcessor } from "../core/processor.js";
import { startRecording } from "../core/recorder.js";
import { startAppServerSocket } from "../transports/app-server-socket.js";
import { serveAppServerStdio } from "../transports/app-server-stdio.js";
import { startAppServerWebSocket } from "../transports/app-server-websocket.js";
import { DEFAULT_STREAM_BUDGETS } from "../transports/rest-api.js";
import { assertSafeBinding } from "../transports/http-security.js";
import { installCrashPolicy } from "../transports/crash-policy.js";
import { guardSignals, releaseSignals, within } from "../transports/lifecycle.js";
import { startMcpHttp } from "../transports/mcp-http.js";
import { createMcpServer } from "../transports/mcp-server.js";
import { serveMcpStdio } from "../transports/mcp-stdio.js";
import { treeIdentity } from "../workspace/tree-identity.js";
import { defineCommand, integer, UsageError, type OptionSpec, type Values } from "./command.js";

const shared = {
  root: { type: "string", short: "r", multiple: true, value: "DIR", help: "a project root (repeatable, or give ROOTs as arguments; default: the current directory)" },
  token: { type: "string", value: "TOKEN", help: "bearer token for HTTP/WebSocket (or CODEINTEL_TOKEN); required off loopback" },
  "allow-origin": { type: "string", multiple: true, value: "ORIGIN", help: "an Origin allowed for browsers and CORS (repeatable)" },
  "allow-host": { type: "string", multiple: true, value: "NAME", help: "an extra host name accepted in the Host header (repeatable)" },
  "max-in-flight": { type: "string", value: "N", help: 'requests in flight before "overloaded; retry later" (default 256)' },
  "drain-ms": { type: "string", value: "MS", help: "how long SIGTERM waits for in-flight requests (default 10000)" },
  "symbol-index": { type: "string", value: "MODE", help: "eager (default: index every root in the background), lazy (on the\nfirst symbol query), off (language servers only)" },
  config: { type: "string", value: "FILE", help: "a codeintel.json (default: the first root's, if any)" },
  trust: { type: "boolean", help: "run the project codeintel.json's plugins and server commands this once,\ntrusted or not (see codeintel trust; also CODEINTEL_TRUST=1)" },
  record: { type: "string", value: "FILE", help: "append every tool call, its arguments and its answer to FILE (JSON lines,\nwith each root's tree identity), for codeintel replay. A recording holds\nsource text (snippets, hover docs, paths): keep it as private as the code" },
} as const satisfies Record<string, OptionSpec>;

export const serve = defineCommand(
  {
    name: "serve",
    usage: ["serve [--http PORT] [options] [ROOT...]"],
    description: `MCP server. Default: stdio (what an agent config runs). --http PORT: Streamable HTTP at
http://HOST:PORT/mcp (PORT 0 picks a free port; the URL is printed on stderr).`,
    positionals: "ROOT...",
    options: {
      http: { type: "string", value: "PORT", help: "serve Streamable HTTP on this port instead of stdio" },
      host: { type: "string", value: "HOST", help: "address for --http (default 127.0.0.1)" },
      "session-idle-ms": { type: "string", value: "MS", help: "close an MCP HTTP session with no request and no open stream\nthis long (default 1800000); it then answers 404" },
      ...shared,
    },
    footer: "For the JSON-RPC app-server (pickers, editors, WebSocket), see codeintel app-server.",
    elsewhere: {
      listen: "MCP over HTTP is --http PORT [--host HOST]; --listen is for codeintel app-server",
      "stall-ms": "it is a WebSocket setting of codeintel app-server",
      "ping-ms": "it is a WebSocket setting of codeintel app-server",
      "max-event-streams": "REST + SSE is served by codeintel app-server --listen ws://HOST:PORT",
      "max-search-streams": "REST + SSE is served by codeintel app-server --listen ws://HOST:PORT",
    },
  },
  async ({ values, positionals }) => start({ ...serveArgs("serve", values, positionals), http: integer(values.http, "http", 0, 65535),
      host: values.host ?? "127.0.0.1",
      sessionIdleMs: integer(values["session-idle-ms"], "session-idle-ms", 1000),
    }),
);

export const appServer = defineCommand(
  {
    name: "app-server",
    usage: ["app-server [--listen stdio:// | ws://HOST:PORT | unix://PATH] [options] [ROOT...]"],
    description: `JSON-RPC 2.0 app-server: newline-delimited over stdio (default) or a Unix socket (in a
0700 folder), or one message per WebSocket text frame, with GET /healthz, /readyz and the file
picker page at /.`,
    positionals: "ROOT...",
    options: {
      listen: { type: "string", value: "URL", help: "stdio:// (default), ws://HOST:PORT (port 0 picks a free one) or unix://PATH" },
      "stall-ms": { type: "string", value: "MS", help: "drop a WebSocket client that reads nothing this long (default 30000)" },
      "ping-ms": { type: "string", value: "MS", help: "WebSocket heartbeat period (default 20000)" },
      "max-event-streams": { type: "string", value: "N", help: `GET /v1/events streams open at once (default ${DEFAULT_STREAM_BUDGETS.events})` },
      "max-search-streams": { type: "string", value: "N", help: `GET /v1/search/stream streams open at once (default ${DEFAULT_STREAM_BUDGETS.search})` },
      ...shared,
    },
    footer: "For MCP (agents), see codeintel serve.",
    elsewhere: {
      http: "use --listen ws://HOST:PORT (--http is for codeintel serve, the MCP server)",
      host: "the host is part of --listen ws://HOST:PORT",
      "session-idle-ms": "it is an MCP HTTP setting of codeintel serve",
    },
  },
  async ({ values, positionals }) => {
    const ping = integer(values["ping-ms"], "ping-ms", 0);
    return start({
      ...serveArgs("app-server", values, positionals),
      listen: values.listen,
      stallMs: integer(values["stall-ms"], "stall-ms", 0),
      pingMs: ping === undefined ? undefined : Math.max(10, ping),
      maxEventStreams: integer(values["max-event-streams"], "max-event-streams", 0),
      maxSearchStreams: integer(values["max-search-streams"], "max-search-streams", 0),
    });
  },
);

interface ServeArgs {
  command: "serve" | "app-server";
  roots: string[];
  http?: number;
  listen?: string;
  host: string;
  token?: string;
  allowedOrigins: string[];
  allowedHosts: string[];
  maxInFlight?: number;
  drainMs: number;
  stallMs?: number;
  pingMs?: number;
  sessionIdleMs?: number;
  maxEventStreams?: number;
  maxSearchStreams?: number;
  symbolIndex?: "eager" | "lazy" | "off";
  configPath?: string;
  /** --trust: this run only. */
  trust?: boolean;
  /** --record FILE. */
  record?: string;
}

const log = (line: string) => process.stderr.write(line + "\n");

async function start(args: ServeArgs): Promise<number> {
  // A plugin's stray throw is logged and serving goes on; our own ends the process (crash-policy.ts).
  installCrashPolicy({ log });
  let code: number;
  try {
    code = args.command === "app-server" ? await runAppServer(args) : await mcpServe(args);
  } catch (err) {
    log(`codeintel: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  }
  // Pending handles (stdin, sockets, worker threads) must not keep a finished or failed server
  // alive; a signal while exit waits for a worker thread ends it at once (lifecycle.ts).
  releaseSignals();
  process.exit(code);
}

/**
 * Starts a listener once the service is built. When it cannot (port in use, a socket another
 * server holds, a file in the way) the service is closed within a bound, so no language server
 * or worker outlives the failure, and the error names the address; the caller exits non-zero.
 */
export async function listenOrClose<T>(ci: CodeIntel, where: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (err) {
    await within(ci.close(), 10_000);
    throw new Error(`cannot listen on ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The options both servers share, checked. */
function serveArgs(command: ServeArgs["command"], values: Values<typeof shared>, positionals: string[]): ServeArgs {
  const symbolIndex = values["symbol-index"];
  if (symbolIndex !== undefined && symbolIndex !== "eager" && symbolIndex !== "lazy" && symbolIndex !== "off") {
    throw new UsageError(`--symbol-index must be eager, lazy or off, got '${symbolIndex}'`);
  }
  const maxInFlight = integer(values["max-in-flight"], "max-in-flight", 0);
  return {
    command,
    roots: [...(values.root ?? []), ...positionals],
    host: "127.0.0.1",
    token: values.token ?? (process.env.CODEINTEL_TOKEN || undefined),
    allowedOrigins: values["allow-origin"] ?? [],
    allowedHosts: values["allow-host"] ?? [],
    maxInFlight: maxInFlight === undefined ? undefined : Math.max(1, maxInFlight),
    drainMs: integer(values["drain-ms"], "drain-ms", 0) ?? 10_000,
    symbolIndex,
    configPath: values.config,
    trust: values.trust,
    record: values.record,
  };
}

async function open(args: ServeArgs): Promise<CodeIntel> {
  const ci = await createCodeIntel({
    roots: args.roots.length ? args.roots : [process.cwd()],
    maxInFlight: args.maxInFlight,
    symbolIndex: args.symbolIndex,
    configPath: args.configPath,
    trust: args.trust || undefined,
    log,
  });
  if (args.record !== undefined) await recordCalls(ci, args.record, args);
  return ci;
}

/** --record: the one recorder sits at the dispatch, so every transport's calls are in it. */
async function recordCalls(ci: CodeIntel, file: string, args: ServeArgs): Promise<void> {
  try {
    const roots = await Promise.all(ci.roots.map(async (root) => ({ root, tree: await treeIdentity(root) })));
    const header = { codeintel: ci.serverInfo.version, startedAt: new Date().toISOString(), recordedBy: args.command, roots, options: { symbolIndex: args.symbolIndex ?? "eager" } };
    ci.dispatch.observe(startRecording(file, header, log).observe);
  } catch (err) {
    await within(ci.close(), 10_000);
    throw new Error(`--record ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

async function mcpServe(args: ServeArgs): Promise<number> {
  if (args.http !== undefined) assertSafeBinding({ host: args.host, port: args.http, token: args.token });
  const ci = await open(args);
  const deps = { dispatch: ci.dispatch, serverInfo: ci.serverInfo, instructions: instructions(ci) };
  if (args.http === undefined) {
    const stdio = await serveMcpStdio(createMcpServer(deps), { onPause: (reason) => log(`codeintel: stdio: ${reason}`) });
    return serveUntilShutdown(ci, args.drainMs, { ended: stdio.ended, flush: () => stdio.flushed(), close: () => stdio.close() });
  }
  const port = args.http;
  const http = await listenOrClose(ci, `http://${args.host}:${port}/mcp`, () => startMcpHttp({
    host: args.host,
    port,
    token: args.token,
    allowedOrigins: args.allowedOrigins,
    allowedHosts: args.allowedHosts,
    createServer: () => createMcpServer(deps),
    sessionIdleMs: args.sessionIdleMs,
    isReady: () => ci.isReady(),
    onDrop: (sessionId, reason) => log(`codeintel: closed MCP session ${sessionId}: ${reason}`),
    log,
  }));
  return serveUntilShutdown(ci, args.drainMs, { announce: `codeintel: MCP over Streamable HTTP at ${http.url}`, stopAccepting: () => http.stopAccepting(), close: () => http.closeAll() });
}

async function runAppServer(args: ServeArgs): Promise<number> {
  const listen = args.listen ?? "stdio://";
  let wsTarget: { host: string; port: number } | undefined;
  const socketPath = listen.startsWith("unix://") ? listen.slice("unix://".length) : undefined;
  if (listen !== "stdio://" && listen !== "stdio" && socketPath === undefined) {
    const url = parseListen(listen);
    wsTarget = url;
    assertSafeBinding({ host: url.host, port: url.port, token: args.token });
  }
  const ci = await open(args);
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo: ci.serverInfo, home: ci.home });
  if (socketPath !== undefined) {
    const server = await listenOrClose(ci, listen, () =>
      startAppServerSocket(processor, { path: socketPath, stallMs: args.stallMs, onDrop: (label, reason) => log(`codeintel: dropped ${label}: ${reason}`) }),
    );
    return serveUntilShutdown(ci, args.drainMs, { announce: `codeintel: app-server listening on unix://${server.path}`, stopAccepting: () => server.stopAccepting(), flush: () => processor.flushAll(), close: () => server.closeAll("server shutting down") });
  }
  if (!wsTarget) {
    const stdio = serveAppServerStdio(processor, {
      input: process.stdin,
      output: process.stdout,
      onPause: (reason) => log(`codeintel: stdio: ${reason}`),
    });
    return serveUntilShutdown(ci, args.drainMs, { ended: stdio.ended, flush: () => stdio.flushAndClose() });
  }
  const server = await listenOrClose(ci, listen, () => startAppServerWebSocket(processor, {
    host: wsTarget.host,
    port: wsTarget.port,
    token: args.token,
    allowedOrigins: args.allowedOrigins,
    allowedHosts: args.allowedHosts,
    stallMs: args.stallMs,
    pingIntervalMs: args.pingMs,
    isReady: () => ci.isReady(),
    rest: { dispatch: ci.dispatch, fileSearch: ci.fileSearch, events: ci.events, maxEventStreams: args.maxEventStreams, maxSearchStreams: args.maxSearchStreams },
    onDrop: (label, reason) => log(`codeintel: dropped ${label}: ${reason}`),
    log,
  }));
  return serveUntilShutdown(ci, args.drainMs, {
    announce: `codeintel: app-server listening on ${server.url} (picker at http://${server.url.slice("ws://".length)}/)`,
    stopAccepting: () => server.stopAccepting(),
    flush: () => processor.flushAll(),
    close: () => server.closeAll("server shutting down"),
  });
}

/** How one transport shuts down; every step is optional. */
export interface Served {
  /** Logged once the signal handlers are in place: a client that acts on it may signal at once. */
  announce?: string;
  /** Where the shutdown's lines go (default stderr as is). */
  log?: (line: string) => void;
  /** Resolves when the client closed stdin: nobody is left to answer, so shut down at once. */
  ended?: Promise<unknown>;
  /** Resolves with a reason to shut down gracefully (the daemon's idle exit). */
  until?: Promise<string>;
  /** Stops taking connections; resolves once the listener is closed. */
  stopAccepting?(): Promise<void>;
  /** Writes out the answers already produced (bounded to 2 s). */
  flush?(): Promise<unknown>;
  /** Closes what is left of the transport. */
  close?(): Promise<void> | void;
}

/**
 * Serves until a signal or the end of stdin, then the one shutdown: refuse new requests (they
 * are still read and answered "shutting down"), let in-flight ones finish within drainMs (not
 * when stdin closed: the client is gone), flush, close the transport, then the engines.
 */
export function serveUntilShutdown(ci: CodeIntel, drainMs: number, served: Served): Promise<number> {
  const say = served.log ?? log;
  const guard = guardSignals({
    log: say,
    // The steps below are bounded one by one; this bounds them together, whatever hangs.
    forceAfterMs: drainMs + 20_000,
    graceful: async (reason) => {
      ci.gate.close();
      const stopped = served.stopAccepting?.();
      if (reason !== "stdin closed") await ci.gate.idle(drainMs);
      if (served.flush) await within(served.flush(), 2000);
      await served.close?.();
      if (stopped) await within(stopped, 2000);
      await within(ci.close(), 10_000);
      return 0;
    },
  });
  if (served.announce) say(served.announce);
  if (served.ended) void served.ended.then(() => guard.shutdown("stdin closed"));
  if (served.until) void served.until.then((reason) => guard.shutdown(reason));
  return guard.finished;
}

function instructions(ci: CodeIntel): string {
  return `Code intelligence over ${ci.roots.join(", ")}: ${ci.catalog.names.join(", ")}. Paths are relative to a root; lines and columns are 1-based.`;
}

function parseListen(listen: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(listen);
  } catch {
    throw new Error(`--listen: '${listen}' is not stdio://, ws://HOST:PORT or unix://PATH`);
  }
  if (url.protocol !== "ws:") throw new Error(`--listen: '${listen}' is not stdio://, ws://HOST:PORT or unix://PATH`);
  const port = url.port === "" ? 80 : Number(url.port);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port };
}
