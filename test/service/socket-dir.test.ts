// `--listen unix://DIR/x.sock` and the folder it names, as a real process: folders codeintel
// creates are 0700; an existing folder is never chmod-ed (it may be /tmp or shared); one other
// users can write to is refused with a clear message, since they could replace the socket.
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, spawnCodeintel, stderrLine } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-sockdir-root-"));
writeFileSync(join(root, "README.md"), "# hi\n");
const base = mkdtempSync(join(tmpdir(), "ci-sockdir-"));
const markers: string[] = [];
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterAll(async () => {
  // A failed test must not leave its servers behind.
  for (const c of children) c.kill("SIGKILL");
  await eventually(() => markers.every((m) => processesWithMarker(m).length === 0), "every server of this file exited");
});

function appServer(socket: string) {
  const spawned = spawnCodeintel(["app-server", "--listen", `unix://${socket}`, "--symbol-index", "off", root]);
  markers.push(spawned.marker);
  children.push(spawned.child);
  let stderr = "";
  spawned.child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => spawned.child.on("exit", (code) => resolve(code)));
  return { ...spawned, exited, stderr: () => stderr };
}

const mode = (p: string) => statSync(p).mode & 0o7777;

describe("the socket's folder", () => {
  it("creates missing folders 0700 and leaves an existing 0755 folder as it is; the socket itself is 0600", async () => {
    const created = join(base, "new", "deeper");
    const a = appServer(join(created, "a.sock"));
    await stderrLine(a.child, /listening on unix:/);
    expect(mode(created)).toBe(0o700);
    expect(mode(join(base, "new"))).toBe(0o700);
    expect(mode(join(created, "a.sock"))).toBe(0o600);
    a.child.kill("SIGTERM");
    expect(await a.exited, a.stderr()).toBe(0);

    const shared = join(base, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o755);
    const b = appServer(join(shared, "b.sock"));
    await stderrLine(b.child, /listening on unix:/);
    expect(mode(shared)).toBe(0o755);
    expect(mode(join(shared, "b.sock"))).toBe(0o600);
    b.child.kill("SIGTERM");
    expect(await b.exited, b.stderr()).toBe(0);
  }, 120_000);

  for (const folderMode of [0o777, 0o1777, 0o775]) {
    it(`refuses an existing folder others can write to (mode ${folderMode.toString(8)}) and does not change it`, async () => {
      const open = join(base, `open-${folderMode.toString(8)}`);
      mkdirSync(open);
      chmodSync(open, folderMode);
      const c = appServer(join(open, "c.sock"));
      const code = await Promise.race([c.exited, stderrLine(c.child, /listening on unix:/).then(() => "served")]);
      expect(code, c.stderr()).not.toBe("served");
      expect(code, c.stderr()).not.toBe(0);
      expect(c.stderr()).toMatch(/other users can write to it/);
      expect(mode(open)).toBe(folderMode);
    }, 120_000);
  }
});
