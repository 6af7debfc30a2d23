// The daemon process: one app-server for one project spec on a Unix socket, kept warm for
// the CLI. It answers like the one-shot commands (`symbols` from the caches that exist, never
// indexing in the background), watches the files so the language servers stay fresh, writes
// its info file once it listens, and exits after idleMs with no client connected.
import { rmSync, writeFileSync } from "node:fs";
import { createCodeIntel } from "../codeintel.js";
import { MessageProcessor } from "../core/processor.js";
import { listenOrClose, serveUntilShutdown } from "../cli/serve.js";
import { startAppServerSocket } from "../transports/app-server-socket.js";
import { installCrashPolicy } from "../transports/crash-policy.js";
import { codeintelBuild, daemonPaths, normalizeSpec, readInfo, DEFAULT_IDLE_MS, type DaemonInfo, type DaemonSpec } from "./locate.js";

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);

export async function runDaemon(spec: DaemonSpec, options: { idleMs?: number } = {}): Promise<number> {
  installCrashPolicy({ log });
  const n = normalizeSpec(spec);
  const paths = daemonPaths(n);
  const idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
  const ci = await createCodeIntel({ roots: n.roots, configPath: n.configPath, cacheDir: n.cacheDir, symbolIndex: "manual", log });
  const { version, build } = codeintelBuild();
  // The build rides in initialize so a CLI of another build replaces this daemon.
  const serverInfo = { ...ci.serverInfo, version, build };
  const processor = new MessageProcessor({ dispatch: ci.dispatch, fileSearch: ci.fileSearch, serverInfo });

  let idleTimer: NodeJS.Timeout | undefined;
  let goIdle!: (reason: string) => void;
  const idle = new Promise<string>((r) => (goIdle = r));
  const onClientCount = (count: number) => {
    clearTimeout(idleTimer);
    if (count === 0) idleTimer = setTimeout(() => goIdle(`idle for ${idleMs} ms`), idleMs);
  };
  const server = await listenOrClose(ci, `unix://${paths.socket}`, () => startAppServerSocket(processor, { path: paths.socket, onClientCount }));
  onClientCount(0);
  const info: DaemonInfo = { ...n, pid: process.pid, version, build, socket: paths.socket, log: paths.log, startedAt: Date.now(), idleMs };
  writeFileSync(paths.info, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
  void idle.then((reason) => log(`codeintel: ${reason}, exiting`));
  const code = await serveUntilShutdown(ci, 10_000, {
    announce: `codeintel: daemon ${version} (pid ${process.pid}) for ${n.roots.join(", ")} on unix://${paths.socket}; exits after ${idleMs} ms idle`,
    log,
    until: idle,
    stopAccepting: () => server.stopAccepting(),
    flush: () => processor.flushAll(),
    close: () => server.closeAll("daemon shutting down"),
  });
  clearTimeout(idleTimer);
  // Only our own info: a replacement may already have written its own at this path.
  if (readInfo(paths.info)?.pid === process.pid) rmSync(paths.info, { force: true });
  return code;
}
