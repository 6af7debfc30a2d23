// LSP pool benchmark: per server on a real project, the cold first answer, warm
// hover/definition/references medians, and the overhead of the pool and of the tool
// layer over the same request sent with vscode-jsonrpc straight to a separately
// spawned server of the same kind, in the same run (budget: <= 2 ms median).
//
// Projects: TypeScript = ajv's lib/ sources (from node_modules, copied to a temp dir);
// Python = CPython's email/ package (/usr/lib/python3*/email, copied);
// bash and clangd = the small test fixtures (no real project of that kind is installed).

import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from "vscode-jsonrpc/node";
import { FileFinder } from "../src/files/finder.js";
import { killTree } from "../src/lsp/process-tree.js";
import { LspPool } from "../src/lsp/pool.js";
import { utf16ToColumn } from "../src/lsp/positions.js";
import { buildRegistry } from "../src/lsp/registry.js";
import { packageDir } from "../src/lsp/server-spec.js";
import { createNavigationTools } from "../src/tools/navigation.js";
import { SourceCache } from "../src/tools/navigation/common.js";
import { paginate, toEntries } from "../src/tools/navigation/render.js";
import { resolveTarget } from "../src/tools/navigation/target.js";
import type { Tool } from "../src/core/tool.js";

interface Project {
  label: string;
  serverId: string;
  root: string;
  /** File and the text whose start is the query position. */
  file: string;
  needle: string;
  occurrence?: number;
}

interface MethodRow {
  method: string;
  raw: number;
  pool: number;
  tool: number;
  /** Medians of the per-round differences (pool − raw, tool − raw): robust to drift on a shared machine. */
  poolOver: number;
  toolOver: number;
}

const ITERATIONS: Record<string, number> = { hover: 40, definition: 40, references: 30 };
const BUDGET_MS = 2;

export async function main(): Promise<void> {
  const work = realpathSync(mkdtempSync(join(tmpdir(), "codeintel-lsp-bench-")));
  try {
    const projects = prepareProjects(work);
    const cold: string[] = [];
    const warm: string[] = [];
    const cpu: string[] = [];
    for (const project of projects) {
      const result = await benchProject(project);
      cold.push(`| ${project.serverId} | ${project.label} | ${result.cold.toFixed(0)} ms |`);
      const c = result.cpu;
      cpu.push(`| ${project.serverId} | ${c.refs} in ${c.files} files | ${c.checks.toFixed(2)} | ${c.render.toFixed(2)} | ${(c.checks + c.render).toFixed(2)} |`);
      for (const m of result.methods) {
        warm.push(
          `| ${project.serverId} | ${m.method} | ${m.raw.toFixed(2)} | ${m.pool.toFixed(2)} | ${m.tool.toFixed(2)} | ${fmtSigned(m.poolOver)} | ${fmtSigned(m.toolOver)} | ${m.toolOver <= BUDGET_MS ? "yes" : "NO"} |`,
        );
      }
    }
    console.log("Cold start: pool created → first hover answered (spawn, initialize, project load).\n");
    console.log("| server | project | cold first answer |\n|---|---|---|\n" + cold.join("\n"));
    console.log(`\nWarm medians in ms (raw = vscode-jsonrpc straight to its own server; pool = LspPool; tool = the agent tool incl. input checks and rendering). Overheads are medians of per-round differences against raw. Budget: tool overhead <= ${BUDGET_MS} ms.\n`);
    console.log("| server | method | raw | pool | tool | pool overhead | tool overhead | within budget |\n|---|---|---|---|---|---|---|---|\n" + warm.join("\n"));
    console.log("\nTool-layer CPU alone for references (no server round trip, so free of the server's noise): input checks (path confinement, binary check, position conversion) and rendering (snippets, UTF-16 → columns, grouping). Medians in ms.\n");
    console.log("| server | references | input checks | rendering | total |\n|---|---|---|---|---|\n" + cpu.join("\n"));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function prepareProjects(work: string): Project[] {
  const projects: Project[] = [];
  const ajv = packageDir("ajv");
  if (ajv && existsSync(join(ajv, "lib/core.ts"))) {
    const root = join(work, "ajv");
    cpSync(join(ajv, "lib"), join(root, "lib"), { recursive: true });
    writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "ES2020", module: "commonjs", noEmit: true }, include: ["lib"] }));
    const files = countFiles(join(root, "lib"), ".ts");
    projects.push({ label: `ajv lib/ (${files} .ts files)`, serverId: "typescript", root, file: join(root, "lib/core.ts"), needle: "SchemaEnv({schema, schemaId, meta" });
  } else {
    console.log("(skipping TypeScript: ajv is not installed in node_modules)");
  }
  const pyLib = readdirSync("/usr/lib").filter((d) => /^python3\.\d+$/.test(d)).sort().pop();
  if (pyLib && existsSync(join("/usr/lib", pyLib, "email/message.py"))) {
    const root = join(work, "pyemail");
    cpSync(join("/usr/lib", pyLib, "email"), join(root, "email"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
    writeFileSync(join(root, "pyproject.toml"), '[project]\nname = "email-bench"\nversion = "0"\n');
    const files = countFiles(join(root, "email"), ".py");
    projects.push({ label: `CPython ${pyLib.slice(6)} email/ (${files} .py files)`, serverId: "pyright", root, file: join(root, "email/message.py"), needle: "_splitparam(value)[0].lower()" });
  } else {
    console.log("(skipping Python: no /usr/lib/python3.*/email)");
  }
  const fixtures = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
  if (existsSync(fixtures)) {
    const sh = join(work, "sh");
    cpSync(join(fixtures, "sh"), sh, { recursive: true });
    projects.push({ label: "test fixture (2 files)", serverId: "bash", root: sh, file: join(sh, "main.sh"), needle: "greet world" });
    const c = join(work, "c");
    cpSync(join(fixtures, "c"), c, { recursive: true });
    projects.push({ label: "test fixture (3 files)", serverId: "clangd", root: c, file: join(c, "main.c"), needle: "circle_area(&c));" });
  }
  return projects;
}

interface CpuRow {
  refs: number;
  files: number;
  checks: number;
  render: number;
}

async function benchProject(p: Project): Promise<{ cold: number; methods: MethodRow[]; cpu: CpuRow }> {
  const text = readFileSync(p.file, "utf8");
  const position = positionOf(text, p.needle);
  const lineText = text.split("\n")[position.line];
  const userPos = { line: position.line + 1, column: utf16ToColumn(lineText, position.character) };
  const relFile = p.file.slice(p.root.length + 1);

  const finder = new FileFinder({ watch: false });
  const pool = new LspPool({ roots: [p.root], files: finder, config: { servers: {}, lsp: { timeouts: { "textDocument/references": 120_000 } }, raw: {} } });
  const tools = new Map(createNavigationTools({ pool, roots: [p.root] }).map((t) => [t.name, t as Tool]));
  const raw = await RawServer.start(p.serverId, p.root);
  try {
    const t0 = performance.now();
    await pool.hover(p.file, position);
    const cold = performance.now() - t0;

    raw.open(p.file, text);
    const ctx = { signal: new AbortController().signal };
    const toolInput = { file: relFile, line: userPos.line, column: userPos.column, limit: 1000 };
    const methods: MethodRow[] = [];
    for (const method of ["hover", "definition", "references"] as const) {
      const lspMethod = `textDocument/${method}`;
      const params = { textDocument: { uri: pathToFileURL(p.file).href }, position, ...(method === "references" ? { context: { includeDeclaration: true } } : {}) };
      // Warm up all three paths (the raw server may still be loading its project).
      for (let i = 0; i < 3; i++) {
        await raw.until(lspMethod, params);
        await poolCall(pool, method, p.file, position);
        await tools.get(method)!.run(toolInput, ctx);
      }
      const times = { raw: [] as number[], pool: [] as number[], tool: [] as number[] };
      const runs: Record<keyof typeof times, () => Promise<unknown>> = {
        raw: () => raw.request(lspMethod, params),
        pool: () => poolCall(pool, method, p.file, position),
        tool: () => tools.get(method)!.run(toolInput, ctx),
      };
      for (let i = 0; i < ITERATIONS[method]; i++) {
        // Rotate the order so no path always runs right after another's cache warm-up.
        const order = (["raw", "pool", "tool"] as const).map((_, k, a) => a[(i + k) % 3]);
        for (const which of order) {
          const s = performance.now();
          await runs[which]();
          times[which].push(performance.now() - s);
        }
      }
      methods.push({
        method,
        raw: median(times.raw),
        pool: median(times.pool),
        tool: median(times.tool),
        poolOver: median(times.pool.map((t, i) => t - times.raw[i])),
        toolOver: median(times.tool.map((t, i) => t - times.raw[i])),
      });
    }
    const locations = await pool.references(p.file, position);
    const checks: number[] = [];
    const render: number[] = [];
    for (let i = 0; i < 40; i++) {
      let s = performance.now();
      const target = await resolveTarget({ pool, roots: [p.root] }, toolInput, ctx.signal);
      checks.push(performance.now() - s);
      s = performance.now();
      const sources = new SourceCache([p.root]);
      sources.seed(p.file, target.text);
      paginate(toEntries(locations, sources), 1000, 0);
      render.push(performance.now() - s);
    }
    const cpu = { refs: locations.length, files: new Set(locations.map((l) => l.uri)).size, checks: median(checks), render: median(render) };
    return { cold, methods, cpu };
  } finally {
    await pool.dispose();
    await finder.close();
    await raw.stop();
  }
}

function poolCall(pool: LspPool, method: string, file: string, position: { line: number; character: number }): Promise<unknown> {
  if (method === "hover") return pool.hover(file, position);
  if (method === "definition") return pool.definition(file, position);
  return pool.references(file, position);
}

/** The baseline: a server of the same kind spoken to directly, with no pool, no checks, no conversion. */
class RawServer {
  private constructor(
    private readonly connection: MessageConnection,
    private readonly pid: number,
  ) {}

  static async start(serverId: string, root: string): Promise<RawServer> {
    const registry = buildRegistry();
    const spec = registry.get(serverId)!;
    const launch = registry.resolveLaunch(spec);
    const child = spawn(launch.command, launch.args, { cwd: root, stdio: ["pipe", "pipe", "ignore"], detached: true });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    connection.onRequest("workspace/configuration", (params: { items: { section?: string }[] }) =>
      params.items.map((item) => {
        let node: unknown = spec.settings ?? null;
        for (const part of (item.section ?? "").split(".").filter(Boolean)) node = (node as Record<string, unknown> | null)?.[part] ?? null;
        return node;
      }),
    );
    connection.onRequest(() => null);
    connection.onNotification(() => undefined);
    connection.listen();
    const rootUri = pathToFileURL(root).href;
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: "bench" }],
      capabilities: { textDocument: { hover: { contentFormat: ["markdown"] }, definition: { linkSupport: true } }, workspace: { configuration: true } },
      initializationOptions: spec.initializationOptions ?? {},
    });
    await connection.sendNotification("initialized", {});
    await connection.sendNotification("workspace/didChangeConfiguration", { settings: spec.settings ?? {} });
    return new RawServer(connection, child.pid!);
  }

  open(file: string, text: string): void {
    void this.connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri: pathToFileURL(file).href, languageId: buildRegistry().languageIdFor(buildRegistry().specFor(file)!, file), version: 1, text },
    });
  }

  request(method: string, params: unknown): Promise<unknown> {
    return this.connection.sendRequest(method, params);
  }

  /** Repeats a request until it returns something (the server may still be loading). */
  async until(method: string, params: unknown, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await this.request(method, params);
      if (r !== null && !(Array.isArray(r) && r.length === 0)) return;
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest("shutdown"), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification("exit");
    } catch {
      // killed below
    }
    this.connection.dispose();
    await killTree(this.pid, 1000);
  }
}

function positionOf(text: string, needle: string): { line: number; character: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`benchmark anchor '${needle}' not found`);
  const before = text.slice(0, index);
  const line = before.split("\n").length - 1;
  return { line, character: index - (before.lastIndexOf("\n") + 1) };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function fmtSigned(v: number): string {
  return (v >= 0 ? "+" : "") + v.toFixed(2);
}

function countFiles(dir: string, ext: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith(ext)) n++;
  return n;
}
