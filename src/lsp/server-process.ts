// The operating-system side of one language server: a detached process (a process-group
// leader, so its whole tree — tsserver under typescript-language-server, clangd's workers —
// can be killed), the tail of what it wrote to stderr, and the ways it ends.
//
//   const proc = new ServerProcess(launch, cwd, onExit)   spawns at once; onExit(reason) runs once
//   proc.pid / proc.stdin / proc.stdout
//   proc.running()                 false as soon as it exited, its pipe closed or codeintel killed it
//   proc.remember(text)            adds lines to the log tail (window/logMessage errors too)
//   proc.logTail()                 the last lines, for error messages
//   proc.kill(reason)              immediate SIGKILL of the tree; false when already killed
//   proc.killedBecause             why codeintel killed it, if it did
//   proc.end(graceMs)              waits up to graceMs for it to exit, then SIGTERM → SIGKILL of the tree
//   proc.killOrphans()             SIGKILL whatever of its tree is left (after an exit)

import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { killTree, processTree, signalTree } from "./process-tree.js";
import type { Launch } from "./registry.js";
import { delay } from "./wait.js";

const TAIL_LINES = 20;

export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;
  private readonly stderrTail: string[] = [];
  /** Why codeintel killed a server that still ran (hung, or it reported its inner process dead). */
  killedBecause?: string;

  constructor(launch: Launch, cwd: string, onExit: (reason: string) => void) {
    const child = spawn(launch.command, launch.args, {
      cwd,
      env: { ...process.env, ...launch.env },
      stdio: ["pipe", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        onExit(code === null ? `killed by ${signal}` : `exited with code ${code}`);
        resolve();
      });
      child.once("error", (err) => {
        onExit(`could not be started: ${err.message}`);
        resolve();
      });
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => this.remember(chunk));
    child.stdin!.on("error", () => {
      // EPIPE when the server died; the exit handler reports it
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stdin(): Writable {
    return this.child.stdin!;
  }

  get stdout(): Readable {
    return this.child.stdout!;
  }

  running(): boolean {
    const child = this.child;
    return child.exitCode === null && child.signalCode === null && !child.stdin?.destroyed && this.killedBecause === undefined;
  }

  remember(text: string): void {
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      this.stderrTail.push(line.slice(0, 300) + "\n");
      if (this.stderrTail.length > TAIL_LINES) this.stderrTail.shift();
    }
  }

  logTail(): string {
    return this.stderrTail.join("").trim();
  }

  kill(reason: string): boolean {
    const pid = this.child.pid;
    if (pid === undefined || this.killedBecause !== undefined) return false;
    this.killedBecause = reason;
    this.remember(`[codeintel] ${reason}\n`);
    signalTree(pid, processTree(pid), "SIGKILL");
    return true;
  }

  async end(graceMs: number): Promise<void> {
    const { child } = this;
    if (child.pid === undefined) return;
    if (child.exitCode === null && child.signalCode === null) await Promise.race([this.exited, delay(graceMs)]);
    await killTree(child.pid, 1000);
  }

  /** Children of a crashed server must not outlive it. */
  killOrphans(): void {
    const pid = this.child.pid;
    if (pid !== undefined) signalTree(pid, processTree(pid), "SIGKILL");
  }

  /** Whether it can still be asked to shut down politely. */
  canShutDown(): boolean {
    return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }
}
