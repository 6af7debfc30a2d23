// codeintel.json is JSONC: the README's own example must load as written, and a broken file
// must say where it is broken (FILE:LINE:COL), as compilers do.
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../src/workspace/config.js";
import { removeTree } from "../support/tree.js";

const dir = realpathSync(mkdtempSync(join(tmpdir(), "codeintel-config-")));
afterAll(() => removeTree(dir));

/** The ```jsonc block of the README's "codeintel.json" section, so the README stays true. */
function readmeExample(): string {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("### codeintel.json"));
  const block = /```jsonc\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error("README.md has no ```jsonc block under ### codeintel.json");
  return block[1]!;
}

function loadText(text: string) {
  writeFileSync(join(dir, "codeintel.json"), text);
  return loadConfig({ roots: [dir] });
}

describe("codeintel.json (JSONC)", () => {
  it("loads the README's own example, comments and all", () => {
    const example = readmeExample();
    expect(example).toContain("//");
    const config = loadText(example);
    expect(config.servers.pyright).toBe(false);
    expect(config.servers.lua).toMatchObject({ command: ["lua-language-server"], extensions: [".lua"], languageId: "lua" });
    expect(config.lsp).toMatchObject({ idleTimeoutMs: 600000, timeouts: { "textDocument/references": 45000 } });
    expect(config.cacheDir).toBe("/var/cache/codeintel");
  });

  it("allows trailing commas and block comments", () => {
    const config = parseConfig('{ /* tuned */ "lsp": { "maxOpenDocuments": 10, "timeouts": { "a": 1, }, }, }', "x.json");
    expect(config.lsp).toEqual({ maxOpenDocuments: 10, timeouts: { a: 1 } });
  });

  it("reports a syntax error as FILE:LINE:COL: problem", () => {
    const file = join(dir, "codeintel.json");
    const cases: [string, string][] = [
      ['{\n  "servers": {\n    "pyright": false\n    "bash": false\n  }\n}\n', `${file}:4:5: expected ','`],
      ['{\n  // a comment\n  "cacheDir": nope\n}\n', `${file}:3:15: unexpected text (found 'nope')`],
      ['{\n  "lsp": {\n', `${file}:3:1: expected '}' (at the end of the file)`],
      ['{ "cacheDir": "a\n" }', `${file}:1:15: unterminated string`],
      ["", `${file}:1:1: expected a value`],
    ];
    for (const [text, message] of cases) {
      expect(() => loadText(text)).toThrow(ConfigError);
      expect(() => loadText(text)).toThrow(message);
    }
  });

  it("counts columns in characters, not UTF-16 units", () => {
    expect(() => parseConfig('{ "😀": 1 "b": 2 }', "x.json")).toThrow("x.json:1:10: expected ','");
  });
});
