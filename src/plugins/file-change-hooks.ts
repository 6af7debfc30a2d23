// Delivers the watcher's changes to plugins' fileChanged hooks without letting a hook feed
// itself. Each plugin gets its changes one call at a time, coalesced: what arrives while its hook
// runs waits, one entry per path (the latest kind). A hook that writes under a root makes the
// watcher report its own write, which would call it again, forever (a real plugin looped 2,712
// times on one edit). So a change that arrives while that plugin's hook runs, or within `echoMs`
// after, is counted as a possible echo of it: one path's echoes reach the plugin at most
// `echoRepeats` times per `echoWindowMs`, then are dropped with one warning naming the plugin.
// Changes that arrive while the plugin is quiet (a person editing) are always delivered.
//
//   const hooks = new FileChangeHooks(plugins.fileChanged, limits, log)
//   hooks.notify({ root, path, kind })        from the watcher
//   hooks.close()                             drops what is queued
import { withinDeadline } from "../core/deadline.js";
import type { FileChange } from "./plugin-api.js";
import type { PluginLimits } from "./plugin-settings.js";

export interface FileChangedHook {
  source: string;
  fn: (change: FileChange) => void | Promise<void>;
}

export class FileChangeHooks {
  private readonly feeds: PluginFeed[];

  constructor(hooks: readonly FileChangedHook[], limits: PluginLimits, log: (line: string) => void) {
    this.feeds = hooks.map((h) => new PluginFeed(h, limits, log));
  }

  notify(change: FileChange): void {
    for (const feed of this.feeds) feed.offer(change);
  }

  close(): void {
    for (const feed of this.feeds) feed.close();
  }
}

class PluginFeed {
  private readonly pending = new Map<string, FileChange>();
  private running = false;
  private closed = false;
  private quietSince = -Infinity;
  /** Per path: when its recent echoes were delivered. */
  private readonly echoes = new Map<string, number[]>();
  private warned = false;

  constructor(
    private readonly hook: FileChangedHook,
    private readonly limits: PluginLimits,
    private readonly log: (line: string) => void,
  ) {}

  offer(change: FileChange): void {
    if (this.closed) return;
    const key = `${change.root}\0${change.path}`;
    if (this.pending.has(key)) {
      // Coalesced: one call for the path, with what happened last.
      this.pending.set(key, change);
      return;
    }
    if (this.isEcho() && !this.admitEcho(key, change)) return;
    this.pending.set(key, change);
    void this.drain();
  }

  close(): void {
    this.closed = true;
    this.pending.clear();
  }

  private isEcho(): boolean {
    return this.running || performance.now() - this.quietSince < this.limits.echoMs;
  }

  private admitEcho(key: string, change: FileChange): boolean {
    const now = performance.now();
    const recent = (this.echoes.get(key) ?? []).filter((t) => now - t < this.limits.echoWindowMs);
    if (recent.length >= this.limits.echoRepeats) {
      this.echoes.set(key, recent);
      if (!this.warned) {
        this.warned = true;
        this.log(
          `codeintel: ${this.hook.source}: its fileChanged hook keeps being told of ${change.path}, which changes while it runs (does the hook write it?); ` +
            `such repeats are ignored (pluginLimits.echoRepeats ${this.limits.echoRepeats} per ${this.limits.echoWindowMs} ms)`,
        );
      }
      return false;
    }
    recent.push(now);
    this.echoes.set(key, recent);
    if (this.echoes.size > 10_000) this.forgetOldEchoes(now);
    return true;
  }

  private forgetOldEchoes(now: number): void {
    for (const [key, times] of this.echoes) if (times.every((t) => now - t >= this.limits.echoWindowMs)) this.echoes.delete(key);
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.closed && this.pending.size > 0) {
        const [key, change] = this.pending.entries().next().value as [string, FileChange];
        this.pending.delete(key);
        await this.call(change);
      }
    } finally {
      this.running = false;
      this.quietSince = performance.now();
    }
  }

  private async call(change: FileChange): Promise<void> {
    try {
      const outcome = await withinDeadline(() => this.hook.fn(change), this.limits.hookTimeoutMs);
      if (outcome.late) this.log(`codeintel: ${this.hook.source}: fileChanged hook on ${change.path} did not settle within ${this.limits.hookTimeoutMs} ms, skipped`);
    } catch (err) {
      // A plugin's hook never takes the watcher down.
      this.log(`codeintel: ${this.hook.source}: fileChanged hook failed, skipped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
