// A plugin that throws later, outside any call (here from a timer its init set), must not end the
// service: the error is logged naming the plugin's file and the server keeps answering. Real
// servers of the compiled CLI (app-server over stdio and the MCP server) with a real plugin file.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pathToFileURL } from "node:url";
import { pluginFileOf } from "../../src/transports/crash-policy.js";
import { eventually, processesWithMarker, spawnCodeintel, StdioRpcClient } from "./helpers.js";

const root = mkdtempSync(join(tmpdir(), "ci-plugin-crash-"));
mkdirSync(join(root, "plugins"));
writeFileSync(join(root, "README.md"), "# hi\n");
writeFileSync(join(root, "codeintel.json"), JSON.stringify({ plugins: ["./plugins/timer-bomb.mjs"] }));
writeFileSync(
  join(root, "plugins", "timer-bomb.mjs"),
  `export default () => {
  setTimeout(() => { throw new Error("boom"); }, 10);
  setTimeout(() => { Promise.reject(new Error("late boom")); }, 20);
  return {};
};
`,
);
const markers: string[] = [];
const children: Array<{ kill(signal: NodeJS.Signals): boolean }> = [];

afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await eventually(() => markers.every((m) => processesWithMarker(m).length === 0), "every server of this file exited");
});

describe("an exception thrown later by plugin code", () => {
  for (const command of ["app-server", "serve"] as const) {
    it(`is logged naming the plugin and ${command} keeps serving`, async () => {
      // The plugin is this test's own: trusted for the run.
      const spawned = spawnCodeintel([command, "--trust", "--symbol-index", "off", root]);
      markers.push(spawned.marker);
      children.push(spawned.child);
      const rpc = new StdioRpcClient(spawned.child);
      await eventually(() => /late boom/.test(rpc.stderr), "the plugin's timers fired and were logged", 60_000);
      expect(rpc.stderr).toMatch(/uncaught exception in plugin code \(.*timer-bomb\.mjs.*\), kept serving: Error: boom/);
      expect(rpc.stderr).toMatch(/unhandled rejection in plugin code \(.*timer-bomb\.mjs.*\), kept serving: Error: late boom/);
      if (command === "app-server") {
        await rpc.initialize();
        expect(await rpc.request("find_files", { query: "readme" })).toMatchObject({ results: [expect.objectContaining({ path: "README.md" })] });
      } else {
        const init = await rpc.request<{ serverInfo: unknown }>("initialize", { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } });
        expect(init.serverInfo).toBeDefined();
        rpc.notify("notifications/initialized");
        const call = await rpc.request<{ structuredContent: { results: Array<{ path: string }> } }>("tools/call", { name: "find_files", arguments: { query: "readme" } });
        expect(call.structuredContent.results[0]!.path).toBe("README.md");
      }
      spawned.child.stdin.end();
      expect(await rpc.exited).toBe(0);
    }, 120_000);
  }
});

describe("who threw", () => {
  it("names a file outside codeintel as plugin code, and treats codeintel's own frames as ours", async () => {
    const file = join(root, "plugins", "make-error.mjs");
    writeFileSync(file, "export function make() { return new Error('from a plugin'); }\n");
    const { make } = (await import(pathToFileURL(file).href)) as { make: () => Error };
    expect(pluginFileOf(make())).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:1:\\d+$`));
    expect(pluginFileOf(new Error("ours"))).toBeUndefined();
    expect(pluginFileOf("a string has no stack")).toBeUndefined();
  });
});
