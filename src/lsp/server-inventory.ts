// Every server the registry knows, as a user or an agent needs to see it to tell why a
// file gets no answer: its languages and extensions, whether it is installed and where,
// its version, whether it is running for a root, which extensions it answers for now
// (another installed server may take them), and how to install it.
//
//   serverInventory(registry, running, { root, within }) → ServerInventoryEntry[]   (table order)
//     root: where project-local installs are looked for; within: the roots whose running servers count

import { execFile } from "node:child_process";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import type { CommandLocation, ServerRegistry, ServerSpec } from "./registry.js";
import type { ServerInventoryEntry } from "../protocol/index.js";
export type { ServerInventoryEntry } from "../protocol/index.js";


export interface RunningServer {
  serverId: string;
  root: string;
  state: string;
  pid?: number;
}

const VERSION_TIMEOUT_MS = 5000;

export async function serverInventory(
  registry: ServerRegistry,
  running: readonly RunningServer[],
  { root, within }: { root: string; within: readonly string[] },
): Promise<ServerInventoryEntry[]> {
  const known: Array<{ spec: ServerSpec; status: ServerInventoryEntry["status"] }> = [
    ...registry.specs.map((spec) => ({ spec, status: "active" as const })),
    ...registry.inactive.map((i) => ({ spec: i.spec, status: i.reason === "opt-in" ? ("opt-in" as const) : ("disabled" as const) })),
  ];
  return Promise.all(
    known.map(async ({ spec, status }) => {
      const location = registry.locate(spec, root);
      const probed = location ? await probeVersion(registry, spec, location) : {};
      const extensions = Object.keys(spec.languageIds);
      return {
        id: spec.id,
        languages: spec.languages,
        extensions,
        status,
        installed: location !== undefined,
        location,
        ...probed,
        answersFor: status === "active" ? extensions.filter((ext) => registry.specFor(join(root, ext.startsWith(".") ? `file${ext}` : ext))?.id === spec.id) : [],
        running: running.filter((r) => r.serverId === spec.id && within.some((w) => r.root === w || r.root.startsWith(w + sep))).map((r) => ({ root: r.root, state: r.state, pid: r.pid })),
        install: spec.install,
      };
    }),
  );
}

/** npm servers report their package versions; others run their version command (in parallel, bounded). */
async function probeVersion(registry: ServerRegistry, spec: ServerSpec, location: CommandLocation): Promise<{ version?: string; problem?: string }> {
  if (location.where === "codeintel" && spec.command.some((a) => a.startsWith("npm:"))) return { version: registry.version(spec) };
  if (spec.version) return { version: spec.version };
  // A node_modules/.bin link: the package it belongs to says its version (not every server has --version).
  if (location.path.includes(`${sep}node_modules${sep}.bin${sep}`)) {
    const pkg = owningPackage(location.path);
    if (pkg) return { version: `${pkg.name}@${pkg.version}` };
  }
  return new Promise((resolve) => {
    execFile(location.path, spec.versionArgs ?? ["--version"], { encoding: "utf8", timeout: VERSION_TIMEOUT_MS }, (err, stdout, stderr) => {
      const first = (text: string) => text.split("\n").find((l) => l.trim() !== "")?.trim();
      if (err) resolve({ problem: `'${[location.path, ...(spec.versionArgs ?? ["--version"])].join(" ")}' failed: ${first(stderr) ?? err.message}` });
      else resolve({ version: first(stdout) ?? first(stderr) ?? "unknown" });
    });
  });
}

function owningPackage(binLink: string): { name: string; version: string } | undefined {
  try {
    for (let dir = dirname(realpathSync(binLink)); dirname(dir) !== dir; dir = dirname(dir)) {
      const file = join(dir, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return { name: pkg.name, version: pkg.version };
    }
  } catch {
    // An unreadable link or package.json: fall back to the version command.
  }
  return undefined;
}
