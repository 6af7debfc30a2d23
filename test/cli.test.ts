import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { bin } from "./support/compiled.js";

describe("codeintel CLI", () => {
  it("prints usage listing every command", () => {
    const out = execFileSync("node", [bin, "--help"], { encoding: "utf8" });
    for (const c of ["find", "hover", "definition", "references", "symbols", "index", "serve", "app-server"]) {
      expect(out).toContain(c);
    }
  });

  it("rejects an unknown command with exit code 2 and the usage", () => {
    const r = spawnSync("node", [bin, "frobnicate"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });
});
