// codeintel.json is checked against the published schema (schema/codeintel.schema.json): a
// misspelt key is an error at its line and column with the key meant, and the schema and the
// code that reads the file agree key for key, so the schema editors complete from is the truth.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_POOL_SETTINGS, PoolSettings } from "../../src/lsp/pool-settings.js";
import { defaultPluginLimits, pluginLimitsOf, type PluginLimits } from "../../src/plugins/plugin-settings.js";
import { configuredLanguages } from "../../src/symbols/lsp-interest.js";
import { ConfigError, configSchemaPath, parseConfig, parseServerEntry, type CodeintelConfig, type LspSettings, type ServerConfigEntry } from "../../src/workspace/config.js";
import { packageRoot } from "../../src/workspace/package-root.js";
import { compiled } from "../support/compiled.js";

interface SchemaNode {
  type?: string;
  $ref?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: boolean | SchemaNode;
  description?: string;
}
const schema = JSON.parse(readFileSync(configSchemaPath(), "utf8")) as SchemaNode & { definitions: Record<string, SchemaNode> };
const section = (name: string): SchemaNode => schema.properties![name]!;
const keysOf = (node: SchemaNode) => Object.keys(node.properties ?? {}).sort();

describe("codeintel.json against its schema", () => {
  it("names a misspelt key's line and column and the key meant", () => {
    const cases: [string, string][] = [
      ['{ "srevers": {} }', "x.json:1:3: srevers is not a known key; did you mean `servers`?"],
      ['{\n  "lsp": {\n    "idleTimoutMs": 1000\n  }\n}', "x.json:3:5: lsp.idleTimoutMs is not a known key; did you mean `idleTimeoutMs`?"],
      ['{ "servers": { "lua": { "comand": ["lua-ls"] } } }', "x.json:1:25: servers.lua.comand is not a known key; did you mean `command`?"],
      ['{ "pluginLimits": { "hookTimeout": 5 } }', "x.json:1:21: pluginLimits.hookTimeout is not a known key; did you mean `hookTimeoutMs`?"],
      ['{ "symbolIndex": { "language": [] } }', "x.json:1:20: symbolIndex.language is not a known key; did you mean `languages`?"],
    ];
    for (const [text, message] of cases) {
      expect(() => parseConfig(text, "x.json")).toThrow(ConfigError);
      expect(() => parseConfig(text, "x.json")).toThrow(message);
    }
    // The known keys are listed, so a key far from any still says what is possible.
    expect(() => parseConfig('{ "lsp": { "zzz": 1 } }', "x.json")).toThrow(/lsp.zzz is not a known key \(known: idleTimeoutMs, maxOpenDocuments, /);
  });

  it("names the place and the wanted type of a bad value", () => {
    const cases: [string, string][] = [
      ['{ "servers": { "a": { "command": "ls" } } }', 'x.json:1:23: servers.a.command must be array, got string "ls"'],
      ['{ "servers": { "a": { "command": [] } } }', "x.json:1:23: servers.a.command must have at least 1 item (got 0)"],
      ['{ "servers": { "pyright": true } }', "x.json:1:16: servers.pyright must be object, got boolean true"],
      ['{ "servers": { "a": { "languageId": 5 } } }', "x.json:1:23: servers.a.languageId must be string or object, got number 5"],
      ['{ "lsp": { "idleTimeoutMs": -1 } }', "x.json:1:12: lsp.idleTimeoutMs must be >= 0"],
      ['{ "lsp": { "timeouts": { "textDocument/hover": 0 } } }', "x.json:1:26: lsp.timeouts.textDocument/hover must be > 0"],
      ['{ "plugins": ["a", 2] }', "x.json:1:20: plugins[1] must be string, got number 2"],
      ["[]", "x.json:1:1: the top level must be object, got an array"],
    ];
    for (const [text, message] of cases) expect(() => parseConfig(text, "x.json")).toThrow(message);
  });

  it("accepts a `$schema` key, for editors", () => {
    expect(parseConfig('{ "$schema": "./node_modules/codeintel/schema/codeintel.schema.json", "servers": { "pyright": false } }').servers).toEqual({ pyright: false });
  });

  it("checks a plugin's server entries with the same schema", () => {
    expect(parseServerEntry({ command: ["x"], extensions: ["x"] }, "servers.x")).toEqual({ command: ["x"], extensions: [".x"] });
    expect(parseServerEntry(false, "servers.x")).toBe(false);
    expect(() => parseServerEntry({ comand: ["x"] }, "servers.x")).toThrow("servers.x.comand is not a known key; did you mean `command`?");
    expect(() => parseServerEntry({ env: { A: 1 } }, "servers.x")).toThrow("servers.x.env.A must be string, got number 1");
  });

  it("describes every key, for editors' completion", () => {
    const undescribed: string[] = [];
    const visit = (node: SchemaNode, at: string) => {
      for (const [key, sub] of Object.entries(node.properties ?? {})) {
        if (!sub.description) undescribed.push(`${at}${key}`);
        visit(sub, `${at}${key}.`);
      }
    };
    visit(schema, "");
    visit(schema.definitions.serverEntry!, "servers.*.");
    expect(undescribed).toEqual([]);
  });
});

describe("the schema and the code that reads codeintel.json agree", () => {
  // Written against the readers' own types: a key added to one of them and not here fails tsc.
  const topLevel = { $schema: true, servers: true, lsp: true, cacheDir: true, store: true, plugins: true, symbolIndex: true, pluginLimits: true } satisfies Record<Exclude<keyof CodeintelConfig, "source" | "raw"> | "$schema" | "symbolIndex" | "pluginLimits", true>;
  const serverEntry = { command: true, extensions: true, languageId: true, rootMarkers: true, initializationOptions: true, settings: true, env: true, install: true, version: true } satisfies Record<keyof ServerConfigEntry, true>;
  const lsp = { ...DEFAULT_POOL_SETTINGS, timeouts: {} } satisfies Record<keyof LspSettings, unknown>;

  it("has the same keys as the readers", () => {
    expect(keysOf(schema)).toEqual(Object.keys(topLevel).sort());
    expect(keysOf(schema.definitions.serverEntry!)).toEqual(Object.keys(serverEntry).sort());
    expect(keysOf(section("lsp"))).toEqual(Object.keys(lsp).sort());
    expect(keysOf(section("pluginLimits"))).toEqual(Object.keys(defaultPluginLimits).sort());
    expect(keysOf(section("symbolIndex"))).toEqual(["languages"]);
  });

  it("states the defaults the readers use", () => {
    for (const [key, value] of Object.entries(DEFAULT_POOL_SETTINGS)) expect(section("lsp").properties![key]!.default, `lsp.${key}`).toBe(value);
    for (const [key, value] of Object.entries(defaultPluginLimits)) expect(section("pluginLimits").properties![key]!.default, `pluginLimits.${key}`).toBe(value);
  });

  it("every key the schema admits reaches its reader", () => {
    // Distinct values, none a default, so each one read back is the one written.
    const lspValues = Object.fromEntries(Object.keys(DEFAULT_POOL_SETTINGS).map((k, i) => [k, 7000 + i]));
    const limits = Object.fromEntries(Object.keys(defaultPluginLimits).map((k, i) => [k, 70 + i])) as unknown as PluginLimits;
    const entry = { command: ["my-ls"], extensions: [".my"], languageId: { ".my": "my" }, rootMarkers: ["my.toml"], initializationOptions: { a: 1 }, settings: { my: {} }, env: { A: "1" }, install: "get it", version: "1.0" } satisfies Required<ServerConfigEntry>;
    const file = {
      $schema: "./schema/codeintel.schema.json",
      servers: { my: entry, pyright: false },
      lsp: { ...lspValues, timeouts: { "textDocument/hover": 1234 } },
      cacheDir: "/tmp/cache",
      store: "postgresql:///codeintel?host=/run/postgresql",
      plugins: ["some-plugin"],
      symbolIndex: { languages: ["py"] },
      pluginLimits: limits,
    } satisfies Record<keyof typeof topLevel, unknown>;
    const config = parseConfig(JSON.stringify(file), "/tmp/codeintel.json");
    expect(config.servers).toEqual({ my: entry, pyright: false });
    const settings = new PoolSettings(() => config);
    for (const [key, value] of Object.entries(lspValues)) expect(settings.get(key as keyof typeof DEFAULT_POOL_SETTINGS), key).toBe(value);
    expect(settings.timeoutFor("initialize")).toBe(30_000);
    expect(settings.timeoutFor("textDocument/hover")).toBe(1234);
    expect(config.lsp.timeouts).toEqual({ "textDocument/hover": 1234 });
    expect(config.cacheDir).toBe("/tmp/cache");
    expect(config.store).toBe("postgresql:///codeintel?host=/run/postgresql");
    expect(config.plugins).toEqual(["some-plugin"]);
    expect(configuredLanguages(config.raw)).toEqual(["py"]);
    expect(pluginLimitsOf(config)).toEqual(limits);
  });
});

describe("the published schema", () => {
  it("ships in the npm package, with what the package runs", () => {
    compiled("src/index.js"); // the pack lists dist/ only once it is built
    const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts", "--loglevel=error"], { cwd: packageRoot(), encoding: "utf8" })) as [{ files: { path: string }[] }];
    const files = pack.files.map((f) => f.path);
    for (const path of ["schema/codeintel.schema.json", "bin/codeintel.js", "dist/src/index.js", "dist/src/client/index.js", "dist/workers/files-worker.js", "src/picker/index.html"]) expect(files).toContain(path);
    expect(files.filter((f) => f.startsWith("test/"))).toEqual([]);
  });
});
