// The native TypeScript server (tsgo --lsp, @typescript/native-preview) against
// typescript-language-server + TypeScript 5 on ajv's lib/ sources (copied from node_modules).
import { cpSync, existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packageDir } from "../src/lsp/server-spec.js";
import { compareServers } from "./server-compare.js";

export async function main(): Promise<void> {
  const ajv = packageDir("ajv");
  if (!ajv || !existsSync(join(ajv, "lib/core.ts"))) return console.log("(skipping: ajv is not installed in node_modules)");
  const root = realpathSync(mkdtempSync(join(tmpdir(), "bench-tsgo-")));
  try {
    cpSync(join(ajv, "lib"), join(root, "lib"), { recursive: true });
    writeFileSync(join(root, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, target: "es2020", module: "commonjs", resolveJsonModule: true, skipLibCheck: true }, include: ["lib"] }));
    await compareServers("ajv lib/", root, ".ts", [
      { serverId: "typescript", servers: {} },
      { serverId: "tsgo", servers: { tsgo: {} } },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
