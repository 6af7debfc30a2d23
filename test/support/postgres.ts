// A real PostgreSQL server for tests: initdb + postgres in a temp folder, listening only on a
// Unix socket in that folder, run as an unprivileged user when the tests run as root
// (PostgreSQL refuses root), stopped (and the folder removed) by stop().
//
//   const pg = await startPostgres();  const url = await pg.createDatabase("t1");  ...  await pg.stop();
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { removeTree } from "./tree.js";

const run = promisify(execFile);

export interface PostgresServer {
  /** The folder holding the socket (`host=` of a URL). */
  socketDir: string;
  /** A URL for the `postgres` database as the superuser. */
  url: string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL through psql as the superuser (for tests that look under the store). */
  psql(database: string, sql: string): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut) and waits until it is down. */
  halt(): Promise<void>;
  /** Starts it again on the same folder and waits until it accepts connections. */
  resume(): Promise<void>;
  /** Stops it and removes its folder. */
  stop(): Promise<void>;
}

const SUPERUSER = "codeintel";
/** How long pg_ctl waits for the server to accept connections (a loaded 2-core machine can be slow). */
const READY_SECONDS = 120;

/** The folder of PostgreSQL's server programs: Debian keeps them out of PATH, under /usr/lib/postgresql/N/bin. */
function binDir(): string {
  const base = "/usr/lib/postgresql";
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, "bin", "initdb"))).sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(base, versions[0], "bin");
  }
  throw new Error("PostgreSQL's server programs were not found under /usr/lib/postgresql (run scripts/setup.sh: it installs Debian's postgresql package)");
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), "codeintel-pg-"));
  const dataDir = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: the server runs as `nobody`, who must own its folder.
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "nobody"]);
    const { stdout: gid } = await run("id", ["-g", "nobody"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  chmodSync(dir, 0o700);
  const as = (program: string, args: string[]) => (asRoot ? run("runuser", ["-u", "nobody", "--", join(bin, program), ...args]) : run(join(bin, program), args));
  const pgCtl = (...args: string[]) => as("pg_ctl", ["-D", dataDir, ...args]);
  await as("initdb", ["-D", dataDir, "-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const options = `-c listen_addresses='' -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => pgCtl("-l", join(dir, "server.log"), "-o", options, "-w", "-t", String(READY_SECONDS), "start").catch((err: Error) => {
    throw new Error(`PostgreSQL did not accept connections within ${READY_SECONDS} s (log: ${join(dir, "server.log")}): ${err.message}`);
  });
  await start();
  const url = (db: string) => `postgresql:///${db}?host=${encodeURIComponent(dir)}&user=${SUPERUSER}`;
  const psql = async (database: string, sql: string) => (await run("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", dir, "-U", SUPERUSER, "-d", database, "-c", sql])).stdout;
  let running = true;
  const halt = async () => {
    if (!running) return;
    await pgCtl("-m", "fast", "-w", "-t", String(READY_SECONDS), "stop");
    running = false;
  };
  return {
    socketDir: dir,
    url: url("postgres"),
    async createDatabase(name) {
      await psql("postgres", `CREATE DATABASE "${name.replace(/"/g, "")}"`);
      return url(name);
    },
    psql,
    halt,
    async resume() {
      if (running) return;
      await start();
      running = true;
    },
    async stop() {
      try {
        await halt();
      } finally {
        removeTree(dir);
      }
    },
  };
}
