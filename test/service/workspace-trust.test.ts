// Workspace trust: a project's codeintel.json runs its plugins and server commands only in a
// trusted folder. Through the compiled CLI and the MCP SDK client over `codeintel serve`, with a
// trust list in a scratch XDG_CONFIG_HOME: untrusted, the plugin never runs (its load would write
// a marker), one stderr line says how to trust, and the built-in tools still answer; after
// `codeintel trust DIR` it runs; `--trust` and CODEINTEL_TRUST=1 trust one run; --remove undoes it.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../support/compiled.js";
import { repoRoot, spawnCodeintel } from "./helpers.js";

const stubServer = join(repoRoot, "test/fixtures/servers/stubborn-ls.mjs");
const root = realpathSync(mkdtempSync(join(tmpdir(), "ci-trust-")));
const loadedMarker = join(mkdtempSync(join(tmpdir(), "ci-trust-marker-")), "plugin-loaded");
const configHome = mkdtempSync(join(tmpdir(), "ci-trust-xdg-"));
const env = { XDG_CONFIG_HOME: configHome };
mkdirSync(join(root, "plugins"));
writeFileSync(
  join(root, "codeintel.json"),
  JSON.stringify({ plugins: ["./plugins/marker.mjs"], servers: { stub: { command: ["node", stubServer], extensions: [".stub"], languageId: "stub" } } }),
);
writeFileSync(
  join(root, "plugins/marker.mjs"),
  `import { writeFileSync } from "node:fs";
writeFileSync(${JSON.stringify(loadedMarker)}, "loaded");
export default () => ({ tools: [{ name: "from_plugin", description: "x", inputSchema: { type: "object" }, async run() { return { text: "ran" }; } }] });
`,
);
writeFileSync(join(root, "notes.stub"), "hello\n");
afterAll(() => rmSync(root, { recursive: true, force: true }));

const notice = `codeintel: ${join(root, "codeintel.json")}: ${root} is not a trusted folder, so its plugins (1) and server commands (stub) did not run; trust it with \`codeintel trust ${root}\` (or --trust, CODEINTEL_TRUST=1 for one run)`;

async function mcpToolNames(extra: string[] = []): Promise<{ names: string[]; stderr: string }> {
  const { child } = spawnCodeintel(["serve", "--symbol-index", "off", ...extra, root], env);
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const client = new Client({ name: "trust-test", version: "0" });
  try {
    await client.connect(new StdioServerTransport(child.stdout, child.stdin));
    const { tools } = await client.listTools();
    const found = await client.callTool({ name: "find_files", arguments: { query: "notes" } });
    expect(JSON.stringify(found.structuredContent)).toContain("notes.stub");
    return { names: tools.map((t) => t.name), stderr };
  } finally {
    await client.close();
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}

describe("workspace trust", () => {
  it("runs an untrusted project's plugins and server commands never, saying how to trust it once; built-ins answer", async () => {
    const { names, stderr } = await mcpToolNames();
    expect(names).toContain("find_files");
    expect(names).not.toContain("from_plugin");
    expect(existsSync(loadedMarker)).toBe(false);
    expect(stderr).toContain(notice);
    expect(stderr.split(notice).length - 1).toBe(1);

    const cli = await runCli(["symbols", join(root, "notes.stub"), "--root", root, "--no-daemon"], { env }).done;
    expect(cli.err).toContain(notice);
    expect(existsSync(loadedMarker)).toBe(false);
  });

  it("trusts for one run with --trust or CODEINTEL_TRUST=1", async () => {
    const once = await runCli(["symbols", join(root, "notes.stub"), "--root", root, "--no-daemon", "--trust"], { env }).done;
    expect(once.err).not.toContain("not a trusted folder");
    expect(once.out).toContain("notes");
    expect(once.code).toBe(0);
    expect(existsSync(loadedMarker)).toBe(true);
    rmSync(loadedMarker);
    const viaEnv = await mcpToolNames();
    expect(viaEnv.names).not.toContain("from_plugin");
    const trustedRun = await runCli(["symbols", join(root, "notes.stub"), "--root", root, "--no-daemon"], { env: { ...env, CODEINTEL_TRUST: "1" } }).done;
    expect(trustedRun.code).toBe(0);
    expect(existsSync(loadedMarker)).toBe(true);
    rmSync(loadedMarker);
  });

  it("codeintel trust DIR adds the folder to the user's list (--list shows it) and the plugin runs; --remove undoes it", async () => {
    const added = await runCli(["trust", root], { env }).done;
    expect(added).toMatchObject({ code: 0, out: `trusted: ${root}\n` });
    expect(JSON.parse(readFileSync(join(configHome, "codeintel/trusted.json"), "utf8"))).toEqual({ folders: [root] });
    expect((await runCli(["trust", "--list"], { env }).done).out).toBe(`${root}\n`);
    const trusted = await mcpToolNames();
    expect(trusted.names).toContain("from_plugin");
    expect(trusted.stderr).not.toContain("not a trusted folder");
    expect(existsSync(loadedMarker)).toBe(true);
    rmSync(loadedMarker);

    expect(await runCli(["trust", "--remove", root], { env }).done).toMatchObject({ code: 0, out: `no longer trusted: ${root}\n` });
    expect((await runCli(["trust", "--list"], { env }).done).out).toBe("no trusted folders\n");
    const again = await mcpToolNames();
    expect(again.names).not.toContain("from_plugin");
    expect(existsSync(loadedMarker)).toBe(false);
  });

  it("has help and strict arguments like every command", async () => {
    const help = await runCli(["trust", "--help"], { env }).done;
    expect(help.code).toBe(0);
    expect(help.out).toContain("Usage: codeintel trust [DIR]");
    expect(help.out).toContain("--remove DIR");
    const bad = await runCli(["trust", "--lsit"], { env }).done;
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("unknown option '--lsit' (did you mean --list?)");
  });
});
