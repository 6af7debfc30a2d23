// `codeintel daemon status|stop|restart|run`: the per-project background app-servers the
// navigation commands attach to (src/daemon). status/stop act on every daemon of this user,
// or on those serving -r DIR; restart starts again with the same roots and options.
import { resolve } from "node:path";
import { ensureDaemon, stopDaemon } from "../daemon/ensure.js";
import { daemonPaths, listDaemons, normalizeSpec, pidAlive, runtimeDir, type DaemonInfo } from "../daemon/locate.js";
import { releaseSignals } from "../transports/lifecycle.js";
import { defineCommand, integer, UsageError } from "./command.js";

export const daemon = defineCommand(
  {
    name: "daemon",
    usage: ["daemon status|stop|restart [-r DIR]... [--json]", "daemon run [-r DIR]... [--config FILE] [--cache-dir DIR] [--idle-ms MS]"],
    description: `find, hover, definition, references, diagnostics and symbols attach to one background app-server
per project (started on first use, on a Unix socket in ${runtimeDir()}, 0700), so every
call after the first is warm. It exits after 10 minutes with no client (CODEINTEL_DAEMON_IDLE_MS).
status: the daemons running. stop: stop them. restart: stop and start again. run: be one, in the
foreground (what the commands start). Without -r, status and stop cover every daemon of yours.`,
    positionals: "status|stop|restart|run",
    options: {
      root: { type: "string", short: "r", multiple: true, value: "DIR", help: "the daemon serving this root (repeatable)" },
      json: { type: "boolean", short: "j", help: "print as JSON" },
      config: { type: "string", value: "FILE", help: "run: the codeintel.json to use" },
      "cache-dir": { type: "string", value: "DIR", help: "run: where symbol cache databases live" },
      "idle-ms": { type: "string", value: "MS", help: "run: exit after this long with no client (default 600000)" },
    },
    footer: "Examples:\n  codeintel daemon status\n  codeintel daemon restart -r .\n  codeintel hover src/app.ts:12 --no-daemon   # in-process, as before",
  },
  async ({ values, positionals }) => {
    const [action, ...extra] = positionals;
    if (extra.length > 0 || !action) throw new UsageError("expected one of status, stop, restart, run");
    const roots = (values.root ?? []).map((r) => resolve(r));
    if (action === "run") {
      const { runDaemon } = await import("../daemon/run.js");
      let code: number;
      try {
        code = await runDaemon(
          { roots: roots.length ? roots : [process.cwd()], configPath: values.config, cacheDir: values["cache-dir"] },
          { idleMs: integer(values["idle-ms"], "idle-ms", 0) },
        );
      } catch (err) {
        // Said on stderr (the daemon's log, which a starting CLI quotes), then out: nothing may keep a failed daemon alive.
        process.stderr.write(`codeintel: ${err instanceof Error ? err.message : String(err)}\n`);
        code = 1;
      }
      releaseSignals();
      process.exit(code);
    }
    if (action !== "status" && action !== "stop" && action !== "restart") throw new UsageError(`unknown action '${action}': expected status, stop, restart or run`);
    const wanted = normalizeSpec({ roots }).roots;
    const matching = listDaemons().filter((d) => wanted.length === 0 || wanted.some((r) => d.roots.includes(r)));
    const print = (json: unknown, text: string) => process.stdout.write((values.json ? JSON.stringify(json, null, 2) : text) + "\n");
    if (action === "status") {
      const live = matching.filter((d) => pidAlive(d.pid));
      print(live.map(describe), live.length ? live.map(statusLine).join("\n") : "no codeintel daemon running");
      return 0;
    }
    if (action === "stop") {
      const stopped: DaemonInfo[] = [];
      for (const d of matching) if ((await stopDaemon(daemonPaths(d))) !== undefined) stopped.push(d);
      print(stopped.map(describe), stopped.length ? stopped.map((d) => `stopped pid ${d.pid} (${d.roots.join(", ")})`).join("\n") : "no codeintel daemon running");
      return 0;
    }
    // restart: each matching daemon with its own options; with -r and none running, a new one for those roots.
    const specs = matching.length ? matching.map((d) => ({ roots: d.roots, configPath: d.configPath, cacheDir: d.cacheDir })) : roots.length ? [{ roots }] : [];
    const started: Array<{ pid?: number; roots: string[] }> = [];
    for (const spec of specs) {
      const paths = daemonPaths(spec);
      await stopDaemon(paths);
      const client = await ensureDaemon(spec);
      await client.close();
      started.push({ pid: (listDaemons().find((d) => d.socket === paths.socket) ?? {}).pid, roots: normalizeSpec(spec).roots });
    }
    print(started, started.length ? started.map((s) => `started pid ${s.pid ?? "?"} (${s.roots.join(", ")})`).join("\n") : "no codeintel daemon running (give -r DIR to start one)");
    return 0;
  },
);

function describe(d: DaemonInfo): Record<string, unknown> {
  return { pid: d.pid, version: d.version, roots: d.roots, socket: d.socket, log: d.log, startedAt: new Date(d.startedAt).toISOString(), idleMs: d.idleMs, ...(d.configPath ? { config: d.configPath } : {}), ...(d.cacheDir ? { cacheDir: d.cacheDir } : {}) };
}

function statusLine(d: DaemonInfo): string {
  const up = Math.round((Date.now() - d.startedAt) / 1000);
  return `running  pid ${d.pid}  codeintel ${d.version}  up ${up}s  idle exit after ${Math.round(d.idleMs / 1000)}s  ${d.roots.join(", ")}\n         socket ${d.socket}  log ${d.log}`;
}
