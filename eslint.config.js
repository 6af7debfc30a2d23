import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "test/fixtures/", "test/artifacts/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["bin/**/*.js", "src/picker/**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly", window: "readonly", document: "readonly", WebSocket: "readonly", location: "readonly", URLSearchParams: "readonly" } },
  },
);
