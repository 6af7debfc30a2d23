// The standard SCIP indexers, run from codeintel's own node_modules (both are npm dependencies)
// on a root, each writing a .scip file: scip-typescript for TypeScript/JavaScript projects,
// scip-python for Python ones, given an empty --environment file so it asks pip nothing (an
// installed package's symbols then stay unresolved: they answer from the other tiers).
//
//   indexersFor(root)                        → which apply, judged by the root's project files
//   await runIndexer(indexer, root, out, { signal, onLine }) → the .scip written at `out`
import { spawn } from "node:child_process";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type IndexerName = "scip-typescript" | "scip-python";

export interface IndexerOptions {
  signal?: AbortSignal;
  /** Each line the indexer prints (its progress). */
  onLine?: (line: string) => void;
  /** scip-typescript: the tsconfig projects to index, folders relative to the root (default: the root's). */
  projects?: string[];
}

const TS_MARKERS = ["tsconfig.json", "jsconfig.json", "package.json"];
const PY_MARKERS = ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"];

/** The indexers for the languages the root's top level shows (project files, or .py files). */
export function indexersFor(root: string): IndexerName[] {
  const names = new Set(readdirSync(root));
  const out: IndexerName[] = [];
  if (TS_MARKERS.some((m) => names.has(m))) out.push("scip-typescript");
  if (PY_MARKERS.some((m) => names.has(m)) || [...names].some((n) => n.endsWith(".py"))) out.push("scip-python");
  return out;
}

/** Runs one indexer on `root`, writing `out`; rejects with its last lines when it fails. */
export async function runIndexer(indexer: IndexerName, root: string, out: string, options: IndexerOptions = {}): Promise<void> {
  const args = indexer === "scip-typescript" ? typescriptArgs(root, out, options.projects ?? []) : pythonArgs(out);
  const tail: string[] = [];
  const child = spawn(process.execPath, [entryOf(indexer), ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"], signal: options.signal });
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split(/\r?\n/)) {
      const text = line.trim();
      if (!text) continue;
      tail.push(text);
      if (tail.length > 10) tail.shift();
      options.onLine?.(text);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  if (code !== 0 || !existsSync(out)) {
    throw new Error(`${indexer} failed on ${root} (exit ${code ?? "by signal"})${tail.length ? `:\n  ${tail.join("\n  ")}` : ""}`);
  }
}

function typescriptArgs(root: string, out: string, projects: string[]): string[] {
  const hasConfig = existsSync(join(root, "tsconfig.json")) || existsSync(join(root, "jsconfig.json"));
  return ["index", "--no-progress-bar", "--output", out, ...(hasConfig || projects.length > 0 ? [] : ["--infer-tsconfig"]), ...projects];
}

function pythonArgs(out: string): string[] {
  // An empty environment: the indexer would otherwise run `pip list` and `pip show` for one.
  const environment = `${out}.environment.json`;
  writeFileSync(environment, "[]\n");
  return ["index", "--environment", environment, "--output", out];
}

const require = createRequire(import.meta.url);

function entryOf(indexer: IndexerName): string {
  const pkg = `@sourcegraph/${indexer}/package.json`;
  const manifest = require(pkg) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === "string" ? manifest.bin : manifest.bin[indexer]!;
  return join(dirname(require.resolve(pkg)), bin);
}
