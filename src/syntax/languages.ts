// Which tree-sitter grammar reads a file: the one table of extensions (and a few well-known
// file names), and where each grammar's WebAssembly file ships.
//
//   syntaxLanguageOf(path) → SyntaxLanguage | null     by extension, case-insensitive
//   grammarFile(language)  → absolute path of its .wasm
//   SYNTAX_LANGUAGES
//
// The grammars come prebuilt from npm, so nothing is downloaded or compiled at install or run
// time: @vscode/tree-sitter-wasm (VS Code's builds, all with one tree-sitter CLI) for every
// language but C, which it lacks; tree-sitter-c's own package ships the C build beside its
// native binding (whose install script is denied in package.json: only the .wasm is used).
import { createRequire } from "node:module";
import { basename, dirname, extname, join } from "node:path";

export const SYNTAX_LANGUAGES = [
  "typescript", "tsx", "javascript", "python", "c", "cpp", "go", "rust", "java", "shell", "ruby", "php", "csharp", "powershell",
] as const;

export type SyntaxLanguage = (typeof SYNTAX_LANGUAGES)[number];

const byExtension: Record<string, SyntaxLanguage> = {
  ts: "typescript", mts: "typescript", cts: "typescript",
  tsx: "tsx",
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "javascript",
  py: "python", pyi: "python", pyw: "python",
  c: "c", h: "c",
  cc: "cpp", cpp: "cpp", cxx: "cpp", "c++": "cpp", hh: "cpp", hpp: "cpp", hxx: "cpp", "h++": "cpp", ipp: "cpp", tpp: "cpp",
  go: "go",
  rs: "rust",
  java: "java",
  sh: "shell", bash: "shell", zsh: "shell", ksh: "shell",
  rb: "ruby", rake: "ruby", gemspec: "ruby", ru: "ruby",
  php: "php", phtml: "php",
  cs: "csharp",
  ps1: "powershell", psm1: "powershell", psd1: "powershell",
};

const byFileName: Record<string, SyntaxLanguage> = {
  Rakefile: "ruby", Gemfile: "ruby", Guardfile: "ruby", Vagrantfile: "ruby",
  ".bashrc": "shell", ".bash_profile": "shell", ".profile": "shell", ".zshrc": "shell", PKGBUILD: "shell",
};

export function syntaxLanguageOf(path: string): SyntaxLanguage | null {
  const name = basename(path);
  const named = byFileName[name];
  if (named) return named;
  // `.d.ts` and friends are plain TypeScript; extname already gives the last part.
  return byExtension[extname(name).slice(1).toLowerCase()] ?? null;
}

const require = createRequire(import.meta.url);

/** Each language's grammar: [package, path of the .wasm inside it]. */
const grammars: Record<SyntaxLanguage, [string, string]> = {
  typescript: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-typescript.wasm"],
  tsx: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-tsx.wasm"],
  javascript: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-javascript.wasm"],
  python: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-python.wasm"],
  c: ["tree-sitter-c", "tree-sitter-c.wasm"],
  cpp: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-cpp.wasm"],
  go: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-go.wasm"],
  rust: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-rust.wasm"],
  java: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-java.wasm"],
  shell: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-bash.wasm"],
  ruby: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-ruby.wasm"],
  php: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-php.wasm"],
  csharp: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-c-sharp.wasm"],
  powershell: ["@vscode/tree-sitter-wasm", "wasm/tree-sitter-powershell.wasm"],
};

export function grammarFile(language: SyntaxLanguage): string {
  const [pkg, file] = grammars[language];
  return join(dirname(require.resolve(`${pkg}/package.json`)), file);
}
