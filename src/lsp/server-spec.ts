// What a language server is to codeintel (ServerSpec), and where a server shipped as an npm
// dependency lives. Its own module so that the table (known-servers.ts) and the registry that
// reads it (registry.ts) both import it and not each other.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

export interface ServerSpec {
  id: string;
  /** Languages it serves, as people name them (the `servers` listing, the README table). */
  languages: string[];
  /** Extension (with dot, lower case) or exact file name (`Dockerfile`) → LSP languageId. */
  languageIds: Record<string, string>;
  /**
   * Files or folders whose presence marks a project root ("*.sln": any file with that
   * extension); the outermost one inside the codeintel root wins, or the nearest one when
   * the spec has workspaceMarkers.
   */
  rootMarkers: string[];
  /**
   * Markers of a workspace spanning several projects (go.work; a Cargo.toml declaring
   * [workspace]): the outermost one wins over rootMarkers. `contains` tests the file's text.
   */
  workspaceMarkers?: Array<{ file: string; contains?: RegExp }>;
  /** argv; a first element of "node" means the Node running codeintel; "npm:<pkg>/<file>" resolves inside our node_modules. */
  command: string[];
  /** Where else a bare command is looked for before PATH: the project's node_modules/.bin (and codeintel's own), a virtualenv. */
  lookIn?: Array<"node_modules" | "venv">;
  /** Takes no file until codeintel.json enables it (`"servers": { "<id>": {} }`). */
  optIn?: boolean;
  env?: Record<string, string>;
  initializationOptions?: unknown;
  settings?: Record<string, unknown>;
  install: string;
  /** Version for fingerprints: fixed, or computed from package versions / the command's version output. */
  version?: string;
  /** Arguments that print the version (default `--version`). */
  versionArgs?: string[];
  /** npm packages besides the command's whose versions are part of the server's (the TypeScript it loads). */
  versionPackages?: string[];
  /**
   * For servers that load in the background without $/progress: log lines that mark
   * the start and end of loading. The server counts as loading from spawn until `end` matches.
   */
  logReadiness?: { begin: RegExp; end: RegExp; title: string };
  /**
   * A window/logMessage that means the server can no longer answer although its own
   * process runs on (its inner worker died): the client kills it, so the pool restarts it
   * instead of passing on empty answers as if they were real.
   */
  fatalLog?: RegExp;
  builtIn: boolean;
}

const requireHere = createRequire(import.meta.url);

/** Directory of an installed npm package, searched the way Node would from this module. */
export function packageDir(name: string): string | undefined {
  for (const base of requireHere.resolve.paths(name) ?? []) {
    const dir = join(base, name);
    if (existsSync(join(dir, "package.json"))) return dir;
  }
  return undefined;
}
