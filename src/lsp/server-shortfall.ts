// The one rule for a server that cannot contribute to an answer several servers make up (live
// workspace symbols, the symbol index): why it did not, in one line per server. A missing,
// broken or slow server removes only its own part of such an answer; the answer says which
// servers are missing from it and why, and never fails because of one of them.
//
//   shortfallOf(serverId, err)       → ServerShortfall (why: not_installed | broken | timeout | loading | failed)
//   shortfallLine(s)                  → "marksman is not installed (To fix: ...)", one line
//   describeShortfalls(list)          → one line per server, the same server said once

import { firstLineOf, LspError } from "./errors.js";
import type { ShortfallKind } from "../protocol/index.js";
export type { ShortfallKind } from "../protocol/index.js";



export interface ServerShortfall {
  serverId: string;
  why: ShortfallKind;
  /** The server's error, first line only. */
  detail: string;
}

/** Marks an error as "this server is not installed" (registry.resolveLaunch throws these). */
export function notInstalledError(serverId: string, message: string): LspError {
  return new LspError("unavailable", message, { serverId, notInstalled: true });
}

/** Read structurally (code, data), so errors that crossed a worker or a wire still count. */
type ErrorShape = { code?: unknown; data?: { notInstalled?: unknown; broken?: unknown } };

export function isNotInstalled(err: unknown): boolean {
  return (err as ErrorShape | null)?.data?.notInstalled === true;
}

export function shortfallOf(serverId: string, err: unknown): ServerShortfall {
  const detail = firstLineOf(err instanceof Error ? err.message : String(err));
  const e = (err ?? {}) as ErrorShape;
  if (isNotInstalled(err)) return { serverId, why: "not_installed", detail };
  if (e.data?.broken === true) return { serverId, why: "broken", detail };
  if (e.code === "timeout") return { serverId, why: "timeout", detail };
  if (e.code === "indexing") return { serverId, why: "loading", detail };
  return { serverId, why: "failed", detail };
}

/** One line naming the server and why it did not contribute (the error says what to do). */
export function shortfallLine(s: ServerShortfall): string {
  const lead = { not_installed: "did not answer (not installed)", broken: "did not answer (broken)", timeout: "did not answer (timed out)", loading: "was still loading", failed: "did not answer" }[s.why];
  // The registry's and supervisor's messages already start with "language server 'x' ...".
  return `${s.serverId} ${lead}: ${s.detail.replace(new RegExp(`^language server '${escape(s.serverId)}' `), "")}`;
}

/** One line per server (the first reason seen for it), in the order they came. */
export function describeShortfalls(list: readonly ServerShortfall[]): string[] {
  const seen = new Map<string, ServerShortfall>();
  for (const s of list) if (!seen.has(s.serverId)) seen.set(s.serverId, s);
  return [...seen.values()].map(shortfallLine);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
