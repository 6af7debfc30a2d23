// Every tool schema under hostile arguments: for each tool in the catalog the server lists
// (plugins' too), arguments generated from its inputSchema with type mutations, extra keys
// (Object.prototype names too), huge strings and arrays, odd numbers and paths that lead out of
// the root. Called through the app-server (`--listen unix://`, as a method and as tools/call)
// and through the MCP SDK's own client against `codeintel serve` over stdio, one compiled
// process each. Every answer is a documented error or a result that matches the tool's
// outputSchema, within the deadline, and none carries anything from outside the root.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { Ajv, type ValidateFunction } from "ajv";
import fc from "fast-check";
import { randomUUID } from "node:crypto";
import { createConnection } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, repoRoot, SocketRpcClient, testCacheDir, type RpcMessage } from "../service/helpers.js";
import { DOCUMENTED_CODES, outsidePaths, toolCall, type ToolCall } from "./arbitraries.js";
import { FailureLog, ServerProcess, Tally, assertNoLeak, fuzzParameters, hostileProject, within, type HostileProject } from "./harness.js";
import { assertStillServing } from "./rpc-check.js";
import { toolSeeds, type ToolSeed } from "./seeds.js";

interface ToolInfo {
  name: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
}

const PLUGINS = {
  "codeintel.json": JSON.stringify({ plugins: ["./plugins/echo.mjs", "./plugins/bad-schema.mjs"] }),
  "plugins/echo.mjs": `export default () => ({ tools: [{
    name: "echo_len", description: "Length of a string.",
    inputSchema: { type: "object", properties: { text: { type: "string", maxLength: 100 }, times: { type: "integer", minimum: 1, maximum: 3 } }, required: ["text"], additionalProperties: false },
    outputSchema: { type: "object", properties: { length: { type: "integer" } }, required: ["length"] },
    async run({ text }) { return { text: String(text.length), structured: { length: text.length } }; },
  }] });\n`,
  // known: plugin schemas were not validated (only their top-level type): this one must be refused at load.
  "plugins/bad-schema.mjs": `export default () => ({ tools: [{
    name: "bad_schema", description: "A tool whose input schema is not a JSON Schema.",
    inputSchema: { type: "object", properties: { n: { type: "intger", minimum: "zero" } }, required: "n", additionalProperties: "no" },
    async run() { return { text: "ran" }; },
  }] });\n`,
};

const tally = new Tally();
const failures = new FailureLog();
const ajv = new Ajv({ strict: false, allErrors: false });
let project: HostileProject;
let seq = 0;
/** The catalog as the app-server lists it (the same project, so the same tools MCP serves). */
let catalog: ToolInfo[] = [];

function strings(p: HostileProject): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom("src/util.rb", "src/Widget.java", "README.md", "notes.txt", "src", ".", "alpha", "Widget", "Widget.render", "render", "Util.beta", "both", "incoming", "class", "function", "**/*.java", "src/", p.markerQuery) },
    { weight: 3, arbitrary: fc.constantFrom(...outsidePaths(p.base)) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  );
}

function validatorFor(tool: ToolInfo): ValidateFunction | undefined {
  return tool.outputSchema ? ajv.compile(tool.outputSchema) : undefined;
}

function checkStructured(tool: ToolInfo, validate: ValidateFunction | undefined, structured: unknown, label: string): void {
  if (validate && !validate(structured)) throw new Error(`a result that does not match ${tool.name}'s outputSchema (${ajv.errorsText(validate.errors)}): ${JSON.stringify(structured).slice(0, 200)} for ${label}`);
}

// ---------------------------------------------------------------------------------------------
// The app-server, on a unix socket: a hostile client and a well-behaved one.

describe("every tool schema through the app-server", () => {
  let server: ServerProcess;
  let socketPath: string;
  let hostile: SocketRpcClient;
  let good: SocketRpcClient;
  let tools: ToolInfo[];
  const validators = new Map<string, ValidateFunction | undefined>();

  async function connect(): Promise<SocketRpcClient> {
    const socket = createConnection(socketPath);
    await within(new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject)), "connecting");
    const client = new SocketRpcClient(socket);
    await within(client.initialize(), "initialize");
    return client;
  }

  async function start(): Promise<void> {
    // The project's codeintel.json names plugins: they load only in a trusted folder.
    server = ServerProcess.spawn(["app-server", "--listen", `unix://${socketPath}`, project.root], { CODEINTEL_TRUST: "1" });
    await server.listening();
    hostile = await connect();
    good = await connect();
  }

  async function recover(): Promise<void> {
    if (server.alive) {
      hostile.socket.destroy();
      hostile = await connect();
      return;
    }
    await start();
  }

  const stillServing = (after: string) => assertStillServing(server, good, after);

  async function call(c: ToolCall, viaToolsCall: boolean, expectError?: "invalid_input"): Promise<void> {
    tally.add("app-server");
    const label = `${viaToolsCall ? "tools/call" : "method"} ${c.describe}`;
    const tool = tools.find((t) => t.name === c.name)!;
    const params = viaToolsCall ? { name: c.name, arguments: c.arguments } : c.arguments;
    const answer: RpcMessage = await within(hostile.start(viaToolsCall ? "tools/call" : c.name, params, `t-${++seq}`).response, label);
    assertNoLeak(project, JSON.stringify(answer), label);
    if (answer.error) {
      const { code, message } = answer.error;
      if (!DOCUMENTED_CODES.has(code)) throw new Error(`error ${code} (${message.slice(0, 200)}) is not a documented code, for ${label}`);
      if (expectError === "invalid_input" && code !== -32602) throw new Error(`error ${code} (${message.slice(0, 200)}), expected -32602 invalid_input, for ${label}`);
      return;
    }
    if (expectError) throw new Error(`a result (${JSON.stringify(answer.result).slice(0, 200)}), expected an ${expectError} error, for ${label}`);
    const structured = viaToolsCall ? (answer.result as { structured?: unknown }).structured : answer.result;
    checkStructured(tool, validators.get(c.name), structured, label);
  }

  beforeAll(async () => {
    project = hostileProject(PLUGINS);
    socketPath = join(project.base, "sock", "tools.sock");
    await start();
    tools = (await good.request<{ tools: ToolInfo[] }>("tools/list")).tools;
    catalog = tools;
    for (const t of tools) validators.set(t.name, validatorFor(t));
  });

  afterAll(async () => {
    tally.report("tools");
    hostile?.socket.destroy();
    good?.socket.destroy();
    await server.stop();
  });

  it("lists the built-ins and the good plugin's tool, not the plugin whose schema is invalid (known)", () => {
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["find_files", "hover", "workspace_symbols", "index", "echo_len"]));
    expect(names).not.toContain("bad_schema");
  });

  for (const seed of toolSeeds) {
    it(`seed: ${seed.name}`, async () => {
      await recover();
      const c: ToolCall = { name: seed.tool, arguments: seed.arguments(project), describe: `seed "${seed.name}"` };
      for (const viaToolsCall of [false, true]) await call(c, viaToolsCall, seed.error);
      await stillServing(seed.name);
    });
  }

  it("generated arguments for every tool", async () => {
    await recover();
    const arb = fc.constantFrom(...tools).chain((t) => fc.tuple(toolCall(t, strings(project)), fc.boolean()));
    await fc.assert(
      fc.asyncProperty(arb, async ([c, viaToolsCall]) => {
        await failures.guard(async () => {
          await call(c, viaToolsCall, c.mustRefuse ? "invalid_input" : undefined);
          await stillServing(c.describe);
        }, recover);
      }),
      fuzzParameters(10 * tools.length),
    );
    failures.assertNone("tools through the app-server");
  });
});

// ---------------------------------------------------------------------------------------------
// MCP: the SDK's own client against `codeintel serve` over stdio.

describe("every tool schema through MCP (the SDK client)", () => {
  let client: Client;
  let transport: StdioClientTransport;
  let tools: ToolInfo[];
  let closed = false;
  let stderr = "";

  async function start(): Promise<void> {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "serve", project.root],
      cwd: repoRoot,
      env: { ...(process.env as Record<string, string>), CODEINTEL_TEST_MARKER: randomUUID(), CODEINTEL_CACHE_DIR: testCacheDir(), CODEINTEL_TRUST: "1" },
      stderr: "pipe",
    });
    transport.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-20_000)));
    client = new Client({ name: "hostile", version: "0" });
    client.onclose = () => (closed = true);
    closed = false;
    await within(client.connect(transport), "the MCP handshake");
  }

  async function recover(): Promise<void> {
    if (!closed) return;
    await start();
  }

  function assertAlive(after: string): void {
    if (closed) throw new Error(`the MCP server went away after ${after}; stderr:\n${stderr.slice(-3000)}`);
  }

  async function stillServing(after: string): Promise<void> {
    assertAlive(after);
    const r = await within(client.callTool({ name: "find_files", arguments: { query: "widget" } }), `a well-formed find_files after ${after}`);
    const files = (r.structuredContent as { results?: Array<{ path: string }> } | undefined)?.results;
    if (files?.[0]?.path !== "src/Widget.java") throw new Error(`a well-formed find_files answered ${JSON.stringify(r).slice(0, 300)}, after ${after}`);
  }

  async function call(c: ToolCall, expectError?: ToolSeed["error"]): Promise<void> {
    tally.add("mcp");
    const label = `MCP ${c.describe}`;
    let answer: Awaited<ReturnType<Client["callTool"]>>;
    try {
      answer = await within(client.callTool({ name: c.name, arguments: c.arguments as Record<string, unknown> }, undefined, { timeout: 60_000 }), label);
    } catch (err) {
      if (err instanceof McpError) {
        // The SDK's own checks (arguments not an object, a result not matching outputSchema) and protocol errors.
        if (/Structured content does not match|Tool .* has an output schema but did not return/.test(err.message)) throw new Error(`${err.message.slice(0, 300)} for ${label}`, { cause: err });
        if (err.code === -32603) throw new Error(`MCP internal error ${err.message.slice(0, 200)} for ${label}`, { cause: err });
        assertNoLeak(project, err.message, label);
        return;
      }
      if (err instanceof Error && /no answer within/.test(err.message)) throw err;
      assertAlive(label);
      throw new Error(`the SDK client threw ${String(err).slice(0, 300)} for ${label}`, { cause: err });
    }
    assertNoLeak(project, JSON.stringify(answer), label);
    const text = (answer.content as Array<{ text?: string }> | undefined)?.[0]?.text ?? "";
    if (answer.isError) {
      if (/^internal\b/.test(text)) throw new Error(`an internal error (${text.slice(0, 200)}) for ${label}`);
      if (expectError && !text.startsWith(`${expectError}:`)) throw new Error(`error ${JSON.stringify(text.slice(0, 200))}, expected ${expectError}, for ${label}`);
      return;
    }
    if (expectError) throw new Error(`a result (${text.slice(0, 200)}), expected an ${expectError} error, for ${label}`);
  }

  beforeAll(async () => {
    project ??= hostileProject(PLUGINS);
    await start();
    // Not from client.listTools(): the SDK refuses the whole list when one tool's schema is invalid (the test below).
    tools = catalog.length > 0 ? catalog : ((await client.listTools()).tools as ToolInfo[]);
  });

  afterAll(async () => {
    await client?.close();
    tally.report("tools");
    project.cleanup();
  });

  it("lists a catalog the SDK client accepts (known: a plugin's invalid schema made the SDK refuse the whole list)", async () => {
    const listed = await within(client.listTools(), "tools/list");
    expect(listed.tools.map((t) => t.name)).toContain("echo_len");
  });

  for (const seed of toolSeeds) {
    it(`seed: ${seed.name}`, async () => {
      await recover();
      await call({ name: seed.tool, arguments: seed.arguments(project), describe: `seed "${seed.name}"` }, seed.error);
      await stillServing(seed.name);
    });
  }

  it("generated arguments for every tool", async () => {
    await recover();
    // The SDK client sends `arguments` as an object; other shapes are the app-server's part.
    const arb = fc.constantFrom(...tools).chain((t) => toolCall(t, strings(project)).filter((c) => typeof c.arguments === "object" && c.arguments !== null && !Array.isArray(c.arguments)));
    await fc.assert(
      fc.asyncProperty(arb, async (c) => {
        await failures.guard(async () => {
          await call(c, c.mustRefuse ? "invalid_input" : undefined);
          await stillServing(c.describe);
        }, recover);
      }),
      fuzzParameters(8 * tools.length),
    );
    failures.assertNone("tools through MCP");
  });
});
