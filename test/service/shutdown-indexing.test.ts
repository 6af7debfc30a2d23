// SIGTERM while the background symbol index runs (worker threads parsing, grammars loading):
// the app-server drains and exits 0, and a second signal ends it at once, with no language
// server left either way. A real process of the compiled CLI on a generated tree of a few
// hundred TypeScript and C files; "indexing" is the server's own /v1/events `index` event.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, spawnCodeintel, stderrLine } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-shutdown-index-"));
mkdirSync(join(root, "src"));
mkdirSync(join(root, "c"));
for (let i = 0; i < 300; i++) {
  writeFileSync(join(root, "src", `m${i}.ts`), `export interface I${i} { a: number; b(): string }\nexport class C${i} implements I${i} { a = ${i}; b() { return "x"; } }\nexport function f${i}(c: C${i}): number { return c.a + ${i}; }\n`);
  writeFileSync(join(root, "c", `m${i}.c`), `struct s${i} { int a; int b; };\nstatic int g${i}(struct s${i} *p) { return p->a + p->b; }\nint h${i}(void) { struct s${i} v = {1, 2}; return g${i}(&v); }\n`);
}
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterAll(() => {
  for (const c of children) c.kill("SIGKILL");
});

/** An app-server indexing `root` from an empty cache; resolves once it reports an `index` event. */
async function indexingServer() {
  const spawned = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", root], { CODEINTEL_CACHE_DIR: mkdtempSync(join(tmpdir(), "ci-shutdown-cache-")) });
  children.push(spawned.child);
  let stderr = "";
  spawned.child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | string | null>((resolve) => spawned.child.on("exit", (code, signal) => resolve(code ?? signal)));
  const url = (await stderrLine(spawned.child, /listening on (ws:\/\/\S+)/))[1]!.replace("ws://", "http://");
  const events = new AbortController();
  const res = await fetch(`${url}/v1/events`, { signal: events.signal });
  const reader = res.body!.getReader();
  let text = "";
  await eventually(async () => {
    const { value } = await reader.read();
    text += new TextDecoder().decode(value);
    return /event: index/.test(text);
  }, "an `index` event from the background symbol index", 60_000);
  events.abort();
  return { ...spawned, exited, stderr: () => stderr };
}

/** Waits for exit up to `ms` (a generous deadline on a loaded machine), naming what it waited for. */
function exitWithin(server: { exited: Promise<number | string | null>; stderr: () => string }, ms: number, what: string) {
  return Promise.race([server.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no exit within ${ms} ms; stderr: ${server.stderr()}`)), ms).unref())]);
}

describe("SIGTERM while the symbol index runs", () => {
  it("drains and exits 0, leaving no process behind", async () => {
    const server = await indexingServer();
    server.child.kill("SIGTERM");
    // Drain (10 s) plus closing the engines, with room for a loaded machine.
    expect(await exitWithin(server, 45_000, "the exit after one SIGTERM during indexing")).toBe(0);
    await eventually(() => processesWithMarker(server.marker).length === 0, "no language server or other process left", 30_000);
  }, 180_000);

  it("a second signal ends it at once, leaving no process behind", async () => {
    const server = await indexingServer();
    const draining = stderrLine(server.child, /SIGTERM, finishing in-flight requests/);
    server.child.kill("SIGTERM");
    await draining;
    server.child.kill("SIGTERM");
    expect(await exitWithin(server, 20_000, "the exit after a second SIGTERM")).toBe("SIGTERM");
    await eventually(() => processesWithMarker(server.marker).length === 0, "no language server or other process left after a forced exit", 30_000);
  }, 180_000);
});
