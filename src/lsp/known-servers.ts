// The table of language servers codeintel knows: one declarative entry per server, no code
// per server. Order matters: for an extension several servers handle (Python: pyright or
// basedpyright; Ruby: ruby-lsp or solargraph), the first one installed answers.
//
// Commands: "node" is the Node running codeintel; "npm:<pkg>/<file>" resolves inside
// codeintel's node_modules (the versions we ship and test); a bare name is looked up where
// the server's `lookIn` says (the project's node_modules/.bin, a virtualenv), then on PATH
// (see registry.ts). Entries marked `optIn` take no file until codeintel.json enables them.
//
//   knownServers() → KnownServer[]     (a fresh copy: buildRegistry merges the user's config into it)

import { join } from "node:path";
import { packageDir, type ServerSpec } from "./server-spec.js";

const npmInstallHint = (pkgs: string) =>
  `it ships with codeintel as an npm dependency; run \`npm install\` in the codeintel package (or \`npm install ${pkgs}\`)`;

/** typescript's lib folder, as servers that embed the TypeScript service want it (`tsdk`). */
const tsdk = () => {
  const dir = packageDir("typescript");
  return dir ? join(dir, "lib") : undefined;
};

/** The native TypeScript preview ships its Go binary in a per-platform package. */
const tsgoPackage = `@typescript/native-preview-${process.platform}-${process.arch}`;

/** A table entry: a ServerSpec before the registry marks it built in. */
export type KnownServer = Omit<ServerSpec, "builtIn">;

export function knownServers(): KnownServer[] {
  return [
    {
      id: "typescript",
      languages: ["TypeScript", "JavaScript"],
      languageIds: {
        ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescriptreact",
        ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact",
      },
      rootMarkers: ["tsconfig.json", "jsconfig.json", "package.json"],
      command: ["node", "npm:typescript-language-server/lib/cli.mjs", "--stdio"],
      get initializationOptions() {
        const lib = tsdk();
        // One semantic tsserver: the syntax-only server answers during project load with partial results (hover without types, missing symbols).
        return { tsserver: { path: lib && join(lib, "tsserver.js"), useSyntaxServer: "never" }, preferences: { includeCompletionsForModuleExports: false } };
      },
      // When tsserver dies, typescript-language-server logs this error and then answers every
      // request with null ("no hover", "no references") for as long as it lives.
      fatalLog: /\[tsserver\] Exited/,
      versionPackages: ["typescript"],
      install: npmInstallHint("typescript-language-server typescript@5"),
    },
    {
      id: "tsgo",
      languages: ["TypeScript", "JavaScript"],
      languageIds: {
        ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescriptreact",
        ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact",
      },
      rootMarkers: ["tsconfig.json", "jsconfig.json", "package.json"],
      command: [`npm:${tsgoPackage}/lib/tsgo`, "--lsp", "--stdio"],
      // TypeScript 7's Go port is a preview: opt in with `"tsgo": {}` in codeintel.json.
      optIn: true,
      install: "`npm install @typescript/native-preview` in the codeintel package, then enable it with `\"servers\": { \"tsgo\": {} }` in codeintel.json",
    },
    {
      id: "pyright",
      languages: ["Python"],
      languageIds: { ".py": "python", ".pyi": "python" },
      rootMarkers: ["pyrightconfig.json", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"],
      command: ["node", "npm:pyright/langserver.index.js", "--stdio"],
      settings: { python: { analysis: { autoSearchPaths: true, useLibraryCodeForTypes: true, diagnosticMode: "openFilesOnly" } } },
      // Pyright sends no $/progress while it finds the project's files, yet answers references meanwhile
      // from the open file alone (1 reference cold, 34 a second later on click). Its log says when the
      // file list is in: "Found 16 source files" after each configuration load.
      logReadiness: {
        begin: /^(No include entries specified|Loading configuration file at)/,
        end: /^(Found \d+ source files?|No source files found)/,
        title: "pyright: finding the project's source files",
      },
      install: npmInstallHint("pyright"),
    },
    {
      id: "basedpyright",
      languages: ["Python"],
      languageIds: { ".py": "python", ".pyi": "python" },
      rootMarkers: ["pyrightconfig.json", "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"],
      command: ["node", "npm:basedpyright/langserver.index.js", "--stdio"],
      settings: { basedpyright: { analysis: { autoSearchPaths: true, useLibraryCodeForTypes: true, diagnosticMode: "openFilesOnly", typeCheckingMode: "standard" } } },
      // A pyright fork: the same log lines mark the end of finding the project's files.
      logReadiness: {
        begin: /^(No include entries specified|Loading configuration file at)/,
        end: /^(Found \d+ source files?|No source files found)/,
        title: "basedpyright: finding the project's source files",
      },
      optIn: true,
      install: "`npm install basedpyright` in the codeintel package, then enable it with `\"servers\": { \"basedpyright\": {} }` in codeintel.json",
    },
    {
      id: "pylsp",
      languages: ["Python"],
      languageIds: { ".py": "python", ".pyi": "python" },
      rootMarkers: ["pyproject.toml", "setup.py", "setup.cfg", "requirements.txt"],
      command: ["pylsp"],
      lookIn: ["venv"],
      install: "`pip install python-lsp-server` (Debian/Ubuntu: `apt-get install python3-pylsp`)",
    },
    {
      id: "bash",
      languages: ["Shell"],
      languageIds: { ".sh": "shellscript", ".bash": "shellscript" },
      rootMarkers: [],
      command: ["node", "npm:bash-language-server/out/cli.js", "start"],
      // shellcheck is found on PATH; without it the server still answers, minus lint diagnostics.
      settings: { bashIde: { shellcheckPath: "shellcheck", backgroundAnalysisMaxFiles: 500 } },
      // Cross-file answers (a function from a sourced file) need its background analysis.
      logReadiness: { begin: /BackgroundAnalysis: resolving glob/, end: /BackgroundAnalysis: (Completed|stopped|skipping|failed)/, title: "bash background analysis" },
      install: npmInstallHint("bash-language-server") + "; diagnostics also need shellcheck (`apt-get install shellcheck`)",
    },
    {
      id: "json",
      languages: ["JSON"],
      languageIds: { ".json": "json", ".jsonc": "jsonc" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-json-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      // Validation is off unless the client turns it on.
      settings: { json: { validate: { enable: true } } },
      install: npmInstallHint("vscode-langservers-extracted"),
    },
    {
      id: "css",
      languages: ["CSS", "SCSS", "Less"],
      languageIds: { ".css": "css", ".scss": "scss", ".less": "less" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-css-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      // The CSS service dereferences lint settings: a null configuration makes validation throw.
      settings: Object.fromEntries(["css", "scss", "less"].map((l) => [l, { validate: true, lint: {} }])),
      install: npmInstallHint("vscode-langservers-extracted"),
    },
    {
      id: "html",
      languages: ["HTML"],
      languageIds: { ".html": "html", ".htm": "html" },
      rootMarkers: [],
      command: ["node", "npm:vscode-langservers-extracted/bin/vscode-html-language-server", "--stdio"],
      initializationOptions: { provideFormatter: false },
      settings: { html: { validate: { scripts: true, styles: true } }, css: { validate: true, lint: {} }, javascript: { validate: { enable: true } } },
      install: npmInstallHint("vscode-langservers-extracted"),
    },
    {
      id: "clangd",
      languages: ["C", "C++", "Objective-C"],
      languageIds: {
        ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".hxx": "cpp",
        ".m": "objective-c", ".mm": "objective-cpp",
      },
      rootMarkers: ["compile_commands.json", "compile_flags.txt", ".clangd"],
      command: ["clangd", "--log=error"],
      install: "install clangd and put it on PATH (Debian/Ubuntu: `apt-get install clangd`; macOS: `brew install llvm`)",
    },
    {
      id: "gopls",
      languages: ["Go"],
      languageIds: { ".go": "go" },
      // A go.work spans several modules: one gopls for all of them; else the nearest go.mod.
      rootMarkers: ["go.mod"],
      workspaceMarkers: [{ file: "go.work" }],
      command: ["gopls"],
      versionArgs: ["version"],
      install: "Debian/Ubuntu: `apt-get install gopls golang-go`; elsewhere `go install golang.org/x/tools/gopls@latest`",
    },
    {
      id: "rust-analyzer",
      languages: ["Rust"],
      languageIds: { ".rs": "rust" },
      // A crate's nearest Cargo.toml, unless an outer Cargo.toml declares a [workspace].
      rootMarkers: ["Cargo.toml"],
      workspaceMarkers: [{ file: "Cargo.toml", contains: /^\s*\[workspace\]/m }, { file: "rust-project.json" }],
      command: ["rust-analyzer"],
      install: "`rustup component add rust-analyzer` (or your distribution's rust-analyzer package)",
    },
    {
      id: "jdtls",
      languages: ["Java"],
      languageIds: { ".java": "java" },
      rootMarkers: ["pom.xml", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts", ".project"],
      command: ["jdtls"],
      install: "Eclipse JDT Language Server (needs Java 21): `brew install jdtls`, or unpack a build from download.eclipse.org/jdtls and put its bin/jdtls on PATH",
    },
    {
      id: "kotlin",
      languages: ["Kotlin"],
      languageIds: { ".kt": "kotlin", ".kts": "kotlin" },
      rootMarkers: ["settings.gradle.kts", "settings.gradle", "build.gradle.kts", "build.gradle", "pom.xml"],
      command: ["kotlin-language-server"],
      install: "`brew install kotlin-language-server`, or a release from github.com/fwcd/kotlin-language-server on PATH",
    },
    {
      id: "csharp",
      languages: ["C#"],
      languageIds: { ".cs": "csharp", ".csx": "csharp" },
      rootMarkers: ["*.sln", "*.slnx", "*.csproj"],
      command: ["csharp-ls"],
      install: "`dotnet tool install --global csharp-ls` (needs the .NET SDK)",
    },
    {
      id: "omnisharp",
      languages: ["C#"],
      languageIds: { ".cs": "csharp", ".csx": "csharp" },
      rootMarkers: ["*.sln", "*.slnx", "*.csproj"],
      command: ["OmniSharp", "-lsp"],
      install: "a release of github.com/OmniSharp/omnisharp-roslyn with its OmniSharp on PATH",
    },
    {
      id: "ruby-lsp",
      languages: ["Ruby"],
      languageIds: { ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby", ".ru": "ruby", Gemfile: "ruby", Rakefile: "ruby" },
      rootMarkers: ["Gemfile", ".ruby-version"],
      command: ["ruby-lsp"],
      install: "`gem install ruby-lsp`",
    },
    {
      id: "solargraph",
      languages: ["Ruby"],
      languageIds: { ".rb": "ruby", ".rake": "ruby", ".gemspec": "ruby", ".ru": "ruby", Gemfile: "ruby", Rakefile: "ruby" },
      rootMarkers: ["Gemfile", ".solargraph.yml"],
      command: ["solargraph", "stdio"],
      install: "`gem install solargraph`",
    },
    {
      id: "intelephense",
      languages: ["PHP"],
      languageIds: { ".php": "php", ".phtml": "php" },
      rootMarkers: ["composer.json"],
      command: ["intelephense", "--stdio"],
      lookIn: ["node_modules"],
      // Its own storage goes to a temp folder, not the user's home; no telemetry.
      get initializationOptions() {
        return { storagePath: join(process.env.TMPDIR ?? "/tmp", "codeintel-intelephense"), clearCache: false };
      },
      settings: { intelephense: { telemetry: { enabled: false }, files: { maxSize: 5_000_000 } } },
      // Its indexing progress starts a moment after initialize; its log brackets the indexing.
      logReadiness: { begin: /Indexer: Starting (whole|partial) workspace indexing/, end: /Indexer: Indexing (finished|cancelled)/, title: "intelephense indexing" },
      install: "`npm install -g intelephense` (a freemium server: codeintel uses its free features)",
    },
    {
      id: "lua",
      languages: ["Lua"],
      languageIds: { ".lua": "lua" },
      rootMarkers: [".luarc.json", ".luarc.jsonc", ".stylua.toml", "stylua.toml"],
      command: ["lua-language-server"],
      install: "`brew install lua-language-server`, or a release from github.com/LuaLS/lua-language-server on PATH",
    },
    {
      id: "zls",
      languages: ["Zig"],
      languageIds: { ".zig": "zig", ".zon": "zig" },
      rootMarkers: ["build.zig", "build.zig.zon"],
      command: ["zls"],
      install: "a zls release matching your Zig version (github.com/zigtools/zls; `brew install zls`)",
    },
    {
      id: "elixir-ls",
      languages: ["Elixir"],
      languageIds: { ".ex": "elixir", ".exs": "elixir", ".heex": "phoenix-heex" },
      rootMarkers: ["mix.exs"],
      command: ["elixir-ls"],
      install: "`brew install elixir-ls`, or a release from github.com/elixir-lsp/elixir-ls with its language_server.sh on PATH as elixir-ls",
    },
    {
      id: "haskell",
      languages: ["Haskell"],
      languageIds: { ".hs": "haskell", ".lhs": "lhaskell" },
      rootMarkers: ["hie.yaml", "cabal.project", "stack.yaml", "*.cabal", "package.yaml"],
      command: ["haskell-language-server-wrapper", "--lsp"],
      install: "`ghcup install hls` (www.haskell.org/ghcup)",
    },
    {
      id: "ocaml",
      languages: ["OCaml"],
      languageIds: { ".ml": "ocaml", ".mli": "ocaml.interface", ".mll": "ocaml.ocamllex", ".mly": "ocaml.menhir" },
      rootMarkers: ["dune-project", "dune-workspace", "*.opam"],
      command: ["ocamllsp"],
      install: "`opam install ocaml-lsp-server`",
    },
    {
      id: "dart",
      languages: ["Dart"],
      languageIds: { ".dart": "dart" },
      rootMarkers: ["pubspec.yaml"],
      command: ["dart", "language-server", "--protocol=lsp"],
      install: "the Dart or Flutter SDK (dart.dev/get-dart): its `dart language-server` is the server",
    },
    {
      id: "sourcekit-lsp",
      languages: ["Swift"],
      languageIds: { ".swift": "swift" },
      rootMarkers: ["Package.swift", "*.xcodeproj", "*.xcworkspace", "compile_commands.json"],
      command: ["sourcekit-lsp"],
      install: "it comes with the Swift toolchain (swift.org/install) and Xcode",
    },
    {
      id: "metals",
      languages: ["Scala"],
      languageIds: { ".scala": "scala", ".sc": "scala", ".sbt": "scala", ".mill": "scala" },
      rootMarkers: ["build.sbt", "build.sc", "build.mill", ".scala-build"],
      command: ["metals"],
      install: "`cs install metals` (Coursier, get-coursier.io)",
    },
    {
      id: "yaml",
      languages: ["YAML"],
      languageIds: { ".yaml": "yaml", ".yml": "yaml" },
      rootMarkers: [],
      command: ["node", "npm:yaml-language-server/bin/yaml-language-server", "--stdio"],
      // Offline by default: no schema store download; validation, hover and symbols still work.
      settings: { yaml: { validate: true, hover: true, completion: true, schemaStore: { enable: false }, schemas: {} }, redhat: { telemetry: { enabled: false } } },
      install: npmInstallHint("yaml-language-server"),
    },
    {
      id: "taplo",
      languages: ["TOML"],
      languageIds: { ".toml": "toml" },
      rootMarkers: [".taplo.toml", "taplo.toml"],
      command: ["taplo", "lsp", "stdio"],
      install: "`cargo install taplo-cli --locked --features lsp` or `brew install taplo` (the npm @taplo/cli build has no LSP)",
    },
    {
      id: "dockerfile",
      languages: ["Dockerfile"],
      languageIds: { Dockerfile: "dockerfile", Containerfile: "dockerfile", ".dockerfile": "dockerfile", ".containerfile": "dockerfile" },
      rootMarkers: [],
      command: ["node", "npm:dockerfile-language-server-nodejs/bin/docker-langserver", "--stdio"],
      install: npmInstallHint("dockerfile-language-server-nodejs"),
    },
    {
      id: "marksman",
      languages: ["Markdown"],
      languageIds: { ".md": "markdown", ".markdown": "markdown" },
      rootMarkers: [".marksman.toml"],
      command: ["marksman", "server"],
      install: "`brew install marksman`, or a release from github.com/artempyanykh/marksman on PATH",
    },
    {
      id: "vue",
      languages: ["Vue"],
      languageIds: { ".vue": "vue" },
      rootMarkers: ["package.json"],
      command: ["vue-language-server", "--stdio"],
      lookIn: ["node_modules"],
      get initializationOptions() {
        return { typescript: { tsdk: tsdk() }, vue: { hybridMode: false } };
      },
      install: "`npm install -D @vue/language-server@2` in the project (or `npm install -g @vue/language-server@2`)",
    },
    {
      id: "svelte",
      languages: ["Svelte"],
      languageIds: { ".svelte": "svelte" },
      rootMarkers: ["svelte.config.js", "svelte.config.mjs", "package.json"],
      command: ["node", "npm:svelte-language-server/bin/server.js", "--stdio"],
      install: npmInstallHint("svelte-language-server"),
    },
    {
      id: "astro",
      languages: ["Astro"],
      languageIds: { ".astro": "astro" },
      rootMarkers: ["astro.config.mjs", "astro.config.ts", "astro.config.js", "package.json"],
      command: ["node", "npm:@astrojs/language-server/bin/nodeServer.js", "--stdio"],
      get initializationOptions() {
        return { typescript: { tsdk: tsdk() } };
      },
      versionPackages: ["typescript"],
      install: npmInstallHint("@astrojs/language-server"),
    },
    {
      id: "terraform-ls",
      languages: ["Terraform"],
      languageIds: { ".tf": "terraform", ".tfvars": "terraform-vars" },
      rootMarkers: [".terraform", ".terraform.lock.hcl"],
      command: ["terraform-ls", "serve"],
      install: "a release from releases.hashicorp.com/terraform-ls on PATH (`brew install hashicorp/tap/terraform-ls`)",
    },
    {
      id: "sqls",
      languages: ["SQL"],
      languageIds: { ".sql": "sql" },
      rootMarkers: [],
      command: ["sqls"],
      install: "`go install github.com/sqls-server/sqls@latest` (npm's sql-language-server builds sqlite3 from source at install, so codeintel does not ship it)",
    },
    {
      id: "nil",
      languages: ["Nix"],
      languageIds: { ".nix": "nix" },
      rootMarkers: ["flake.nix"],
      command: ["nil"],
      install: "`nix profile install nixpkgs#nil`",
    },
  ];
}
