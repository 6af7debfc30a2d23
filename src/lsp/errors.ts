// Errors raised by the LSP engine. The codes deliberately match the tool layer's
// ToolErrorCode so tools can forward them without a lookup table, while the engine
// stays independent of src/tools.

export type LspErrorCode = "invalid_input" | "not_found" | "unavailable" | "indexing" | "cancelled" | "timeout" | "internal";

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
