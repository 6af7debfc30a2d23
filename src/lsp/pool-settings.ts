// The pool's tuning: codeintel.json "lsp" (see workspace/config.ts) over the built-in
// defaults, and the time limits of each step, capped by what is left of the current tool
// call's budget (call-budget.ts).
//
//   new PoolSettings(() => config)     reads the config at each use, so a reload applies at once
//   settings.get(key)                  one tuning value (ms or a count)
//   settings.timeoutFor(method)        a request's timeout within the call's budget
//   settings.readyWaitMs()             how long a call waits for a loading server before asking anyway
//   DEFAULT_TIME_LIMITS                the built-in limits, so a test can hold them against MCP clients' timeout

import type { CodeintelConfig } from "../workspace/config.js";
import { timeLeftInCall } from "./call-budget.js";

/** The built-in tuning; schema/codeintel.schema.json states the same defaults (a test holds them equal). */
export const DEFAULT_POOL_SETTINGS = {
  idleTimeoutMs: 10 * 60_000,
  maxOpenDocuments: 200,
  readyTimeoutMs: 20_000,
  /**
   * How long hover, definition and references wait for a loading server before they answer
   * approximately from the syntax tier (where a grammar reads the file) instead.
   */
  approximateAfterMs: 5_000,
  maxRestarts: 3,
  restartBackoffMs: 500,
  restartBackoffCapMs: 30_000,
  /** A broken server is tried again after this, doubling while it keeps failing, up to the cap. */
  brokenCooldownMs: 60_000,
  brokenCooldownCapMs: 15 * 60_000,
  /**
   * Everything one tool call waits for (start, load, requests, a retry). The MCP SDK's client
   * gives up after 60 s with a generic error; this leaves room for the transport and rendering.
   */
  callBudgetMs: 50_000,
};

export type PoolSettingKey = keyof typeof DEFAULT_POOL_SETTINGS;

// Every one of these is under the call budget, so a slow step fails with its own message.
const METHOD_TIMEOUTS: Record<string, number> = {
  initialize: 30_000,
  "textDocument/hover": 15_000,
  "textDocument/definition": 20_000,
  "textDocument/typeDefinition": 20_000,
  "textDocument/implementation": 30_000,
  "textDocument/references": 45_000,
  "textDocument/documentSymbol": 20_000,
  "textDocument/diagnostic": 30_000,
  "workspace/symbol": 30_000,
  "textDocument/prepareCallHierarchy": 20_000,
  "callHierarchy/incomingCalls": 45_000,
  "callHierarchy/outgoingCalls": 30_000,
};
const DEFAULT_TIMEOUT = 20_000;

export const DEFAULT_TIME_LIMITS = {
  callBudgetMs: DEFAULT_POOL_SETTINGS.callBudgetMs,
  readyTimeoutMs: DEFAULT_POOL_SETTINGS.readyTimeoutMs,
  methods: { ...METHOD_TIMEOUTS, "(other)": DEFAULT_TIMEOUT },
};

export class PoolSettings {
  constructor(private readonly config: () => CodeintelConfig) {}

  get(key: PoolSettingKey): number {
    const v = (this.config().lsp as Record<string, number | undefined>)[key];
    return v ?? DEFAULT_POOL_SETTINGS[key];
  }

  timeoutFor(method: string): number {
    const configured = this.config().lsp.timeouts?.[method] ?? METHOD_TIMEOUTS[method] ?? DEFAULT_TIMEOUT;
    // A start is shared by every caller waiting for it: callers stop waiting on their own budget (supervisor's awaitStart).
    return method === "initialize" ? configured : Math.max(1, Math.min(configured, timeLeftInCall()));
  }

  readyWaitMs(): number {
    return Math.min(this.get("readyTimeoutMs"), timeLeftInCall());
  }
}
