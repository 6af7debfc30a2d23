// codeintel/client: one TypeScript client for the app-server protocol, over a Unix socket, a
// WebSocket, or a server it spawns. See client.ts for how it survives the server.
//
//   const ci = await connect({ socket: "/run/user/1000/codeintel/ab12.sock" });
//   const hover = await ci.hover({ file: "src/a.ts", line: 3 });
//   await ci.close();
import { CodeIntelClient, type ClientOptions } from "./client.js";
import { socketLink, spawnLink, webSocketLink, type SpawnTarget } from "./links.js";

export type ConnectTarget =
  | { spawn: SpawnTarget }
  | { url: string; /** Bearer token of a server started with --token. */ token?: string }
  | { socket: string };

/** Connects (spawning the server for `spawn`) and initializes; rejects when the first connection fails. */
export function connect(options: ConnectTarget & ClientOptions): Promise<CodeIntelClient> {
  const link = "spawn" in options ? spawnLink(options.spawn) : "url" in options ? webSocketLink(options.url, options.token) : socketLink(options.socket);
  return new CodeIntelClient(link, options).open();
}

export { CodeIntelClient, type ClientOptions, type ClientState, type ReconnectOptions, type RequestOptions, type ServerInfo } from "./client.js";
export { ClientError, type ClientErrorCode } from "./errors.js";
export { ClientSearchSession } from "./search-session.js";
export type { SpawnTarget } from "./links.js";
export * from "../protocol/index.js";
