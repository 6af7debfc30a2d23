// The `servers` tool: every known language server, installed or not, through the in-process
// API, a real app-server (where a started server shows as running) and `codeintel servers`.
import { execFile } from "node:child_process";
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import type { ServersOutput } from "../../src/tools/servers.js";
import { bin, spawnCodeintel, stderrLine, WsRpcClient } from "./helpers.js";

const run = promisify(execFile);
const root = realpathSync(mkdtempSync(join(tmpdir(), "ci-servers-")));
writeFileSync(join(root, "run.sh"), "#!/bin/sh\ngreet() { echo hi; }\ngreet\n");
writeFileSync(
  join(root, "codeintel.json"),
  JSON.stringify({ servers: { pyright: false, basedpyright: {}, mylang: { command: ["definitely-not-installed-ls"], extensions: [".my"], install: "cargo install my-ls" } } }),
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const byId = (out: ServersOutput) => new Map(out.servers.map((s) => [s.id, s]));

describe("servers in-process", () => {
  let ci: CodeIntel;
  beforeAll(async () => {
    ci = await createCodeIntel({ roots: [root], watch: false, symbolIndex: "off", trust: true });
  });
  afterAll(() => ci.close());

  it("lists shipped, PATH, missing, opt-in and disabled servers with versions and hints", async () => {
    const out = await ci.servers();
    expect(out.root).toBe(root);
    const s = byId(out);
    expect(new Set(out.servers.flatMap((e) => e.languages)).size).toBeGreaterThanOrEqual(25);
    expect(s.get("yaml")).toMatchObject({ status: "active", installed: true, location: { where: "codeintel" }, version: expect.stringMatching(/^yaml-language-server@\d/) });
    expect(s.get("gopls")).toMatchObject({ installed: true, location: { where: "PATH", path: expect.stringMatching(/gopls$/) }, answersFor: [".go"] });
    expect(s.get("zls")).toMatchObject({ installed: false, install: expect.stringContaining("zls"), answersFor: [".zig", ".zon"] });
    expect(s.get("mylang")).toMatchObject({ status: "active", installed: false, install: "cargo install my-ls" });
    expect(s.get("pyright")?.status).toBe("disabled");
    expect(s.get("tsgo")).toMatchObject({ status: "opt-in", answersFor: [] });
    // Enabled in codeintel.json, basedpyright takes Python; pylsp is there but answers nothing.
    expect(s.get("basedpyright")).toMatchObject({ status: "active", installed: true, answersFor: [".py", ".pyi"] });
    expect(s.get("pylsp")?.answersFor).toEqual([]);
    const { text } = await ci.call("servers");
    expect(text).toMatch(/^\d+ language servers known, \d+ installed$/m);
    expect(text).toMatch(/^zls +Zig +not installed; to install: .*zigtools/m);
    expect(text).toMatch(/^tsgo +TypeScript, JavaScript +installed \(with codeintel\) .*\[opt-in\]$/m);
  });

  it("refuses a root outside the project", async () => {
    await expect(ci.servers({ root: tmpdir() })).rejects.toMatchObject({ code: "invalid_input" });
  });
});

describe("servers over a real app-server", () => {
  let app: ReturnType<typeof spawnCodeintel>;
  let ws: WsRpcClient;
  beforeAll(async () => {
    app = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--symbol-index", "off", root]);
    const url = (await stderrLine(app.child, /listening on (ws:\/\/\S+)/))[1];
    ws = await WsRpcClient.connect(url);
    await ws.initialize();
  });
  afterAll(async () => {
    await ws?.close();
    app.child.kill("SIGTERM");
    await new Promise((r) => app.child.once("exit", r));
  });

  it("shows a server as running for the root once a query started it", async () => {
    const before = byId(await ws.request<ServersOutput>("servers", {}));
    expect(before.get("bash")?.running).toEqual([]);
    await ws.request("document_symbols", { file: "run.sh" });
    const after = byId(await ws.request<ServersOutput>("servers", {}));
    expect(after.get("bash")?.running).toEqual([{ root, state: "running", pid: expect.any(Number) }]);
  });
});

describe("codeintel servers", () => {
  it("prints the same list as JSON, and refuses arguments", async () => {
    const { stdout } = await run("node", [bin, "servers", "--json", "--trust", "-r", root]);
    const out = JSON.parse(stdout) as ServersOutput;
    expect(byId(out).get("mylang")).toMatchObject({ installed: false, install: "cargo install my-ls" });
    await expect(run("node", [bin, "servers", "extra"])).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(/unexpected argument 'extra'/) });
  });
});
