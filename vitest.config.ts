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
  },
});
