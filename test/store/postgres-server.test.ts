// The test PostgreSQL server itself: it starts unprivileged on its own socket, has pg_trgm,
// and survives a stop and start on the same folder (what the outage tests rely on).
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PostgresServer, startPostgres } from "../support/postgres.js";

let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});

async function ask(url: string, sql: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("the test PostgreSQL server", () => {
  it("accepts connections on its socket and runs as a user other than root", async () => {
    const rows = (await ask(server.url, "SELECT current_user AS u, inet_server_addr() AS addr")) as { u: string; addr: string | null }[];
    expect(rows[0]).toMatchObject({ u: "codeintel", addr: null });
    const postmaster = readFileSync(join(server.socketDir, "data", "postmaster.pid"), "utf8").split("\n")[0]!;
    expect(statSync(`/proc/${postmaster}`).uid).not.toBe(0);
    const owner = await server.psql("postgres", "SELECT pg_catalog.current_setting('data_directory')");
    expect(owner.trim()).toContain(server.socketDir);
  });

  it("has pg_trgm for a fresh database", async () => {
    const url = await server.createDatabase("trgm_check");
    await ask(url, "CREATE EXTENSION IF NOT EXISTS pg_trgm");
    const rows = (await ask(url, "SELECT similarity('getUserService', 'getUserSrvice') > 0.5 AS close")) as { close: boolean }[];
    expect(rows[0]!.close).toBe(true);
  });

  it("comes back after a stop on the same folder, keeping its data", async () => {
    const url = await server.createDatabase("survives");
    await ask(url, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)");
    await server.halt();
    await expect(ask(url, "SELECT 1")).rejects.toThrow();
    await server.resume();
    expect(await ask(url, "SELECT v FROM kept")).toEqual([{ v: 7 }]);
  });
});
