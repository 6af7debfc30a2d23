// What a long-running server (serve, app-server, the daemon) does with an exception nobody
// caught and a rejection nobody handled. Node's default ends the process, which would let any
// plugin's stray timer take every client's work down with it.
//
// The rule, by who threw (the first stack frame outside Node's own internals):
// - plugin code (a file outside the codeintel package and its dependencies): logged naming the
//   file, and the service keeps serving. A plugin's callback runs on its own turn of the event
//   loop, so its throw unwinds only the plugin's own frames; no core state is half updated.
// - our own code or a dependency of ours, or an exception with no stack to judge by: logged,
//   then exit 1 (language servers are killed by the engines' exit hooks and the orphan guard).
//   Such a throw may have left an invariant of the core half updated, and answering from
//   corrupt state is worse than a restart.
// - an unhandled rejection, whoever's: logged and serving goes on. A rejection only ends its
//   own async chain (the code that would have awaited it never runs), nothing half done in a
//   synchronous section, so it is a lost answer rather than corrupt state.
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packageRoot } from "../workspace/package-root.js";

export interface CrashPolicyOptions {
  log: (line: string) => void;
  /** Called for an exception from our own code, after it was logged; default: exit 1. */
  fatal?: (err: unknown) => void;
}

/** Installs the policy once per process; returns a function that removes it (tests). */
export function installCrashPolicy(options: CrashPolicyOptions): () => void {
  const fatal = options.fatal ?? (() => process.exit(1));
  const onException = (err: unknown) => {
    const plugin = pluginFileOf(err);
    if (plugin) {
      options.log(`codeintel: uncaught exception in plugin code (${plugin}), kept serving: ${describe(err)}`);
      return;
    }
    options.log(`codeintel: uncaught exception in codeintel, exiting: ${describe(err)}`);
    fatal(err);
  };
  const onRejection = (reason: unknown) => {
    const plugin = pluginFileOf(reason);
    options.log(plugin ? `codeintel: unhandled rejection in plugin code (${plugin}), kept serving: ${describe(reason)}` : `codeintel: unhandled failure: ${describe(reason)}`);
  };
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
  return () => {
    process.off("uncaughtException", onException);
    process.off("unhandledRejection", onRejection);
  };
}

let ownFolders: string[] | undefined;

/** The codeintel package and its dependencies, as real paths (node_modules may be a symlink). */
function ours(): string[] {
  if (ownFolders) return ownFolders;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const root = packageRoot();
  ownFolders = [...new Set([root, real(root), real(join(root, "node_modules"))])].map((p) => (p.endsWith("/") ? p : p + "/"));
  return ownFolders;
}

/**
 * The plugin file that threw, from the first frame of the stack that is not Node's own
 * (`node:` internals), when that frame's file lies outside codeintel and its dependencies; else
 * undefined. `file:///…/x.mjs:3:12` and `/…/x.js:3:12` frames are both understood.
 */
export function pluginFileOf(err: unknown): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    const m = /\(?((?:file:\/\/)?\/[^():]+?):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    // node:internal frames, native and anonymous ones name no file of their own: look further.
    if (!m) continue;
    const file = m[1]!.startsWith("file://") ? fileURLToPath(m[1]!) : m[1]!;
    if (ours().some((folder) => file.startsWith(folder))) return undefined;
    return `${file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}
