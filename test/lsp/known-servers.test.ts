// The known-servers table through the registry: 25+ languages, opt-in servers, the first
// installed of several candidates, file-name routes, and project roots read from real
// files (go.work, a Cargo.toml declaring [workspace], *.sln).
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildRegistry, findServerRoot } from "../../src/lsp/registry.js";
import { parseConfig } from "../../src/workspace/config.js";
import { copyFixtures, removeTree } from "./helpers.js";

const dir = copyFixtures();
afterAll(() => removeTree(dir));

function write(rel: string, text = ""): string {
  const abs = join(dir, rel);
  mkdirSync(dirname(abs), { recursive: true });
  writeFileSync(abs, text);
  return abs;
}

describe("the known servers", () => {
  it("cover at least 25 languages, each entry with extensions, a command and an install hint", () => {
    const r = buildRegistry();
    const all = [...r.specs, ...r.inactive.map((i) => i.spec)];
    expect(new Set(all.flatMap((s) => s.languages)).size).toBeGreaterThanOrEqual(25);
    for (const s of all) {
      expect(Object.keys(s.languageIds).length, s.id).toBeGreaterThan(0);
      expect(s.command.length, s.id).toBeGreaterThan(0);
      expect(s.install.length, s.id).toBeGreaterThan(10);
    }
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
  });

  it("route by extension and by file name", () => {
    const r = buildRegistry();
    expect(r.specFor("/x/main.go")?.id).toBe("gopls");
    expect(r.specFor("/x/lib.rs")?.id).toBe("rust-analyzer");
    expect(r.specFor("/x/ci.YML")?.id).toBe("yaml");
    expect(r.specFor("/x/Dockerfile")?.id).toBe("dockerfile");
    expect(r.specFor("/x/web.dockerfile")?.id).toBe("dockerfile");
    expect(r.languageIdFor(r.get("dockerfile")!, "/x/Containerfile")).toBe("dockerfile");
    expect(r.specFor("/x/Gemfile")?.id).toBe("ruby-lsp");
  });

  it("a missing server says how to install it, never crashes", () => {
    const r = buildRegistry();
    const original = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(() => r.resolveLaunch(r.get("zls")!)).toThrow(/language server 'zls' is not installed: 'zls' was not found on PATH\. To fix: .*zigtools/);
      expect(() => r.resolveLaunch(r.get("vue")!)).toThrow(/not found on PATH or in the project's node_modules\/.bin/);
      expect(r.locate(r.get("metals")!)).toBeUndefined();
      expect(r.version(r.get("nil")!)).toBe("unknown");
    } finally {
      process.env.PATH = original;
    }
  });

  it("keep opt-in servers out until codeintel.json enables them, then prefer them", () => {
    const off = buildRegistry();
    expect(off.specFor("/x/a.ts")?.id).toBe("typescript");
    expect(off.inactive.map((i) => `${i.spec.id}:${i.reason}`)).toEqual(expect.arrayContaining(["tsgo:opt-in", "basedpyright:opt-in"]));
    const on = buildRegistry(parseConfig('{ "servers": { "tsgo": {}, "basedpyright": {}, "clangd": false } }'));
    expect(on.specFor("/x/a.ts")?.id).toBe("tsgo");
    expect(on.specFor("/x/a.py")?.id).toBe("basedpyright");
    expect(on.inactive.map((i) => `${i.spec.id}:${i.reason}`)).toEqual(["clangd:disabled"]);
    expect(on.resolveLaunch(on.get("tsgo")!).command).toMatch(/native-preview-[a-z0-9]+-[a-z0-9]+\/lib\/tsgo$/);
  });

  it("pick the first installed candidate: PATH, a project's own node_modules/.bin or virtualenv", () => {
    const rb = write("ruby/app/main.rb", "puts 1\n");
    const original = process.env.PATH;
    process.env.PATH = join(dir, "fakebin");
    try {
      // Neither Ruby server installed: the preferred one, whose launch gives the install hint.
      expect(buildRegistry().specFor(rb)?.id).toBe("ruby-lsp");
      chmodSync(write("fakebin/solargraph", "#!/bin/sh\n"), 0o755);
      expect(buildRegistry().specFor(rb)?.id).toBe("solargraph");
      const r = buildRegistry();
      const pylsp = write("ruby/.venv/bin/pylsp", "#!/bin/sh\n");
      chmodSync(pylsp, 0o755);
      expect(r.locate(r.get("pylsp")!, join(dir, "ruby/app"))).toEqual({ path: pylsp, where: "venv" });
      const vue = write("ruby/node_modules/.bin/vue-language-server", "#!/bin/sh\n");
      chmodSync(vue, 0o755);
      expect(r.resolveLaunch(r.get("vue")!, join(dir, "ruby/app")).command).toBe(vue);
    } finally {
      process.env.PATH = original;
    }
  });
});

describe("server roots from real files", () => {
  const r = buildRegistry();

  it("Go: a go.work above the modules roots one gopls for all; else the nearest go.mod", () => {
    write("go-mono/go.work", "go 1.19\nuse ./a\nuse ./b\n");
    write("go-mono/a/go.mod", "module example.com/a\n");
    const a = write("go-mono/a/pkg/x.go", "package pkg\n");
    expect(findServerRoot(a, dir, r.get("gopls")!)).toBe(join(dir, "go-mono"));
    write("go-nested/go.mod", "module example.com/outer\n");
    write("go-nested/tools/go.mod", "module example.com/tools\n");
    const t = write("go-nested/tools/t.go", "package tools\n");
    expect(findServerRoot(t, dir, r.get("gopls")!)).toBe(join(dir, "go-nested/tools"));
  });

  it("Rust: a Cargo.toml declaring [workspace] wins; a plain outer crate does not swallow a nested one", () => {
    write("rs-ws/Cargo.toml", '[workspace]\nmembers = ["crates/*"]\n');
    write("rs-ws/crates/core/Cargo.toml", '[package]\nname = "core"\n');
    const lib = write("rs-ws/crates/core/src/lib.rs", "");
    expect(findServerRoot(lib, dir, r.get("rust-analyzer")!)).toBe(join(dir, "rs-ws"));
    write("rs-plain/Cargo.toml", '[package]\nname = "outer"\n');
    write("rs-plain/fixtures/inner/Cargo.toml", '[package]\nname = "inner"\n');
    const inner = write("rs-plain/fixtures/inner/src/main.rs", "");
    expect(findServerRoot(inner, dir, r.get("rust-analyzer")!)).toBe(join(dir, "rs-plain/fixtures/inner"));
  });

  it("C#: a *.sln marks the root", () => {
    write("cs/App.sln", "");
    write("cs/src/App/App.csproj", "<Project />\n");
    const cs = write("cs/src/App/Program.cs", "");
    expect(findServerRoot(cs, dir, r.get("csharp")!)).toBe(join(dir, "cs"));
  });
});
