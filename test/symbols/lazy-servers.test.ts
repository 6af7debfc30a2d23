// Nothing started that nobody asked for (issue 20): a service with the background index on, over
// a project in four languages, starts no language server until a call needs one; after a hover
// on a .ts file the background pass asks the TypeScript server only, the other files keeping
// their ctags/syntax rows. codeintel.json's symbolIndex.languages names servers to index anyway,
// and an explicit index asks every server. Real servers, counted by the pool's spawn events.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/codeintel.js";
import type { IndexProgress } from "../../src/symbols/indexer.js";
import { eventually } from "../support/eventually.js";
import { tempDir } from "./helpers.js";

let ci: CodeIntel | undefined;
const cleanups: (() => void)[] = [];

afterEach(async () => {
  await ci?.close();
  ci = undefined;
  for (const c of cleanups.splice(0)) c();
});

function project(config?: object): { root: string; cacheDir: string } {
  const { dir, cleanup } = tempDir("lazy-servers");
  cleanups.push(cleanup);
  const root = join(dir, "project");
  const files: Record<string, string> = {
    "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true }, include: ["src"] }),
    "src/widget.ts": "export class Widget {\n  render(): number {\n    return 1;\n  }\n}\nexport function makeWidget(): Widget {\n  return new Widget();\n}\n",
    "py/shapes.py": "class Circle:\n    def area(self):\n        return 3.14\n\ndef make_circle():\n    return Circle()\n",
    "scripts/build.sh": "#!/bin/sh\nbuild_all() {\n  echo build\n}\n",
    "data/settings.json": JSON.stringify({ name: "x", port: 1 }),
    ...(config ? { "codeintel.json": JSON.stringify(config) } : {}),
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return { root, cacheDir: join(dir, "cache") };
}

async function service(where: { root: string; cacheDir: string }) {
  const spawned: string[] = [];
  const passes: IndexProgress[] = [];
  const c = await createCodeIntel({ roots: [where.root], cacheDir: where.cacheDir, watch: false, symbolIndex: "eager", trust: true, log: () => {}, onIndexProgress: (_r, p) => p.phase === "done" && passes.push(p) });
  c.events.subscribe(({ event: e }) => {
    if (e.type === "server" && e.state === "spawn") spawned.push(e.serverId);
  });
  ci = c;
  return { ci: c, spawned, passes };
}

describe("the background index starts only the servers asked for", () => {
  it("starts none until a call needs one; after a hover on a .ts file it asks the TypeScript server only", async () => {
    const where = project();
    const s = await service(where);
    const first = await eventually(() => s.passes[0], "the first background pass");
    expect(s.spawned).toEqual([]);
    expect(first.deferred).toBeGreaterThanOrEqual(3);
    expect(first.deferredServers).toEqual(expect.arrayContaining(["typescript", "pyright", "bash"]));
    // The fast tiers answer meanwhile.
    const before = await s.ci.workspaceSymbols({ query: "make_circle" });
    expect(before.results[0]).toMatchObject({ name: "make_circle", source: "syntax" });
    expect(s.spawned).toEqual([]);

    const hover = await s.ci.hover({ file: join(where.root, "src/widget.ts"), symbol: "makeWidget" });
    expect(JSON.stringify(hover.contents)).toMatch(/makeWidget/);
    const second = await eventually(() => s.passes[1], "the pass for the TypeScript server", 60_000);
    expect(second.indexed).toBe(1);
    expect(second.deferredServers).not.toContain("typescript");
    expect(new Set(s.spawned)).toEqual(new Set(["typescript"]));
    const ts = await s.ci.workspaceSymbols({ query: "makeWidget" });
    expect(ts.results[0]).toMatchObject({ name: "makeWidget", source: "lsp" });
    const py = await s.ci.workspaceSymbols({ query: "make_circle" });
    expect(py.results[0]).toMatchObject({ source: "syntax" });
  }, 120_000);

  it("indexes the servers codeintel.json names (symbolIndex.languages), and an explicit index asks every server", async () => {
    const where = project({ symbolIndex: { languages: ["py"] } });
    const s = await service(where);
    const first = await eventually(() => s.passes[0], "the first background pass", 60_000);
    expect(first.deferredServers).not.toContain("pyright");
    expect(first.deferredServers).toContain("typescript");
    expect(s.spawned).toContain("pyright");
    expect(s.spawned).not.toContain("typescript");

    const report = await s.ci.index({});
    expect(report).toMatchObject({ cancelled: false });
    expect(s.spawned).toEqual(expect.arrayContaining(["pyright", "typescript", "bash"]));
  }, 180_000);
});
