// The in-process call() goes through the same dispatch as the transports: the intake gate
// bounds it (maxInFlight), and close() waits for the calls it admitted before stopping engines.
import { afterEach, describe, expect, it } from "vitest";
import { createCodeIntel, type CodeIntel } from "../../src/index.js";
import { eventually } from "./helpers.js";
import { makeTree } from "./tree.js";

let ci: CodeIntel | undefined;

afterEach(async () => {
  await ci?.close();
  ci = undefined;
});

describe("in-process call() admission", () => {
  it("is bounded by maxInFlight: a call beyond it is refused 'overloaded', and the slots come back", async () => {
    ci = await createCodeIntel({ roots: [makeTree(2, 5)], debugTools: true, maxInFlight: 2, symbolIndex: "off", watch: false });
    const stop = new AbortController();
    const held = [1, 2].map(() => ci!.call("debug_sleep", { ms: 600_000 }, { signal: stop.signal }).catch((err: unknown) => err));
    expect(ci.gate.active).toBe(2);
    await expect(ci.call("debug_sleep", { ms: 0 })).rejects.toMatchObject({ name: "ToolError", code: "overloaded", message: "overloaded; retry later" });
    stop.abort();
    for (const outcome of await Promise.all(held)) expect(outcome).toMatchObject({ code: "cancelled" });
    expect(ci.gate.active).toBe(0);
    await expect(ci.call("debug_sleep", { ms: 0 })).resolves.toMatchObject({ structured: { steps: 1 } });
  });

  it("close() lets a call in flight finish, and refuses new ones while it closes", async () => {
    ci = await createCodeIntel({ roots: [makeTree(2, 5)], debugTools: true, symbolIndex: "off", watch: false });
    let step = 0;
    const running = ci.call("debug_sleep", { ms: 400, steps: 4 }, { onProgress: (p) => (step = p.progress) });
    await eventually(() => step >= 1, "the call to be under way");
    let finished: unknown;
    void running.then((r) => (finished = r));
    const closed = ci.close();
    await expect(ci.call("debug_sleep", { ms: 0 })).rejects.toMatchObject({ code: "overloaded", message: "shutting down; not accepting requests" });
    await closed;
    expect(finished).toMatchObject({ structured: { steps: 4 } });
  });
});
