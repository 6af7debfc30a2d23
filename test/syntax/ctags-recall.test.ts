// Recall of the syntactic tier against Universal Ctags (Debian's universal-ctags, installed by
// scripts/setup.sh) as an independent oracle, on two real projects: codeintel's own TypeScript
// (src/, workers/) and click (python3-click). Expectation, written before the first run: at
// least 95% of ctags' class/interface/enum/function/method tags found with the same name on the
// same line; the misses are printed by kind.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parseFiles } from "../../src/syntax/parse-files.js";

const repo = join(import.meta.dirname, "..", "..");
const CLICK = "/usr/lib/python3/dist-packages/click";
/** ctags' kind names for the declarations the issue measures (Python's methods are "member"). */
const MEASURED = new Set(["class", "interface", "enum", "function", "method", "member"]);

interface Tag { path: string; name: string; line: number; kind: string }

function ctags(root: string, language: string, dirs: string[]): Tag[] {
  let out: string;
  try {
    out = execFileSync("ctags", ["--output-format=json", "--fields=+nK", "-f", "-", "-R", `--languages=${language}`, ...dirs], { cwd: root, encoding: "utf8", maxBuffer: 1 << 28 });
  } catch (err) {
    throw new Error(`universal-ctags is needed as the oracle (apt-get install universal-ctags; scripts/setup.sh does): ${(err as Error).message}`, { cause: err });
  }
  return out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Tag).filter((t) => MEASURED.has(t.kind));
}

async function recall(root: string, language: string, dirs: string[]) {
  const tags = ctags(root, language, dirs);
  const paths = [...new Set(tags.map((t) => relative(root, join(root, t.path))))];
  const found = new Map<string, Set<string>>();
  for (const r of await parseFiles(root, paths)) {
    if (r.status !== "ok") throw new Error(`${r.path}: ${r.status}`);
    const keys = new Set<string>();
    for (const s of r.symbols) {
      keys.add(`${s.name}@${s.selectionRange.start.line + 1}`);
      keys.add(`${s.name}@${s.range.start.line + 1}`);
    }
    found.set(r.path, keys);
  }
  const misses = tags.filter((t) => !found.get(relative(root, join(root, t.path)))?.has(`${t.name}@${t.line}`));
  const byKind: Record<string, string[]> = {};
  for (const m of misses) (byKind[m.kind] ??= []).push(`${m.path}:${m.line} ${m.name}`);
  const total: Record<string, number> = {};
  for (const t of tags) total[t.kind] = (total[t.kind] ?? 0) + 1;
  console.log(`${language}: ${tags.length - misses.length}/${tags.length} ctags tags found (${(100 * (1 - misses.length / tags.length)).toFixed(1)}%); per kind ${JSON.stringify(total)}; misses by kind:\n${JSON.stringify(byKind, null, 1)}`);
  return { tags: tags.length, found: tags.length - misses.length };
}

describe("recall against Universal Ctags", () => {
  it("codeintel's own TypeScript: at least 95% of ctags' class/interface/enum/function/method tags", async () => {
    const r = await recall(repo, "TypeScript", ["src", "workers"]);
    expect(r.tags).toBeGreaterThan(300);
    expect(r.found / r.tags).toBeGreaterThanOrEqual(0.95);
  });

  it("click (python3-click): at least 95% of ctags' class/function/member tags", async () => {
    expect(existsSync(CLICK), `${CLICK} is missing: apt-get install python3-click`).toBe(true);
    const r = await recall(CLICK, "Python", ["."]);
    expect(r.tags).toBeGreaterThan(300);
    expect(r.found / r.tags).toBeGreaterThanOrEqual(0.95);
  });
});
