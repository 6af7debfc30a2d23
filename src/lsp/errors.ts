// Errors raised by the LSP engine. The codes are the protocol's tool error codes (all but
// "overloaded", which only admission raises), so tools forward them without a lookup table,
// while the engine stays independent of src/tools.
import type { ToolErrorCode } from "../protocol/index.js";

export type LspErrorCode = Exclude<ToolErrorCode, "overloaded">;

export class LspError extends Error {
  constructor(
    readonly code: LspErrorCode,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "LspError";
  }
}

/** How a server's error message introduces the server's own last output (on the lines after it). */
const OUTPUT_LEAD_IN = "; its last output:";

/** `message` with the server's last output after it, when there is any. */
export function withServerOutput(message: string, tail: string): string {
  return tail ? `${message}${OUTPUT_LEAD_IN}\n${tail}` : message;
}

/** The first line of such a message, without the lead-in to the output that follows it. */
export function firstLineOf(message: string): string {
  const line = message.split("\n")[0]!;
  return line.endsWith(OUTPUT_LEAD_IN) ? line.slice(0, -OUTPUT_LEAD_IN.length) : line;
}
