// codeintel's protocol: the names, shapes and codes every entry point speaks, with no runtime
// dependency (it imports nothing from src/ and no package; types, constants and a few pure
// functions). The server (core/, transports/), the tools, the client SDK and the tests import
// it; nothing lists a method name, a tool name or an error code a second time.
//
//   jsonrpc.ts       JSON-RPC message shapes
//   errors.ts        the one error-code list
//   methods.ts       app-server methods and notifications, their params and results
//   files.ts         FileMatch, SearchEvent and the one search rule
//   codex-wire.ts    codex's wire shapes (WireFileMatch, initialize fields)
//   tools.ts         tool names and typed signatures (TypedTools)
//   tool-outputs.ts  the tools' structured outputs
//   line-splitter.ts one message per line (stdio, Unix socket): imported by path, it is a class
export * from "./jsonrpc.js";
export * from "./errors.js";
export * from "./methods.js";
export * from "./files.js";
export * from "./codex-wire.js";
export * from "./tools.js";
export * from "./tool-outputs.js";
