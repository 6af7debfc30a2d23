// `codeintel trust [DIR] | --list | --remove DIR`: the folders whose codeintel.json may run
// plugins and language-server commands (src/workspace/trust.ts). A daemon serving the folder was
// started under the old answer, so it is stopped: the next command starts one that knows.
import { resolve } from "node:path";
import { stopDaemon } from "../daemon/ensure.js";
import { daemonPaths, listDaemons } from "../daemon/locate.js";
import { addTrusted, isTrusted, removeTrusted, trustedFolders, trustListPath } from "../workspace/trust.js";
import { defineCommand, UsageError } from "./command.js";

export const trust = defineCommand(
  {
    name: "trust",
    usage: ["trust [DIR]", "trust --list", "trust --remove DIR"],
    description: `A codeintel.json inside a project can name plugins and language-server commands: code that
runs when codeintel opens the folder. They run only in trusted folders (as an editor's workspace
trust, or direnv allow); elsewhere they are skipped with a note, and the rest still works.
trust DIR (default: the current folder) trusts DIR and every folder inside it. For one run
instead: --trust on serve, app-server and the navigation commands, or CODEINTEL_TRUST=1.
The list: ${trustListPath()}.`,
    positionals: "DIR",
    options: {
      list: { type: "boolean", help: "print the trusted folders" },
      remove: { type: "string", value: "DIR", help: "stop trusting DIR" },
    },
    footer: "Examples:\n  codeintel trust .\n  codeintel trust --list\n  codeintel trust --remove ~/src/some-clone",
  },
  async ({ values, positionals }) => {
    if (positionals.length > 1) throw new UsageError(`expected one DIR, got ${positionals.length}`);
    if ([values.list, values.remove !== undefined, positionals.length > 0].filter(Boolean).length > 1) throw new UsageError("give one of DIR, --list, --remove DIR");
    if (values.list) {
      const folders = trustedFolders();
      process.stdout.write(folders.length ? folders.join("\n") + "\n" : "no trusted folders\n");
      return 0;
    }
    if (values.remove !== undefined) {
      const removed = removeTrusted(values.remove);
      if (removed.length === 0) {
        process.stderr.write(`codeintel trust: ${resolve(values.remove)} is not in the trust list${isTrusted(values.remove) ? " (a folder above it is: remove that one)" : ""}\n`);
        return 1;
      }
      await stopDaemonsUnder(removed);
      process.stdout.write(`no longer trusted: ${removed.join(", ")}\n`);
      return 0;
    }
    let real: string;
    try {
      real = addTrusted(positionals[0] ?? ".");
    } catch (err) {
      process.stderr.write(`codeintel trust: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
    await stopDaemonsUnder([real]);
    process.stdout.write(`trusted: ${real}\n`);
    return 0;
  },
);

/** Stops the daemons with a root in one of `folders`: they decided trust when they started. */
async function stopDaemonsUnder(folders: string[]): Promise<void> {
  for (const d of listDaemons()) {
    if (d.roots.some((r) => isTrusted(r, folders))) await stopDaemon(daemonPaths(d));
  }
}
