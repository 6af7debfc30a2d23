import js from "@eslint/js";
import tseslint from "typescript-eslint";

// The layers (README "Layout"): data flows transports -> core -> tools -> engines. A rule per layer
// names the folders it must not import, so an upward import fails `npm test`, not a review.
const folders = (...names) => names.map((n) => `src/${n}/**`);
const layer = (files, forbidden, why, allowed = []) => ({
  files,
  rules: {
    "no-restricted-imports": [
      "error",
      { patterns: [{ group: [...forbidden.map((f) => (f === "codeintel" ? "**/codeintel.js" : `**/${f}/*`)), ...allowed.map((a) => `!**/${a}`)], message: why }] },
    ],
  },
});
const transportsAndUp = ["transports", "cli", "daemon", "client", "codeintel"];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test/fixtures/", "test/artifacts/", "src/scip/gen/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  layer(
    folders("workspace"),
    ["files", "lsp", "symbols", "syntax", "scip", "tools", "core", "adapters", "plugins", ...transportsAndUp],
    "workspace/ is the bottom layer (roots, confinement, ignore, config): it imports no other layer.",
  ),
  layer(
    [...folders("files", "lsp", "symbols", "syntax", "scip"), "workers/**"],
    ["tools", "core", "adapters", "plugins", ...transportsAndUp],
    "an engine never imports the tool layer, the core or a transport: the core reaches engines through ports (adapters/).",
  ),
  layer(
    folders("core"),
    ["files", "lsp", "symbols", "syntax", "scip", "tools", "adapters", "plugins", ...transportsAndUp],
    "the core is transport- and engine-agnostic: engines plug in through ports (adapters/), transports call it.",
  ),
  layer(
    folders("tools", "adapters", "plugins"),
    transportsAndUp,
    "tools, adapters and plugins sit below the transports and the composition root.",
  ),
  // The protocol is the bottom of everything that speaks it: no import from src/ at all (and no
  // package), so the server, the client SDK and the tests can all depend on it.
  {
    files: folders("protocol"),
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["../*", "!../protocol/*"], message: "src/protocol imports nothing from src/: it is types, constants and pure functions only." }, { regex: "^(?![./]|node:)", message: "src/protocol imports no package: it has no runtime dependency." }] },
      ],
    },
  },
  // The client SDK speaks the protocol and nothing of the server: it may import src/protocol, node
  // builtins and its own packages (ws), and the one package-root rule (to spawn bin/codeintel.js).
  layer(
    folders("client"),
    ["core", "transports", "tools", "adapters", "plugins", "files", "lsp", "symbols", "syntax", "scip", "cli", "daemon", "codeintel", "workspace"],
    "the client SDK imports only src/protocol (and node builtins, its npm packages): never the server (core/, transports/, tools/, codeintel.ts).",
    ["workspace/package-root.js"],
  ),
  {
    files: ["bin/**/*.js", "src/picker/**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", window: "readonly", document: "readonly", WebSocket: "readonly", location: "readonly", URLSearchParams: "readonly" } },
  },
);
