// Broken servers recover without restarting codeintel: `codeintel restart` against a real
// app-server (WebSocket, token), the restart tool's catalog entry, and codeintel.json
// reloaded when it is saved (a bad file, a misspelt key included, keeps the previous config).
import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import { bin, eventually, spawnCodeintel, stderrLine, WsRpcClient } from "./helpers.js";

const run = promisify(execFile);
const stubbornServer = fileURLToPath(new URL("../fixtures/servers/stubborn-ls.mjs", import.meta.url));
const TOKEN = "restart-test-token";

function project(): string {
  const root = realpathSync(mkdtempSync(join(tmpdir(), "ci-restart-")));
  writeFileSync(join(root, "file.stub"), "stub\n");
  return root;
}

const stubConfig = (args: string[] = [], lsp: object = {}) => JSON.stringify({ servers: { stub: { command: ["node", stubbornServer, ...args], extensions: [".stub"] } }, lsp });

describe("codeintel restart against a running app-server", () => {
  const root = project();
  const marker = join(root, "fail-now");
  let app: ReturnType<typeof spawnCodeintel>;
  let url: string;
  let ws: WsRpcClient;

  beforeAll(async () => {
    writeFileSync(marker, "");
    writeFileSync(join(root, "codeintel.json"), stubConfig(["--fail-if-exists", marker], { maxRestarts: 1, brokenCooldownMs: 600_000 }));
    app = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--token", TOKEN, "--symbol-index", "off", "--trust", root]);
    url = (await stderrLine(app.child, /listening on (ws:\/\/\S+)/))[1];
    ws = await WsRpcClient.connect(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await ws.initialize();
  });

  afterAll(async () => {
    await ws?.close();
    app.child.kill("SIGTERM");
    await new Promise((r) => app.child.once("exit", r));
    rmSync(root, { recursive: true, force: true });
  });

  const symbols = () => ws.start("document_symbols", { file: "file.stub" }).response;

  it("publishes restart as a tool that is not read-only", async () => {
    const { tools } = await ws.request<{ tools: Array<{ name: string; annotations: { readOnlyHint: boolean } }> }>("tools/list");
    expect(tools.find((t) => t.name === "restart")?.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
  });

  it("clears a broken server so the next call starts it again", async () => {
    const broken = await symbols();
    expect(broken.error).toMatchObject({ code: -32005, message: expect.stringMatching(/marked broken.*codeintel restart stub --url/s) });
    rmSync(marker);
    // Fixed, but still within the cool-down: broken until restarted.
    expect((await symbols()).error?.message).toMatch(/marked broken/);

    const cli = await run(process.execPath, [bin, "restart", "stub", "--url", url, "--token", TOKEN]);
    expect(cli.stdout).toMatch(/cleared failure records: stub/);
    const fixed = await symbols();
    expect(fixed.error).toBeUndefined();
    expect(JSON.stringify(fixed.result)).toContain("file.stub");

    const json = await run(process.execPath, [bin, "restart", "--url", url, "--json"], { env: { ...process.env, CODEINTEL_TOKEN: TOKEN } });
    expect(JSON.parse(json.stdout)).toEqual({ stopped: [{ serverId: "stub", root }], cleared: [] });
  });

  it("fails clearly: unknown server, wrong token, nothing listening, no --url", async () => {
    const fail = (args: string[]) => run(process.execPath, [bin, "restart", ...args]).then(() => ({ code: 0, stderr: "" }), (e: { code: number; stderr: string }) => e);
    expect(await fail(["nope", "--url", url, "--token", TOKEN])).toMatchObject({ code: 1, stderr: expect.stringMatching(/no language server 'nope'.*known:.*stub/) });
    expect(await fail(["--url", url, "--token", "wrong"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/wrong or missing --token/) });
    expect(await fail(["--url", "ws://127.0.0.1:1"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot reach a codeintel app-server/) });
    expect(await fail([])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--url is required/) });
  });
});

describe("codeintel.json reload", () => {
  const root = project();
  const logs: string[] = [];
  let ci: CodeIntel;

  beforeAll(async () => {
    ci = await createCodeIntel({ roots: [root], symbolIndex: "off", trust: true, log: (l) => logs.push(l) });
  });

  afterAll(async () => {
    await ci.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("takes a saved config at once, and keeps the previous one when the new one is bad", async () => {
    await expect(ci.documentSymbols({ file: "file.stub" })).rejects.toMatchObject({ code: "unavailable", message: expect.stringMatching(/no language server handles '.stub'/) });
    writeFileSync(join(root, "codeintel.json"), stubConfig());
    const out = await eventually(() => ci.documentSymbols({ file: "file.stub" }).catch(() => undefined), "the stub server configured by the saved codeintel.json");
    expect(out.results.map((s) => s.name)).toEqual(["file.stub"]);
    expect(logs.some((l) => /reloaded .*codeintel.json/.test(l))).toBe(true);

    writeFileSync(join(root, "codeintel.json"), "{ not json");
    await eventually(() => logs.some((l) => /codeintel.json:1:3: .*keeping the previous config/.test(l)), "the bad config reported");
    writeFileSync(join(root, "codeintel.json"), JSON.stringify({ servers: { other: { extensions: [".x"] } } }));
    await eventually(() => logs.some((l) => /servers.other is a new server and needs a "command".*keeping the previous config/.test(l)), "the invalid server reported");
    writeFileSync(join(root, "codeintel.json"), '{\n  "srevers": {}\n}\n');
    await eventually(() => logs.some((l) => /codeintel.json:2:3: srevers is not a known key; did you mean `servers`\?.*keeping the previous config/.test(l)), "the misspelt key reported");
    expect((await ci.documentSymbols({ file: "file.stub" })).results.map((s) => s.name)).toEqual(["file.stub"]);
  });
});
