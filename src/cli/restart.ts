// `codeintel restart [SERVER] --url ws://HOST:PORT`: restarts language servers in a running
// service. codeintel has no daemon of its own, so this is a small JSON-RPC client of a
// running app-server (`codeintel app-server --listen ws://...`) that calls its `restart`
// tool: the same path an MCP agent or an editor takes.

import WebSocket from "ws";
import { defineCommand, UsageError } from "./command.js";

const ANSWER_TIMEOUT_MS = 60_000;

interface RpcResponse {
  id?: number;
  result?: unknown;
  error?: { code: number; message: string };
}

export const restart = defineCommand(
  {
    name: "restart",
    usage: ["restart [SERVER] --url ws://HOST:PORT [--token TOKEN] [--json]"],
    description: `Restarts the language servers of a running app-server (start one with
\`codeintel app-server --listen ws://127.0.0.1:8766\`): stops them and clears their failure
records, including a server marked broken, so the next query starts them fresh. SERVER is a
server id as in error messages and \`codeintel servers\` (typescript, pyright, gopls, ...);
without it, every server restarts.`,
    positionals: "SERVER",
    options: {
      url: { type: "string", value: "URL", help: "the app-server's WebSocket address" },
      token: { type: "string", value: "TOKEN", help: "its bearer token (default: CODEINTEL_TOKEN)" },
      json: { type: "boolean", short: "j", help: "print the structured result as JSON" },
    },
  },
  async ({ values, positionals }) => {
    if (positionals.length > 1) throw new UsageError("expected at most one SERVER");
    if (!values.url) throw new UsageError("--url is required: codeintel restart talks to a running app-server");
    const token = values.token ?? (process.env.CODEINTEL_TOKEN || undefined);
    const server = positionals[0];
    try {
      const answer = (await callTool(values.url, token, "restart", server ? { server } : {})) as { structured: unknown; text: string };
      process.stdout.write((values.json ? JSON.stringify(answer.structured, null, 2) : answer.text) + "\n");
      return 0;
    } catch (e) {
      process.stderr.write(`codeintel restart: ${(e as Error).message}\n`);
      return 1;
    }
  },
);

/** initialize, initialized, then tools/call over one WebSocket; resolves with the tool's result. */
function callTool(url: string, token: string | undefined, name: string, args: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {});
    const timer = setTimeout(() => finish(new Error(`no answer from ${url} within ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS);
    const finish = (error: Error | undefined, value?: unknown) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on("error", () => undefined);
      ws.close();
      if (error) reject(error);
      else resolve(value);
    };
    const send = (message: object) => ws.send(JSON.stringify({ jsonrpc: "2.0", ...message }));
    ws.once("open", () => send({ id: 1, method: "initialize", params: { clientInfo: { name: "codeintel-restart", version: "1" } } }));
    ws.once("unexpected-response", (_req, res) =>
      finish(new Error(res.statusCode === 401 ? `${url} refused the connection: wrong or missing --token (HTTP 401)` : `${url} answered HTTP ${res.statusCode}`)),
    );
    ws.once("error", (err) => finish(new Error(`cannot reach a codeintel app-server at ${url}: ${err.message}`)));
    ws.on("message", (data) => {
      let message: RpcResponse;
      try {
        message = JSON.parse(String(data)) as RpcResponse;
      } catch {
        return;
      }
      if (message.id === 1) {
        if (message.error) return finish(new Error(`initialize failed: ${message.error.message}`));
        send({ method: "initialized" });
        send({ id: 2, method: "tools/call", params: { name, arguments: args } });
      } else if (message.id === 2) {
        if (message.error) finish(new Error(message.error.message));
        else finish(undefined, message.result);
      }
    });
  });
}
