// The two SSE budgets of the REST API, as a real app-server process: idle /v1/events watchers
// fill only their own budget (64 by default), so search streams keep working; a full budget is a
// 503 `overloaded` with Retry-After in the REST error shape; each budget is a CLI option.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, spawnCodeintel, stderrLine } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-sse-budgets-"));
writeFileSync(join(root, "README.md"), "# hi\n");
const auth = { Authorization: "Bearer T" };
const markers: string[] = [];
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await eventually(() => markers.every((m) => processesWithMarker(m).length === 0), "every server of this file exited");
});

async function appServer(extra: string[]) {
  const spawned = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--token", "T", "--symbol-index", "off", ...extra, root]);
  markers.push(spawned.marker);
  children.push(spawned.child);
  const exited = new Promise<number | null>((resolve) => spawned.child.on("exit", (code) => resolve(code)));
  const url = (await stderrLine(spawned.child, /listening on (ws:\/\/\S+)/))[1]!;
  const base = url.replace("ws://", "http://");
  await eventually(async () => (await fetch(`${base}/readyz`)).status === 200, "/readyz turns 200");
  return { ...spawned, base, exited };
}

/** Reads an SSE response to its end; resolves with the event names seen. */
async function eventsOf(res: Response): Promise<string[]> {
  const text = await res.text();
  return [...text.matchAll(/^event: (\S+)$/gm)].map((m) => m[1]!);
}

describe("SSE budgets", () => {
  it("64 idle /v1/events watchers do not lock out search streams; the 65th watcher gets 503 overloaded", async () => {
    const server = await appServer([]);
    const watchers = new AbortController();
    const open: Response[] = [];
    for (let i = 0; i < 64; i++) {
      const res = await fetch(`${server.base}/v1/events`, { headers: auth, signal: watchers.signal });
      expect(res.status).toBe(200);
      open.push(res);
    }
    const search = await fetch(`${server.base}/v1/search/stream?query=readme`, { headers: auth });
    expect(search.status).toBe(200);
    expect(await eventsOf(search)).toContain("completed");
    const over = await fetch(`${server.base}/v1/events`, { headers: auth });
    expect(over.status).toBe(503);
    expect(over.headers.get("retry-after")).toBe("1");
    expect(await over.json()).toMatchObject({ error: { code: "overloaded", message: expect.stringMatching(/64 \/v1\/events streams.*--max-event-streams/) } });
    watchers.abort();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 120_000);

  it("--max-event-streams and --max-search-streams set each budget", async () => {
    const server = await appServer(["--max-event-streams", "1", "--max-search-streams", "0"]);
    const watcher = new AbortController();
    expect((await fetch(`${server.base}/v1/events`, { headers: auth, signal: watcher.signal })).status).toBe(200);
    const second = await fetch(`${server.base}/v1/events`, { headers: auth });
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ error: { code: "overloaded", message: expect.stringMatching(/all 1 \/v1\/events streams/) } });
    const search = await fetch(`${server.base}/v1/search/stream?query=readme`, { headers: auth });
    expect(search.status).toBe(503);
    expect(await search.json()).toMatchObject({ error: { code: "overloaded", message: expect.stringMatching(/--max-search-streams/) } });
    watcher.abort();
    server.child.kill("SIGTERM");
    expect(await server.exited).toBe(0);
  }, 120_000);
});
