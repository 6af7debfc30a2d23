// A listener that cannot start after the service is built (port in use, a Unix socket another
// codeintel serves, a regular file at the socket path): the process says why, exits non-zero and
// leaves nothing running (no language server, no worker). Real processes of the compiled CLI.
import { createServer, type Server } from "node:net";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, spawnCodeintel, stderrLine, testCacheDir } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-listen-fail-"));
// Enough source for the background symbol index to start its workers.
mkdirSync(join(root, "src"));
for (let i = 0; i < 40; i++) writeFileSync(join(root, "src", `m${i}.ts`), `export function f${i}(x: number): number { return x + ${i}; }\nexport class C${i} { m() { return f${i}(1); } }\n`);
const sockDir = mkdtempSync(join(tmpdir(), "ci-listen-sock-"));
const held: Server[] = [];
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterAll(async () => {
  for (const s of held) s.close();
  // A failed test must not leave its servers behind.
  for (const c of children) c.kill("SIGKILL");
});

/** Runs the CLI to its exit (60 s deadline on a loaded machine); resolves with its code and stderr, after checking nothing it started is left. */
async function runToExit(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
  const { child, marker } = spawnCodeintel(args, env);
  children.push(child);
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`codeintel ${args.join(" ")} did not exit within 60 s of starting; stderr: ${stderr}`));
    }, 60_000);
    child.on("exit", (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  await eventually(() => processesWithMarker(marker).length === 0, `no process of 'codeintel ${args[0]}' left after it exited`);
  return { code, stderr };
}

async function busyPort(): Promise<number> {
  const s = createServer();
  held.push(s);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  return (s.address() as { port: number }).port;
}

describe("a listener that fails to start", () => {
  it("app-server --listen ws:// on a port in use exits non-zero naming it", async () => {
    const port = await busyPort();
    const r = await runToExit(["app-server", "--listen", `ws://127.0.0.1:${port}`, root]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(new RegExp(`cannot listen on ws://127.0.0.1:${port}: .*EADDRINUSE`));
  }, 120_000);

  it("serve --http on a port in use exits non-zero naming it", async () => {
    const port = await busyPort();
    const r = await runToExit(["serve", "--http", String(port), root]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/cannot listen on .*EADDRINUSE/);
  }, 120_000);

  it("app-server --listen unix:// on a socket another codeintel serves, and on a regular file", async () => {
    const path = join(sockDir, "served.sock");
    const first = spawnCodeintel(["app-server", "--listen", `unix://${path}`, "--symbol-index", "off", root]);
    children.push(first.child);
    const firstExit = new Promise<number | null>((resolve) => first.child.on("exit", resolve));
    await stderrLine(first.child, /listening on unix:/);
    const r = await runToExit(["app-server", "--listen", `unix://${path}`, root]);
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/another server is listening on/);
    first.child.kill("SIGTERM");
    expect(await firstExit).toBe(0);

    const file = join(sockDir, "file.sock");
    writeFileSync(file, "not a socket\n");
    const f = await runToExit(["app-server", "--listen", `unix://${file}`, root]);
    expect(f.code, f.stderr).not.toBe(0);
    expect(f.stderr).toMatch(/exists and is not a socket/);
  }, 120_000);

  it("daemon run on a socket path that is a regular file exits non-zero", async () => {
    const rt = mkdtempSync(join(tmpdir(), "ci-listen-rt-"));
    const saved = process.env.XDG_RUNTIME_DIR;
    process.env.XDG_RUNTIME_DIR = rt;
    const { daemonPaths } = await import("../../src/daemon/locate.js");
    const { socket } = daemonPaths({ roots: [root], cacheDir: testCacheDir() });
    process.env.XDG_RUNTIME_DIR = saved;
    mkdirSync(join(rt, "codeintel"), { mode: 0o700 });
    writeFileSync(socket, "not a socket\n");
    const r = await runToExit(["daemon", "run", "-r", root], { XDG_RUNTIME_DIR: rt });
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stderr).toMatch(/exists and is not a socket/);
  }, 120_000);
});
