// A tool for exercising the service itself: it waits, reporting progress, until done or
// cancelled. Only in the catalog when asked for (CODEINTEL_DEBUG_TOOLS=1), so tests and
// benches can hold a request open through real transports: cancellation, drain on SIGTERM.
import { ToolError, type Tool } from "./tool.js";

export interface SleepInput {
  ms: number;
  steps?: number;
}

export function createSleepTool(): Tool<SleepInput, { sleptMs: number; steps: number }> {
  return {
    name: "debug_sleep",
    title: "Sleep (diagnostics)",
    description: "Diagnostics only: waits `ms` milliseconds in `steps` steps, reporting progress after each. Cancellable.",
    inputSchema: {
      type: "object",
      properties: {
        ms: { type: "integer", minimum: 0, maximum: 600_000 },
        steps: { type: "integer", minimum: 1, maximum: 1000 },
      },
      required: ["ms"],
      additionalProperties: false,
    },
    outputSchema: {
      type: "object",
      properties: { sleptMs: { type: "integer" }, steps: { type: "integer" } },
      required: ["sleptMs", "steps"],
    },
    annotations: { readOnlyHint: true, idempotentHint: true },
    async run(input, { signal, progress }) {
      const steps = input.steps ?? 1;
      const started = Date.now();
      for (let i = 1; i <= steps; i++) {
        if (signal.aborted) throw new ToolError("cancelled", "debug_sleep: cancelled");
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          }, input.ms / steps);
          const onAbort = () => {
            clearTimeout(timer);
            reject(new ToolError("cancelled", "debug_sleep: cancelled"));
          };
          signal.addEventListener("abort", onAbort, { once: true });
        });
        progress?.({ progress: i, total: steps, message: `step ${i} of ${steps}` });
      }
      const sleptMs = Date.now() - started;
      return { structured: { sleptMs, steps }, text: `slept ${sleptMs} ms in ${steps} steps` };
    },
  };
}
