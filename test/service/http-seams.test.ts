// The app-server's HTTP front door against hostile bytes, as a real process: request targets
// that do not parse (`http://[/`, a port past 65535), plain and as WebSocket upgrades, with and
// without --token, and a REST tool name that is not valid percent-encoding. Each must get an
// answer (400) and the server must keep serving the next client.
import { connect } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, spawnCodeintel, stderrLine, WsRpcClient } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-http-seams-"));
writeFileSync(join(root, "README.md"), "# hi\n");
const markers: string[] = [];

afterAll(async () => {
  await eventually(() => markers.every((m) => processesWithMarker(m).length === 0), "every server of this file exited");
});

/** A running `codeintel app-server --listen ws://127.0.0.1:0`, stopped by the test. */
async function appServer(extra: string[]) {
  const spawned = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--symbol-index", "off", ...extra, root]);
  markers.push(spawned.marker);
  let stderr = "";
  spawned.child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => spawned.child.on("exit", (code) => resolve(code)));
  const url = (await stderrLine(spawned.child, /listening on (ws:\/\/\S+)/))[1]!;
  const port = Number(new URL(url).port);
  return { ...spawned, url, port, exited, stderr: () => stderr };
}

/** Writes `text` to a fresh TCP connection and resolves with everything the server sent before closing (or the first response head). */
function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let got = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${JSON.stringify(text.split("\r\n")[0])} within 30 s; got ${JSON.stringify(got)}`));
    }, 30_000);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    socket.on("data", (d: Buffer) => {
      got += d.toString("latin1");
      // One response is enough: its head and (when it says so) its whole body.
      const head = got.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(got);
      if (head >= 0 && (!length || got.length >= head + 4 + Number(length[1]))) done();
    });
    socket.on("end", done);
    socket.on("error", done);
    socket.write(text);
  });
}

const upgradeHeaders = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

describe("request targets that do not parse", () => {
  for (const withToken of [false, true]) {
    it(`answer 400 and the server keeps serving (${withToken ? "with" : "without"} --token)`, async () => {
      const server = await appServer(withToken ? ["--token", "T"] : []);
      const host = `Host: 127.0.0.1:${server.port}\r\n`;
      for (const target of ["http://[/", "http://a:99999999/"]) {
        for (const extra of ["", upgradeHeaders]) {
          const answer = await rawRequest(server.port, `GET ${target} HTTP/1.1\r\n${host}${extra}\r\n`);
          expect({ target, upgrade: extra !== "", status: answer.split("\r\n")[0] }).toEqual({ target, upgrade: extra !== "", status: "HTTP/1.1 400 Bad Request" });
        }
      }
      // Still serving: a health probe and a real WebSocket client with a handshake.
      expect((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status).toBe(200);
      const client = await WsRpcClient.connect(server.url, withToken ? { headers: { Authorization: "Bearer T" } } : {});
      expect(await client.initialize()).toHaveProperty("serverInfo");
      await client.close();
      server.child.kill("SIGTERM");
      expect(await server.exited, server.stderr()).toBe(0);
    }, 120_000);
  }
});

describe("MCP over HTTP", () => {
  it("answers a target that does not parse 400 and keeps serving", async () => {
    const spawned = spawnCodeintel(["serve", "--http", "0", "--token", "T", "--symbol-index", "off", root]);
    markers.push(spawned.marker);
    const exited = new Promise<number | null>((resolve) => spawned.child.on("exit", (code) => resolve(code)));
    const url = new URL((await stderrLine(spawned.child, /Streamable HTTP at (http:\/\/\S+)/))[1]!);
    const answer = await rawRequest(Number(url.port), `GET http://[/ HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
    expect((await fetch(`${url.origin}/healthz`)).status).toBe(200);
    spawned.child.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 120_000);
});

describe("REST tool names", () => {
  it("answers a name that is not valid percent-encoding 400 with the REST error shape, and keeps serving", async () => {
    const server = await appServer(["--token", "T"]);
    const base = `http://127.0.0.1:${server.port}`;
    const res = await fetch(`${base}/v1/tools/%E0%A4%A`, { method: "POST", headers: { Authorization: "Bearer T", "Content-Type": "application/json" }, body: "{}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_input", message: expect.stringMatching(/percent-encoding/) } });
    const tools = await fetch(`${base}/v1/tools`, { headers: { Authorization: "Bearer T" } });
    expect(tools.status).toBe(200);
    server.child.kill("SIGTERM");
    expect(await server.exited, server.stderr()).toBe(0);
  }, 120_000);
});
