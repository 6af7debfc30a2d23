// Child processes in these tests run the compiled JavaScript (dist/), as the real CLI does.
import { existsSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Absolute path of `dist/<relative>`; throws a clear error when the build is missing or older than its source. */
export function compiled(relative: string): string {
  const js = packageRoot + "dist/" + relative;
  const ts = packageRoot + relative.replace(/\.js$/, ".ts");
  if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` first`);
  if (existsSync(ts) && statSync(ts).mtimeMs > statSync(js).mtimeMs + 1000) throw new Error(`${js} is older than ${ts}: run \`npm run build\` first`);
  return js;
}

export { packageRoot };
