// `npm run bench [name...]`: runs every bench/*.bench.js (compiled) in turn, or only the named ones.
// Each bench module exports `main(): Promise<void>` and prints its own table.
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith(".bench.js"))
  .map((f) => f.slice(0, -".bench.js".length))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();
if (benches.length === 0) {
  console.error(`no benchmarks match ${wanted.join(", ")}`);
  process.exitCode = 2;
}
for (const name of benches) {
  console.log(`\n## ${name}\n`);
  const mod = (await import(pathToFileURL(join(here, `${name}.bench.js`)).href)) as { main(): Promise<void> };
  await mod.main();
}
