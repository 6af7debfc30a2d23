// The one way a tool call enters the service, whichever transport carries it (MCP,
// app-server, the in-process API): admission through the intake gate, the tool looked up,
// beforeTool hooks, the run (schema check, cancellation, progress), afterTool hooks.
// Transports keep only their wire: how a call, its cancellation and its progress are encoded.
//
//   dispatch.admit()                  an intake slot (release() it once), or ToolError "overloaded"
//   dispatch.tool(name)               the tool, or ToolError "invalid_input" naming the known ones
//   dispatch.run(name, input, ctx)    runs a tool under a slot the caller holds
//   dispatch.prepare(name, input)     beforeTool hooks, then the schema check: a call's input as run() would run it
//   dispatch.call(name, input, ctx)   admit, run, release: the in-process API
//   dispatch.drain(ms)                waits for in-process calls, then cancels those still running
//   dispatch.observe(fn)              fn sees every call run and how it ended (the recorder); returns the unsubscribe
import { checkToolInput, runTool, type ToolCatalog } from "./catalog.js";
import { withinDeadline } from "./deadline.js";
import type { IntakeGate } from "./intake.js";
import { isPlainObject } from "./schema-check.js";
import { ToolError, type Tool, type ToolContext, type ToolResult } from "./tool.js";

/**
 * Called around every tool call, in registration order. Each may return a replacement (of the
 * input, of the result) that the next hook and the caller see; returning nothing keeps it. A hook
 * that throws, or does not settle within the hook deadline, is logged and skipped.
 */
export interface ToolHooks {
  beforeTool?(call: { tool: string; input: Record<string, unknown> }): MaybePromise<Record<string, unknown> | void>;
  afterTool?(call: { tool: string; input: Record<string, unknown>; result: ToolResult }): MaybePromise<ToolResult | void>;
}

type MaybePromise<T> = T | Promise<T>;

/** A call as it ended: the input the caller sent (before hooks) and the answer it got (after them), or the error. */
export type CallOutcome = { tool: string; input: unknown; elapsedMs: number } & ({ result: ToolResult } | { error: unknown });
export type CallObserver = (outcome: CallOutcome) => void;

/** Hooks with the name logs use for them (a plugin's path). */
export interface NamedHooks {
  source: string;
  hooks: ToolHooks;
}

export interface DispatchOptions {
  catalog: ToolCatalog;
  gate: IntakeGate;
  hooks?: readonly NamedHooks[];
  /** Where a failing hook is reported. */
  log?: (line: string) => void;
  /** How long one hook may take before it is skipped (default 5 s): a hook that never settles must not hang the call. */
  hookTimeoutMs?: number;
}

export const DEFAULT_HOOK_TIMEOUT_MS = 5_000;

export interface Admission {
  /** Gives the slot back; later calls do nothing. */
  release(): void;
}

export class ToolDispatch {
  readonly catalog: ToolCatalog;
  readonly gate: IntakeGate;
  private readonly hooks: readonly NamedHooks[];
  private readonly log: (line: string) => void;
  private readonly hookTimeoutMs: number;
  private readonly inProcess = new Set<{ done: Promise<unknown>; controller: AbortController }>();
  private readonly observers = new Set<CallObserver>();

  constructor(options: DispatchOptions) {
    this.catalog = options.catalog;
    this.gate = options.gate;
    this.hooks = options.hooks ?? [];
    this.log = options.log ?? (() => undefined);
    this.hookTimeoutMs = options.hookTimeoutMs ?? DEFAULT_HOOK_TIMEOUT_MS;
  }

  admit(): Admission {
    const admitted = this.gate.tryEnter();
    if (admitted !== "ok") {
      throw new ToolError("overloaded", admitted === "full" ? "overloaded; retry later" : "shutting down; not accepting requests");
    }
    let released = false;
    return {
      release: () => {
        if (!released) this.gate.leave();
        released = true;
      },
    };
  }

  tool(name: string): Tool {
    const tool = this.catalog.get(name);
    if (!tool) throw new ToolError("invalid_input", `unknown tool '${name}' (known: ${this.catalog.names.join(", ")})`);
    return tool;
  }

  observe(observer: CallObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  async run(name: string, input: unknown, ctx: ToolContext): Promise<ToolResult> {
    if (this.observers.size === 0) return this.runHooked(name, input, ctx);
    const started = performance.now();
    const notify = (ended: { result: ToolResult } | { error: unknown }) => {
      const outcome = { tool: name, input, elapsedMs: Math.round(performance.now() - started), ...ended };
      for (const observer of this.observers) {
        try {
          observer(outcome);
        } catch (err) {
          this.log(`codeintel: a call observer failed on ${name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    };
    try {
      const result = await this.runHooked(name, input, ctx);
      notify({ result });
      return result;
    } catch (error) {
      notify({ error });
      throw error;
    }
  }

  private async runHooked(name: string, input: unknown, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.tool(name);
    const args = await this.beforeHooks(name, input);
    let result = await runTool(tool, args, ctx);
    for (const { source, hooks } of this.hooks) {
      if (!hooks.afterTool) continue;
      const amended = await this.guardHook(source, "afterTool", name, () => hooks.afterTool!({ tool: name, input: args as Record<string, unknown>, result }));
      if (isToolResult(amended)) result = amended;
    }
    return result;
  }

  /**
   * A call's input after the beforeTool hooks, checked against the tool's schema (ToolError
   * invalid_input): for work that runs as a tool's call but not through run(), such as each
   * query of a streaming file search.
   */
  async prepare(name: string, input: unknown): Promise<Record<string, unknown>> {
    const tool = this.tool(name);
    const args = await this.beforeHooks(name, input);
    return checkToolInput(tool, args);
  }

  async call(name: string, input: unknown, ctx: ToolContext): Promise<ToolResult> {
    this.tool(name);
    const admission = this.admit();
    // Cancelled by the caller, or by drain() when close() has waited long enough.
    const controller = new AbortController();
    const signal = AbortSignal.any([ctx.signal, controller.signal]);
    const done = this.run(name, input, { ...ctx, signal });
    const entry = { done, controller };
    this.inProcess.add(entry);
    try {
      return await done;
    } finally {
      this.inProcess.delete(entry);
      admission.release();
    }
  }

  /** Resolves once every in-process call has settled; after `timeoutMs` the rest are cancelled. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.inProcess.size === 0) return;
    const settled = Promise.allSettled([...this.inProcess].map((c) => c.done));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
    const outcome = await Promise.race([settled, late]);
    clearTimeout(timer);
    if (outcome !== "late") return;
    for (const c of this.inProcess) c.controller.abort();
    await Promise.allSettled([...this.inProcess].map((c) => c.done));
  }

  private async beforeHooks(name: string, input: unknown): Promise<unknown> {
    let args = input;
    if (!isPlainObject(args)) return args;
    for (const { source, hooks } of this.hooks) {
      if (!hooks.beforeTool) continue;
      const amended = await this.guardHook(source, "beforeTool", name, () => hooks.beforeTool!({ tool: name, input: args as Record<string, unknown> }));
      if (isPlainObject(amended)) args = amended;
    }
    return args;
  }

  private async guardHook<T>(source: string, hook: string, tool: string, fn: () => MaybePromise<T>): Promise<T | undefined> {
    try {
      const outcome = await withinDeadline(fn, this.hookTimeoutMs);
      if (!outcome.late) return outcome.value;
      this.log(`codeintel: ${source}: ${hook} hook on ${tool} did not settle within ${this.hookTimeoutMs} ms, skipped`);
      return undefined;
    } catch (err) {
      this.log(`codeintel: ${source}: ${hook} hook failed on ${tool}, skipped: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  }
}

function isToolResult(v: unknown): v is ToolResult {
  return isPlainObject(v) && typeof v.text === "string";
}
