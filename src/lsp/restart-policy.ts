// When a failed server is tried again. A crash restarts it with backoff (restartBackoffMs,
// doubling up to restartBackoffCapMs); maxRestarts failures in a row mark it broken, and a
// broken server is tried again after a cool-down that doubles each time it fails again
// (brokenCooldownMs up to brokenCooldownCapMs). A success, restart() or a config change
// clears the record. One record per (server id, server root).
//
//   new FailureLog(settings)
//   log.record(serverId, root, reason) → FailureRecord   one more failure in a row
//   log.get(serverId, root) / log.succeeded(serverId, root)
//   log.clear(serverId?) → the (serverId, root) pairs cleared
//   brokenError(spec, root, record)    the error a caller gets while the server is broken: why,
//                                      when it is tried again, and how to fix it now
//   MAX_INLINE_WAIT_MS                 backoff longer than this is not waited out inside a call

import { LspError } from "./errors.js";
import type { PoolSettings } from "./pool-settings.js";
import type { ServerSpec } from "./registry.js";
import type { ServerLocation } from "./routing.js";

export interface FailureRecord {
  count: number;
  lastReason: string;
  nextAttemptAt: number;
  broken: boolean;
}

/** A call does not sleep through a longer backoff: its caller gets "retry later" instead. */
export const MAX_INLINE_WAIT_MS = 5_000;

const keyOf = (serverId: string, root: string): string => `${serverId}\0${root}`;

export class FailureLog {
  private readonly records = new Map<string, FailureRecord & ServerLocation>();

  constructor(private readonly settings: PoolSettings) {}

  get(serverId: string, root: string): FailureRecord | undefined {
    return this.records.get(keyOf(serverId, root));
  }

  succeeded(serverId: string, root: string): void {
    this.records.delete(keyOf(serverId, root));
  }

  record(serverId: string, root: string, reason: string): FailureRecord {
    const { settings } = this;
    const count = (this.get(serverId, root)?.count ?? 0) + 1;
    const maxRestarts = settings.get("maxRestarts");
    const broken = count >= maxRestarts;
    const wait = broken
      ? Math.min(settings.get("brokenCooldownMs") * 2 ** (count - maxRestarts), settings.get("brokenCooldownCapMs"))
      : Math.min(settings.get("restartBackoffMs") * 2 ** (count - 1), settings.get("restartBackoffCapMs"));
    const record = { serverId, root, count, lastReason: reason, nextAttemptAt: Date.now() + wait, broken };
    this.records.set(keyOf(serverId, root), record);
    return record;
  }

  clear(serverId?: string): ServerLocation[] {
    const cleared: ServerLocation[] = [];
    for (const [key, r] of [...this.records]) {
      if (serverId !== undefined && r.serverId !== serverId) continue;
      this.records.delete(key);
      cleared.push({ serverId: r.serverId, root: r.root });
    }
    return cleared;
  }
}

export function brokenError(spec: ServerSpec, root: string, failure: FailureRecord): LspError {
  const retryIn = Math.max(1, Math.ceil((failure.nextAttemptAt - Date.now()) / 1000));
  const retryAt = new Date(failure.nextAttemptAt).toISOString();
  return new LspError(
    "unavailable",
    `language server '${spec.id}' is marked broken for ${root}: it failed ${failure.count} times in a row (last: ${failure.lastReason}). ` +
      `codeintel tries it again in ${retryIn} s (at ${retryAt}), on the first call after that. ` +
      `To fix: check that it runs (${spec.command.join(" ")}); ${spec.install}. Then retry at once with the restart tool ` +
      `(\`codeintel restart ${spec.id} --url ws://HOST:PORT\`), or edit codeintel.json (reloaded when saved).`,
    { serverId: spec.id, broken: true, retryAt },
  );
}
