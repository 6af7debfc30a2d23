// `--path GLOB` (workspace symbols) speaks picomatch's dialect: every pattern here goes through
// the real query (SQLite: the function path_glob over a real cache file; PostgreSQL: picomatch's
// regular expression on a real server) and must pick exactly the files picomatch itself picks,
// with the options the README documents.
import picomatch from "picomatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoreBackend } from "../../src/symbols/store-backend.js";
import { STORE_BACKENDS, storeOpener } from "../support/store-backends.js";
import { record, sym, tempDir } from "./helpers.js";

const paths = [
  "README.md", "src/index.ts", "src/a1.ts", "src/a2.ts", "src/ab.ts", "src/lsp/pool.ts", "src/lsp/pool.test.ts",
  "src/lsp/client.spec.ts", "test/user.test.ts", "test/deep/nested/a.test.ts", "lib/a.js", "lib/b.jsx", "lib/c.mjs",
  ".eslintrc.js", ".github/workflows/ci.ts", "src/.hidden/x.ts", "app/(auth)/page.tsx",
];
const tests = ["src/lsp/pool.test.ts", "src/lsp/client.spec.ts", "test/user.test.ts", "test/deep/nested/a.test.ts"];

// [pattern, the files it must select]
const table: [string, string[]][] = [
  ["**/{*.test,*.spec}.ts", tests],
  ["**/*.{js,jsx}", ["lib/a.js", "lib/b.jsx", ".eslintrc.js"]],
  ["*.{md,js}", ["README.md", "lib/a.js", ".eslintrc.js"]],
  ["src/*.ts", ["src/index.ts", "src/a1.ts", "src/a2.ts", "src/ab.ts"]],
  ["src/**/pool*", ["src/lsp/pool.ts", "src/lsp/pool.test.ts"]],
  ["test/**/*.test.ts", ["test/user.test.ts", "test/deep/nested/a.test.ts"]],
  ["{src,test}/**/*.test.ts", ["src/lsp/pool.test.ts", "test/user.test.ts", "test/deep/nested/a.test.ts"]],
  ["src/lsp/*.{test,spec}.ts", ["src/lsp/pool.test.ts", "src/lsp/client.spec.ts"]],
  ["src/{a{1,2},ab}.ts", ["src/a1.ts", "src/a2.ts", "src/ab.ts"]],
  ["src/a?.ts", ["src/a1.ts", "src/a2.ts", "src/ab.ts"]],
  ["src/a[0-9].ts", ["src/a1.ts", "src/a2.ts"]],
  ["src/a[!0-9].ts", ["src/ab.ts"]],
  ["src/a[^0-9].ts", ["src/ab.ts"]],
  ["lib/*.+(js|jsx)", ["lib/a.js", "lib/b.jsx"]],
  ["lib/*.@(js|mjs)", ["lib/a.js", "lib/c.mjs"]],
  ["!**/*.{ts,tsx}", ["README.md", "lib/a.js", "lib/b.jsx", "lib/c.mjs", ".eslintrc.js"]],
  ["!*.test.ts", paths.filter((p) => !p.endsWith(".test.ts"))],
  ["**/nested/*.ts", ["test/deep/nested/a.test.ts"]],
  ["**/a.*", ["test/deep/nested/a.test.ts", "lib/a.js"]],
  ["**/.*", [".eslintrc.js"]],
  [".*rc.js", [".eslintrc.js"]],
  ["**/.hidden/**", ["src/.hidden/x.ts"]],
  [".github/**/*.ts", [".github/workflows/ci.ts"]],
  ["app/\\(auth\\)/*.tsx", ["app/(auth)/page.tsx"]], // picomatch reads bare ( ) as a group: escape them
];

const openStore = storeOpener();

describe.each(STORE_BACKENDS)("symbol search --path globs on %s", (backend) => {
  let store: StoreBackend;
  let cleanup: () => void;

  beforeAll(async () => {
    const t = tempDir("glob");
    cleanup = t.cleanup;
    store = await openStore(backend, t.dir);
    await store.write(paths.map((path) => ({ type: "symbols" as const, record: record(path), symbols: [sym("target", 12, 1)] })));
  });
  afterAll(async () => {
    await store.close();
    cleanup();
  });

  const selected = async (path: string) => (await store.search({ query: "target", path, limit: 100 })).hits.map((h) => h.path).sort();

  it.each(table)("%s", async (pattern, expected) => {
    const picomatchSays = paths.filter((p) => picomatch.isMatch(p, pattern, { dot: true, posix: true, basename: !pattern.includes("/") }));
    expect(picomatchSays.sort()).toEqual([...expected].sort());
    expect(await selected(pattern)).toEqual([...expected].sort());
  });

  it("covers braces, globstars, ?, classes, extglobs, negation and dotfiles", () => {
    expect(table.length).toBeGreaterThanOrEqual(17);
  });

  it("keeps a path without glob syntax a prefix, parentheses included", async () => {
    expect(await selected("src/lsp/")).toEqual(["src/lsp/client.spec.ts", "src/lsp/pool.test.ts", "src/lsp/pool.ts"]);
    expect(await selected("app/(auth)/")).toEqual(["app/(auth)/page.tsx"]);
  });
});
