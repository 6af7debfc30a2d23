// The Python SDK (python/, import codeintel) against the compiled app-server: its pytest suite
// run with Debian's python3 (python3-pytest, python3-websockets; scripts/setup.sh installs them),
// which starts real servers over stdio, a Unix socket and a WebSocket. pytest's output is the
// failure message.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compiled, repoRoot } from "../support/compiled.js";

const python = "/usr/bin/python3";

describe("Python SDK", () => {
  // Not skipped when Python is missing: scripts/setup.sh installs what it needs, so a missing
  // interpreter is a broken setup and fails here with its name.
  it("passes its pytest suite against the real app-server", async () => {
    expect(existsSync(python), `${python} is missing: run ./scripts/setup.sh (Debian's python3, python3-pytest, python3-websockets)`).toBe(true);
    compiled("src/cli/main.js"); // a clear error when the build is missing or stale
    const run = spawn(python, ["-m", "pytest", "python/tests", "-q", "-p", "no:cacheprovider"], {
      cwd: repoRoot,
      env: { ...process.env, CODEINTEL_NO_DAEMON: "1", PYTHONDONTWRITEBYTECODE: "1", PYTHONPATH: join(repoRoot, "python") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    run.stdout.on("data", (c: Buffer) => (output += c.toString()));
    run.stderr.on("data", (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => run.on("exit", resolve));
    expect(code, output).toBe(0);
  }, 600_000);
});
