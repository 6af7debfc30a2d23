// `codeintel serve` (MCP over stdio or Streamable HTTP) and `codeintel app-server`
// (JSON-RPC over stdio or WebSocket, with the picker page). Both build one CodeIntel,
// serve until the client goes away or a signal comes, then shut down cleanly.
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import { MessageProcessor } from "../core/processor.js";
import { serveAppServerStdio } from "../transports/app-server-stdio.js";
import { startAppServerWebSocket } from "../transports/app-server-websocket.js";
import { assertSafeBinding } from "../transports/http-security.js";
import { guardSignals, within } from "../transports/lifecycle.js";
import { startMcpHttp } from "../transports/mcp-http.js";
import { createMcpServer } from "../transports/mcp-server.js";
import { serveMcpStdio } from "../transports/mcp-stdio.js";

export const help = `Usage:
  codeintel serve [--http PORT] [options] [ROOT...]
      MCP server. Default: stdio (for agent configs). --http PORT: Streamable HTTP at
      http://HOST:PORT/mcp (PORT 0 picks a free port; the URL is printed on stderr).
  codeintel app-server [--listen stdio:// | ws://HOST:PORT] [options] [ROOT...]
      JSON-RPC 2.0 app-server: newline-delimited over stdio (default), or one message per
      WebSocket text frame, with GET /healthz, /readyz and the file picker page at /.

Options:
  --root DIR            a project root (repeatable; default: the current directory)
  --host HOST           address for --http (default 127.0.0.1)
  --token TOKEN         bearer token for HTTP/WebSocket (or CODEINTEL_TOKEN); required off loopback
  --allow-origin ORIGIN an Origin allowed for browsers and CORS (repeatable)
  --allow-host NAME     an extra host name accepted in the Host header (repeatable)
  --max-in-flight N     requests in flight before "overloaded; retry later" (default 256)
  --drain-ms MS         how long SIGTERM waits for in-flight requests (default 10000)
  --stall-ms MS         drop a WebSocket client that reads nothing this long (default 30000)
  --ping-ms MS          WebSocket heartbeat period (default 20000)
  --session-idle-ms MS  close an MCP HTTP session with no request and no open stream
                        this long (default 1800000); it then answers 404
  --symbol-index MODE   eager (default: index every root in the background), lazy (on the
                        first symbol query), off (language servers only)
  --config FILE         a codeintel.json (default: the first root's, if any)`;

interface ServeArgs {
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
  symbolIndex?: "eager" | "lazy" | "off";
  configPath?: string;
}

const log = (line: string) => process.stderr.write(line + "\n");

export async function run(argv: string[], command: string): Promise<number> {
  // A long-running server logs a stray failure in some background task instead of dying with
  // its clients' work (language servers are still killed by their owners' exit hooks on a crash).
  process.on("unhandledRejection", (reason) => log(`codeintel: unhandled failure: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`));
  let args: ServeArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    log(`codeintel ${command}: ${err instanceof Error ? err.message : String(err)}\n\n${help}`);
    return 2;
  }
  const code = command === "app-server" ? await appServer(args) : await mcpServe(args);
  // Pending handles (stdin, sockets) must not keep a finished server alive.
  process.exit(code);
}

async function open(args: ServeArgs): Promise<CodeIntel> {
  return createCodeIntel({
    roots: args.roots.length ? args.roots : [process.cwd()],
    maxInFlight: args.maxInFlight,
    symbolIndex: args.symbolIndex,
    configPath: args.configPath,
    log,
  });
}

async function mcpServe(args: ServeArgs): Promise<number> {
  if (args.http !== undefined) assertSafeBinding({ host: args.host, port: args.http, token: args.token });
  const ci = await open(args);
  const deps = { catalog: ci.catalog, gate: ci.gate, serverInfo: ci.serverInfo, instructions: instructions(ci) };
  if (args.http === undefined) {
    const stdio = await serveMcpStdio(createMcpServer(deps), { onPause: (reason) => log(`codeintel: stdio: ${reason}`) });
    const guard = guardSignals({
      log,
      graceful: async (reason) => {
        ci.gate.close();
        // On stdin EOF nobody is left to read answers: don't wait for in-flight work.
        if (reason !== "stdin closed") await ci.gate.idle(args.drainMs);
        await within(stdio.flushed(), 2000);
        await stdio.close();
        await within(ci.close(), 10_000);
        return 0;
      },
    });
    // The agent closed our stdin: nobody is left to answer, so stop at once.
    void stdio.ended.then(() => guard.shutdown("stdin closed"));
    return guard.finished;
  }
  const http = await startMcpHttp({
    host: args.host,
    port: args.http,
    token: args.token,
    allowedOrigins: args.allowedOrigins,
    allowedHosts: args.allowedHosts,
    createServer: () => createMcpServer(deps),
    sessionIdleMs: args.sessionIdleMs,
    isReady: () => ci.isReady(),
    onDrop: (sessionId, reason) => log(`codeintel: closed MCP session ${sessionId}: ${reason}`),
  });
  log(`codeintel: MCP over Streamable HTTP at ${http.url}`);
  const guard = guardSignals({
    log,
    graceful: async () => {
      ci.gate.close();
      const stopped = http.stopAccepting();
      await ci.gate.idle(args.drainMs);
      await http.closeAll();
      await within(stopped, 2000);
      await within(ci.close(), 10_000);
      return 0;
    },
  });
  return guard.finished;
}

async function appServer(args: ServeArgs): Promise<number> {
  const listen = args.listen ?? "stdio://";
  let wsTarget: { host: string; port: number } | undefined;
  if (listen !== "stdio://" && listen !== "stdio") {
    const url = parseListen(listen);
    wsTarget = url;
    assertSafeBinding({ host: url.host, port: url.port, token: args.token });
  }
  const ci = await open(args);
  const processor = new MessageProcessor({ catalog: ci.catalog, fileSearch: ci.fileSearch, gate: ci.gate, serverInfo: ci.serverInfo });
  if (!wsTarget) {
    const stdio = serveAppServerStdio(processor, {
      input: process.stdin,
      output: process.stdout,
      onPause: (reason) => log(`codeintel: stdio: ${reason}`),
    });
    const guard = guardSignals({
      log,
      graceful: async (reason) => {
        // New requests are still read, and answered "shutting down", until the drain ends.
        ci.gate.close();
        // On stdin EOF the client is gone; on a signal it may still read its answers.
        if (reason !== "stdin closed") await ci.gate.idle(args.drainMs);
        await within(stdio.flushAndClose(), 2000);
        await within(ci.close(), 10_000);
        return 0;
      },
    });
    void stdio.ended.then(() => guard.shutdown("stdin closed"));
    return guard.finished;
  }
  const server = await startAppServerWebSocket(processor, {
    host: wsTarget.host,
    port: wsTarget.port,
    token: args.token,
    allowedOrigins: args.allowedOrigins,
    allowedHosts: args.allowedHosts,
    stallMs: args.stallMs,
    pingIntervalMs: args.pingMs,
    isReady: () => ci.isReady(),
    onDrop: (label, reason) => log(`codeintel: dropped ${label}: ${reason}`),
  });
  log(`codeintel: app-server listening on ${server.url} (picker at http://${server.url.slice("ws://".length)}/)`);
  const guard = guardSignals({
    log,
    graceful: async () => {
      ci.gate.close();
      const stopped = server.stopAccepting();
      await ci.gate.idle(args.drainMs);
      await within(processor.flushAll(), 2000);
      server.closeAll("server shutting down");
      await within(stopped, 2000);
      await within(ci.close(), 10_000);
      return 0;
    },
  });
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
    throw new Error(`--listen: '${listen}' is not stdio:// or ws://HOST:PORT`);
  }
  if (url.protocol !== "ws:") throw new Error(`--listen: '${listen}' is not stdio:// or ws://HOST:PORT`);
  const port = url.port === "" ? 80 : Number(url.port);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port };
}

function parseArgs(argv: string[]): ServeArgs {
  const args: ServeArgs = {
    roots: [],
    host: "127.0.0.1",
    token: process.env.CODEINTEL_TOKEN || undefined,
    allowedOrigins: [],
    allowedHosts: [],
    drainMs: 10_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${flag} expects a non-negative integer, got '${v}'`);
      return Number(v);
    };
    switch (flag) {
      case "--root":
        args.roots.push(value());
        break;
      case "--http":
        args.http = int();
        break;
      case "--listen":
        args.listen = value();
        break;
      case "--host":
        args.host = value();
        break;
      case "--token":
        args.token = value();
        break;
      case "--allow-origin":
        args.allowedOrigins.push(value());
        break;
      case "--allow-host":
        args.allowedHosts.push(value());
        break;
      case "--max-in-flight":
        args.maxInFlight = Math.max(1, int());
        break;
      case "--drain-ms":
        args.drainMs = int();
        break;
      case "--stall-ms":
        args.stallMs = int();
        break;
      case "--ping-ms":
        args.pingMs = Math.max(10, int());
        break;
      case "--session-idle-ms":
        args.sessionIdleMs = Math.max(1000, int());
        break;
      case "--symbol-index": {
        const v = value();
        if (v !== "eager" && v !== "lazy" && v !== "off") throw new Error(`--symbol-index expects eager, lazy or off, got '${v}'`);
        args.symbolIndex = v;
        break;
      }
      case "--config":
        args.configPath = value();
        break;
      default:
        if (flag.startsWith("-")) throw new Error(`unknown option ${flag}`);
        args.roots.push(a);
    }
  }
  return args;
}
