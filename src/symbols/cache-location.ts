// Where a root's symbol database lives: outside the project tree, in the user's cache
// directory, one file per root keyed by a hash of the root's real path.
import { createHash } from "node:crypto";
import { realpathSync } from "node:fs";
import { homedir, platform } from "node:os";
import { basename, join, resolve } from "node:path";

/**
 * The folder that holds codeintel's symbol databases: `$CODEINTEL_CACHE_DIR` if set, else the
 * platform's user cache folder (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches`
 * on macOS, `%LOCALAPPDATA%` on Windows) + `/codeintel`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CODEINTEL_CACHE_DIR) return resolve(env.CODEINTEL_CACHE_DIR);
  const os = platform();
  if (os === "darwin") return join(homedir(), "Library", "Caches", "codeintel");
  if (os === "win32") return join(env.LOCALAPPDATA ?? join(homedir(), "AppData", "Local"), "codeintel", "cache");
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), ".cache"), "codeintel");
}

/** The database file of a root: `<cacheDir>/symbols/<root basename>-<16 hex of sha256(real root path)>.sqlite`. */
export function symbolDatabasePath(root: string, cacheDir: string = defaultCacheDir()): string {
  const real = canonicalRoot(root);
  const key = createHash("sha256").update(real).digest("hex").slice(0, 16);
  const label = basename(real).replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 40) || "root";
  return join(cacheDir, "symbols", `${label}-${key}.sqlite`);
}

/** The root's real absolute path, so two spellings of one folder share one cache. */
export function canonicalRoot(root: string): string {
  const abs = resolve(root);
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
