// The daemon start lock under a real race: several processes find the same stale lock (its
// holder died) at the same moment and each try to take it over. Exactly one may come out holding
// it; a taker must never delete the lock another one has just created. Real processes running
// the compiled lock module against real files.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compiled } from "./support/compiled.js";
import { eventually } from "./support/eventually.js";

const ROUNDS = 25;
const TAKERS = 6;

/** The pid of a process that has exited: a holder that died. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((r) => child.once("exit", r));
  return child.pid!;
}

describe("the daemon start lock", () => {
  it("lets exactly one of several racing processes take over a stale lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ci-lock-race-"));
    const dead = await deadPid();
    for (let r = 0; r < ROUNDS; r++) writeFileSync(join(dir, `${r}.lock`), String(dead));
    const lockModule = compiled("src/daemon/start-lock.js");
    // Each taker waits for round r's go file (a spin, so all start within microseconds), tries
    // once, reports, then waits for the next round. It keeps what it took: a second holder in a
    // round is the bug.
    const script = `
      import { existsSync, appendFileSync } from "node:fs";
      const { takeLock } = await import(${JSON.stringify(lockModule)});
      const dir = ${JSON.stringify(dir)};
      appendFileSync(dir + "/ready", "x");
      for (let r = 0; r < ${ROUNDS}; r++) {
        while (!existsSync(dir + "/go-" + r)) {}
        const took = takeLock(dir + "/" + r + ".lock");
        appendFileSync(dir + "/report-" + r, (took ? "T" : "F"));
      }`;
    const takers = Array.from({ length: TAKERS }, () => spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "ignore", "pipe"] }));
    let stderr = "";
    for (const t of takers) t.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exits = Promise.all(takers.map((t) => new Promise<number | null>((resolve) => t.once("exit", resolve))));
    const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), "utf8") : "");
    await eventually(() => read("ready").length === TAKERS, `all ${TAKERS} takers started (stderr: ${stderr})`, 60_000);
    const holders: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      writeFileSync(join(dir, `go-${r}`), "");
      await eventually(() => read(`report-${r}`).length === TAKERS, `every taker reported round ${r} (stderr: ${stderr})`, 60_000);
      holders.push([...read(`report-${r}`)].filter((c) => c === "T").length);
    }
    expect(await exits).toEqual(Array(TAKERS).fill(0));
    // Exactly one holder per round: never none (a stale lock is taken over), never two.
    expect(holders).toEqual(Array(ROUNDS).fill(1));
  }, 180_000);
});
