// How a CLI command runs one tool of the catalog: through the project's daemon (warm after the
// first call), or in this process with --no-daemon, --trust, or when the daemon cannot start.
// Both ways print the same bytes and exit with the same code; a tool error is one stderr line
// `codeintel CMD: [code] message`, exit 1 (130 when cancelled by a signal).
//
//   serviceOptions               --config, --trust, --no-daemon, as every such command takes them
//   runToolCommand(call, print)  runs it, prints through `print`, resolves to the exit code
//   defaultRoot(file?)           the project root a command serves when -r is not given
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CodeIntel, CodeIntelOptions } from "../codeintel.js";
import { ClientError } from "../client/errors.js";
import { ToolError, type ToolResult } from "../core/tool.js";
import { isInside } from "../workspace/paths.js";
import type { OptionSpec } from "./command.js";

export const serviceOptions = {
  config: { type: "string", value: "PATH", help: "codeintel.json to use (default: the one at the root, if any)" },
  trust: { type: "boolean", help: "run the project codeintel.json's plugins and server commands this once, trusted\nor not (answers in-process; see codeintel trust; also CODEINTEL_TRUST=1)" },
  "no-daemon": { type: "boolean", help: "answer in this process instead of through the project's background daemon\n(also CODEINTEL_NO_DAEMON=1; see codeintel daemon)" },
} as const satisfies Record<string, OptionSpec>;

export interface ToolCommand {
  /** `codeintel NAME`, for messages. */
  command: string;
  tool: string;
  input: Record<string, unknown>;
  /** The project roots: the daemon serving them, or the in-process service's. */
  roots: string[];
  config?: string;
  cacheDir?: string;
  trust?: boolean;
  noDaemon?: boolean;
  /** How the in-process service is composed for this command (what it must load). */
  inProcess: Pick<CodeIntelOptions, "symbolIndex" | "engines">;
}

export async function runToolCommand(call: ToolCommand, print: (result: ToolResult) => void): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const run = useDaemon(call) ? viaDaemon : inProcess;
  try {
    const result = await run(call, controller.signal);
    if (result === undefined) return 1;
    print(result);
    return 0;
  } catch (e) {
    // The daemon's answer carries the tool's error code, so both ways print the same line.
    const code = e instanceof ToolError || e instanceof ClientError ? e.code : "error";
    process.stderr.write(`codeintel ${call.command}: ${code === "error" ? "" : `[${code}] `}${e instanceof Error ? e.message : String(e)}\n`);
    return code === "cancelled" && controller.signal.aborted ? 130 : 1;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}

/** The git work tree holding `file` (or the current folder), else the current folder, else the file's folder. */
export function defaultRoot(file?: string): string {
  const start = file ? dirname(file) : process.cwd();
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) break;
  }
  const cwd = process.cwd();
  return !file || isInside(cwd, file) ? cwd : dirname(file);
}

/** undefined: it failed and said so on stderr. */
type Runner = (call: ToolCommand, signal: AbortSignal) => Promise<ToolResult | undefined>;

/** A daemon serves existing folders; a bad --root goes in-process, whose error says what is wrong. */
function useDaemon(call: ToolCommand): boolean {
  if (call.noDaemon || process.env.CODEINTEL_NO_DAEMON === "1") return false;
  // A daemon decides trust once, from the trust list, for every later call: one trusted run is answered here.
  if (call.trust || process.env.CODEINTEL_TRUST === "1") return false;
  return call.roots.every((r) => existsSync(r) && statSync(r).isDirectory());
}

const viaDaemon: Runner = async (call, signal) => {
  const { ensureDaemon } = await import("../daemon/ensure.js");
  // The daemon logs what trust left out to its own log; the person at this terminal needs to see it.
  await printTrustNotice(call);
  let client;
  try {
    client = await ensureDaemon({ roots: call.roots, configPath: call.config, cacheDir: call.cacheDir });
  } catch (e) {
    process.stderr.write(`codeintel ${call.command}: the daemon is unavailable (${e instanceof Error ? e.message : String(e)}); answering in-process\n`);
    return inProcess(call, signal);
  }
  try {
    return await client.call(call.tool, call.input, { signal });
  } finally {
    await client.close();
  }
};

const inProcess: Runner = async (call, signal) => {
  const { createCodeIntel } = await import("../codeintel.js");
  let ci: CodeIntel;
  try {
    ci = await createCodeIntel({ roots: call.roots, configPath: call.config, cacheDir: call.cacheDir, watch: false, trust: call.trust || undefined, ...call.inProcess });
  } catch (e) {
    process.stderr.write(`codeintel ${call.command}: ${e instanceof Error ? e.message : String(e)}\n`);
    return undefined;
  }
  try {
    return await ci.call(call.tool, call.input, { signal });
  } finally {
    await ci.close();
  }
};

/** The line saying what the project's codeintel.json may not run here, if anything (a bad file: the daemon says). */
async function printTrustNotice(call: ToolCommand): Promise<void> {
  const { resolveRoots } = await import("../workspace/paths.js");
  try {
    const roots = resolveRoots(call.roots);
    // No codeintel.json, nothing to trust: the config reader and its schema checker (ajv, about
    // 150 ms of a warm call through the daemon) are not loaded.
    if (!call.config && !roots.some((r) => existsSync(join(r, "codeintel.json")))) return;
    const [{ loadConfig }, { applyTrust }] = await Promise.all([import("../workspace/config.js"), import("../workspace/trust.js")]);
    const { notice } = applyTrust(loadConfig({ roots, explicitPath: call.config }), roots);
    if (notice) process.stderr.write(notice + "\n");
  } catch {
    // The daemon reports a config it cannot read; nothing to add here.
  }
}
