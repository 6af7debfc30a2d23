// No import circle in src/ or workers/ (issue 19 found codeintel.ts ↔ plugins and
// known-servers ↔ registry): a circle makes module order matter at load and hides which of two
// modules is the lower one. Imports are read with TypeScript's own pre-processor, type-only
// imports included (they couple the modules as much for a reader).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../support/compiled.js";

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** file → the files of src/ and workers/ it imports. */
function importGraph(): Map<string, string[]> {
  const files = [...sourceFiles(join(repoRoot, "src")), ...sourceFiles(join(repoRoot, "workers"))];
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const imports = ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles.map((i) => i.fileName);
      const local = imports.filter((f) => f.startsWith(".")).map((f) => resolve(dirname(file), f.replace(/\.js$/, ".ts")));
      return [file, local.filter((f) => known.has(f))];
    }),
  );
}

/** The strongly connected components of more than one file (Tarjan), each a circle of imports. */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(relative(repoRoot, w));
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("imports", () => {
  it("form no circle in src/ or workers/", () => {
    expect(circles(importGraph())).toEqual([]);
  });

  it("are read as the circle finder needs: a circle of two files is found", () => {
    const a = join(repoRoot, "src/a.ts");
    const b = join(repoRoot, "src/b.ts");
    expect(circles(new Map([[a, [b]], [b, [a]], [join(repoRoot, "src/c.ts"), [a]]]))).toEqual([["src/a.ts", "src/b.ts"]]);
    // The real graph has the edges it should: registry reads the table, the table does not read the registry.
    const graph = importGraph();
    expect(graph.get(join(repoRoot, "src/lsp/registry.ts"))).toContain(join(repoRoot, "src/lsp/known-servers.ts"));
    expect(graph.get(join(repoRoot, "src/lsp/known-servers.ts"))).not.toContain(join(repoRoot, "src/lsp/registry.ts"));
  });
});
