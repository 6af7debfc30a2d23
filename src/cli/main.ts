// codeintel command line: dispatches to one module per command group.
// Each command module exports `run(argv): Promise<number>` (the exit code) and `help`.

interface CommandModule {
  run(argv: string[], command: string): Promise<number>;
  help: string;
}

const commands: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  find: { summary: "fuzzy-find files and folders by path", load: () => import("./find.js") },
  hover: { summary: "type and docs of the symbol at a position", load: () => import("./navigate.js") },
  definition: { summary: "where the symbol at a position is defined", load: () => import("./navigate.js") },
  references: { summary: "every reference to the symbol at a position", load: () => import("./navigate.js") },
  diagnostics: { summary: "errors and warnings of a file", load: () => import("./navigate.js") },
  symbols: { summary: "search workspace symbols by name, or list a file's symbols", load: () => import("./navigate.js") },
  index: { summary: "build or refresh the symbol cache of a root", load: () => import("./index-command.js") },
  restart: { summary: "restart language servers in a running app-server", load: () => import("./restart.js") },
  serve: { summary: "serve the tools over MCP (stdio, or Streamable HTTP)", load: () => import("./serve.js") },
  "app-server": { summary: "JSON-RPC app-server over stdio or WebSocket", load: () => import("./serve.js") },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "codeintel: code intelligence for coding agents, editors and file pickers",
    "",
    "Usage: codeintel <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `codeintel <command> --help` for a command's options.",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(usage() + "\n");
    return command ? 0 : 2;
  }
  if (command === "--version") {
    const { createRequire } = await import("node:module");
    const pkg = createRequire(import.meta.url)("../../../package.json") as { version: string };
    process.stdout.write(pkg.version + "\n");
    return 0;
  }
  const entry = commands[command];
  if (!entry) {
    process.stderr.write(`codeintel: unknown command '${command}'\n\n${usage()}\n`);
    return 2;
  }
  const mod = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(mod.help + "\n");
    return 0;
  }
  return mod.run(rest, command);
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
