import { defineConfig } from "vitest/config";

// Tests drive real language servers, real workers and real sockets on a
// 2-core machine: generous timeouts, no wall-clock assertions.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 2,
    // CLI runs in tests answer in-process unless a test (test/daemon.test.ts) asks for the daemon:
    // no test leaves a background server behind or touches the user's runtime folder.
    env: { CODEINTEL_NO_DAEMON: "1" },
  },
});
