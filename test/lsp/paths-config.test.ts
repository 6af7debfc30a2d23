import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildRegistry, findServerRoot } from "../../src/lsp/registry.js";
import { ConfigError, loadConfig, parseConfig } from "../../src/workspace/config.js";
import { confinePath, PathError, resolveRoots, toRootRelative } from "../../src/workspace/paths.js";
import { copyFixtures, removeTree } from "./helpers.js";

const base = realpathSync(mkdtempSync(join(tmpdir(), "codeintel-paths-")));
const root = join(base, "project");
const outside = join(base, "outside");
mkdirSync(join(root, "src"), { recursive: true });
mkdirSync(outside);
writeFileSync(join(root, "src", "a.ts"), "export const a = 1;\n");
writeFileSync(join(outside, "secret.ts"), "export const s = 1;\n");
symlinkSync(join(outside, "secret.ts"), join(root, "src", "escape.ts"));
symlinkSync(outside, join(root, "outdir"));
symlinkSync(join(root, "src", "a.ts"), join(root, "alias.ts"));
afterAll(() => removeTree(base));

describe("path confinement", () => {
  const roots = resolveRoots([root]);

  it("accepts root-relative and absolute paths inside a root", () => {
    expect(confinePath("src/a.ts", roots)).toEqual({ root, absPath: join(root, "src/a.ts"), relPath: "src/a.ts" });
    expect(confinePath(join(root, "src/a.ts"), roots).relPath).toBe("src/a.ts");
    expect(confinePath("./src/../src/a.ts", roots).relPath).toBe("src/a.ts");
  });

  it("follows symlinks that stay inside the root", () => {
    expect(confinePath("alias.ts", roots).relPath).toBe("src/a.ts");
  });

  it("rejects ../ escapes, absolute paths elsewhere and symlinks leading out", () => {
    for (const bad of ["../outside/secret.ts", join(outside, "secret.ts"), "/etc/passwd", "src/escape.ts", "outdir/secret.ts"]) {
      let err: unknown;
      try {
        confinePath(bad, roots);
      } catch (e) {
        err = e;
      }
      expect(err, bad).toBeInstanceOf(PathError);
      expect((err as PathError).code, bad).toBe("invalid_input");
    }
    expect(() => confinePath("src/escape.ts", roots)).toThrow(/symlink.*outside the project root/);
  });

  it("reports a missing file as not_found and an empty path as invalid", () => {
    expect(() => confinePath("src/missing.ts", roots)).toThrow(expect.objectContaining({ code: "not_found" }));
    expect(() => confinePath("", roots)).toThrow(expect.objectContaining({ code: "invalid_input" }));
    expect(confinePath("src/new.ts", roots, { mustExist: false }).relPath).toBe("src/new.ts");
  });

  it("rejects missing roots and maps absolute paths back to roots", () => {
    expect(() => resolveRoots([join(base, "nope")])).toThrow(/does not exist/);
    expect(toRootRelative(join(root, "src/a.ts"), roots)).toEqual({ root, relPath: "src/a.ts" });
    expect(toRootRelative("/etc/passwd", roots)).toBeNull();
  });
});

describe("codeintel.json", () => {
  it("parses servers, lsp settings and cacheDir", () => {
    const c = parseConfig(
      JSON.stringify({
        servers: { pyright: false, mylang: { command: ["my-ls", "--stdio"], extensions: ["my"], languageId: "mylang" } },
        lsp: { idleTimeoutMs: 1000, timeouts: { "textDocument/hover": 500 } },
        cacheDir: ".cache/codeintel",
        symbolIndex: { languages: ["py"] },
      }),
    );
    expect(c.servers.pyright).toBe(false);
    expect(c.servers.mylang).toMatchObject({ command: ["my-ls", "--stdio"], extensions: [".my"] });
    expect(c.lsp).toEqual({ idleTimeoutMs: 1000, timeouts: { "textDocument/hover": 500 } });
    expect(c.cacheDir).toBe(".cache/codeintel");
    expect(c.raw.symbolIndex).toEqual({ languages: ["py"] });
  });

  it("names the file and key of a bad entry", () => {
    expect(() => parseConfig("{", "x.json")).toThrow(/^x.json:1:2: expected .}./);
    expect(() => parseConfig('{"servers":{"a":{"command":"ls"}}}', "x.json")).toThrow(/servers.a.command must be array/);
    expect(() => parseConfig('{"lsp":{"idleTimeoutMs":-1}}', "x.json")).toThrow(ConfigError);
  });

  it("is found at a root or loaded from an explicit path", () => {
    const dir = copyFixtures("ts");
    try {
      writeFileSync(join(dir, "codeintel.json"), JSON.stringify({ cacheDir: "here" }));
      expect(loadConfig({ roots: [dir] }).cacheDir).toBe(join(dir, "here")); // relative to the config file
      expect(loadConfig({ roots: [join(dir, "ts")] }).cacheDir).toBeUndefined();
      expect(loadConfig({ roots: [join(dir, "ts")], explicitPath: join(dir, "codeintel.json") }).source).toBe(join(dir, "codeintel.json"));
      expect(() => loadConfig({ roots: [dir], explicitPath: join(dir, "missing.json") })).toThrow(/does not exist/);
    } finally {
      removeTree(dir);
    }
  });
});

describe("server registry", () => {
  it("maps extensions to the built-in servers, resolving npm servers from node_modules", () => {
    const r = buildRegistry();
    expect(r.specFor("/x/a.tsx")?.id).toBe("typescript");
    expect(r.specFor("/x/a.py")?.id).toBe("pyright");
    expect(r.specFor("/x/a.sh")?.id).toBe("bash");
    expect(r.specFor("/x/a.json")?.id).toBe("json");
    expect(r.specFor("/x/a.h")?.id).toBe("clangd");
    expect(r.specFor("/x/a.xyz")).toBeUndefined();
    const launch = r.resolveLaunch(r.get("pyright")!);
    expect(launch.command).toBe(process.execPath);
    expect(launch.args[0]).toMatch(/node_modules\/pyright\/langserver.index.js$/);
    expect(r.get("typescript")!.initializationOptions).toMatchObject({ tsserver: { path: expect.stringMatching(/typescript\/lib\/tsserver.js$/) } });
  });

  it("applies user overrides, additions and disables, and says how to install a missing server", () => {
    const config = parseConfig(
      JSON.stringify({
        servers: {
          pyright: false,
          bash: { settings: { bashIde: { shellcheckPath: "" } } },
          mylang: { command: ["definitely-not-installed-ls"], extensions: [".my"], install: "cargo install my-ls" },
        },
      }),
    );
    const r = buildRegistry(config);
    // pyright off: Python goes to the next server in the table, which says how to install it.
    expect(r.specFor("/a.py")?.id).toBe("pylsp");
    expect(r.get("bash")!.settings).toEqual({ bashIde: { shellcheckPath: "" } });
    expect(r.fingerprint(r.get("bash")!).configHash).not.toBe(buildRegistry().fingerprint(buildRegistry().get("bash")!).configHash);
    expect(() => r.resolveLaunch(r.specFor("/a.my")!)).toThrow(/not installed.*definitely-not-installed-ls.*cargo install my-ls/);
    expect(r.noServerError("/a.xyz").message).toMatch(/no language server handles '.xyz' files/);
    expect(() => buildRegistry(parseConfig('{"servers":{"new":{"command":["x"]}}}'))).toThrow(/needs "extensions"/);
  });

  it("fingerprints servers by package version and config", () => {
    const r = buildRegistry();
    const fp = r.fingerprint(r.get("typescript")!);
    expect(fp.version).toMatch(/^typescript-language-server@\d+\.\d+\.\d+ typescript@5\./);
    expect(fp.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(r.version(r.get("clangd")!)).toMatch(/clangd version/);
  });

  it("picks the outermost workspace marker inside the project root (one server per monorepo)", () => {
    const dir = copyFixtures("monorepo", "ts");
    try {
      const mono = join(dir, "monorepo");
      expect(findServerRoot(join(mono, "packages/a/src/index.ts"), dir, { rootMarkers: ["package.json", "tsconfig.json"] })).toBe(mono);
      expect(findServerRoot(join(mono, "packages/b/src/index.ts"), dir, { rootMarkers: ["package.json"] })).toBe(mono);
      expect(findServerRoot(join(mono, "packages/b/src/index.ts"), join(mono, "packages/b"), { rootMarkers: ["package.json"] })).toBe(join(mono, "packages/b"));
      expect(findServerRoot(join(dir, "ts/src/main.ts"), dir, { rootMarkers: [] })).toBe(dir);
    } finally {
      removeTree(dir);
    }
  });
});
