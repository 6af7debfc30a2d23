// The symbol store back ends a test suite runs against, each real: a SQLite file in the root's
// temp folder, and PostgreSQL (one server and database per test file, started on first use and
// stopped after the file; each root its own rows in it, as a team's shared database holds them).
//
//   const openStore = storeOpener();
//   describe.each(STORE_BACKENDS)("... on %s", (backend) => { ... await openStore(backend, root) ... });
import { afterAll } from "vitest";
import { PostgresSymbolStore } from "../../src/symbols/postgres-store.js";
import type { StoreBackend } from "../../src/symbols/store-backend.js";
import { SymbolStore } from "../../src/symbols/store.js";
import { type PostgresServer, startPostgres } from "./postgres.js";

export const STORE_BACKENDS = ["sqlite", "postgres"] as const;
export type BackendName = (typeof STORE_BACKENDS)[number];

export interface StoreOpener {
  (backend: BackendName, root: string): Promise<StoreBackend>;
  /** The PostgreSQL database's URL (starting the server if no test has yet). */
  postgresUrl(): Promise<string>;
  /** The server itself, for tests that stop and start it. */
  postgresServer(): Promise<PostgresServer>;
}

/** Call at the top of a test file: registers the server's shutdown after the file. */
export function storeOpener(): StoreOpener {
  let server: Promise<PostgresServer> | undefined;
  let url: Promise<string> | undefined;
  afterAll(async () => {
    if (server) await (await server).stop();
  });
  const postgresServer = () => (server ??= startPostgres());
  const postgresUrl = () => (url ??= postgresServer().then((s) => s.createDatabase("symbols")));
  const open = async (backend: BackendName, root: string): Promise<StoreBackend> => {
    if (backend === "sqlite") return SymbolStore.open({ root, cacheDir: root, onWarning: () => {} });
    const store = PostgresSymbolStore.open({ url: await postgresUrl(), root });
    await store.ready;
    return store;
  };
  return Object.assign(open, { postgresUrl, postgresServer });
}
