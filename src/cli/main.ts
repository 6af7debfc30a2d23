// codeintel command line: dispatches to one module per command group. Each command is a
// `Command` (src/cli/command.ts): its declared options parse argv and render its help.
// Modules load on demand, so `codeintel find` never pays for the language-server code.
import { didYouMean, type Command } from "./command.js";

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  find: { summary: "fuzzy-find files and folders by path", load: async () => (await import("./find.js")).find },
  hover: { summary: "type and docs of the symbol at a position", load: async () => (await import("./navigate.js")).hover },
  definition: { summary: "where the symbol at a position is defined", load: async () => (await import("./navigate.js")).definition },
  references: { summary: "every reference to the symbol at a position", load: async () => (await import("./navigate.js")).references },
  diagnostics: { summary: "errors and warnings of a file", load: async () => (await import("./navigate.js")).diagnostics },
  symbols: { summary: "search workspace symbols by name, or list a file's symbols", load: async () => (await import("./navigate.js")).symbols },
  index: { summary: "build or refresh the symbol cache of a root", load: async () => (await import("./index-command.js")).index },
  "import-scip": { summary: "load a SCIP index (CI-built or local) into a root's cache", load: async () => (await import("./import-scip.js")).importScip },
  "export-scip": { summary: "write what a root's cache knows as a SCIP index", load: async () => (await import("./export-scip.js")).exportScip },
  servers: { summary: "every known language server: installed where, version, install hint", load: async () => (await import("./servers.js")).servers },
  daemon: { summary: "the per-project background servers the navigation commands use", load: async () => (await import("./daemon.js")).daemon },
  trust: { summary: "let a project's codeintel.json run its plugins and server commands", load: async () => (await import("./trust.js")).trust },
  restart: { summary: "restart language servers in a running app-server", load: async () => (await import("./restart.js")).restart },
  replay: { summary: "re-run a recorded session on this build and diff the answers", load: async () => (await import("./replay.js")).replay },
  serve: { summary: "serve the tools over MCP (stdio, or Streamable HTTP)", load: async () => (await import("./serve.js")).serve },
  "app-server": { summary: "JSON-RPC app-server over stdio or WebSocket", load: async () => (await import("./serve.js")).appServer },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "codeintel: code intelligence for coding agents, editors and file pickers",
    "",
    "Usage: codeintel <command> [options]",
    "       codeintel help <command>",
    "       codeintel -V | --version",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `codeintel help <command>` (or `codeintel <command> --help`) for a command's options.",
  ].join("\n");
}

function unknownCommand(name: string): number {
  const guess = didYouMean(name, Object.keys(commands));
  process.stderr.write(`codeintel: unknown command '${name}'${guess ? ` (did you mean ${guess}?)` : ""}\n\n${usage()}\n`);
  return 2;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command) {
    process.stderr.write(usage() + "\n");
    return 2;
  }
  if (command === "--help" || command === "-h" || (command === "help" && rest.length === 0)) {
    process.stdout.write(usage() + "\n");
    return 0;
  }
  if (command === "--version" || command === "-V") {
    const { packageVersion } = await import("../workspace/package-root.js");
    process.stdout.write(packageVersion() + "\n");
    return 0;
  }
  if (command === "help") {
    const entry = commands[rest[0]!];
    if (!entry) return unknownCommand(rest[0]!);
    process.stdout.write((await entry.load()).help() + "\n");
    return 0;
  }
  const entry = commands[command];
  if (!entry) return unknownCommand(command);
  return (await entry.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`codeintel: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
