// The README's language table is the registry's: this test renders it from the known
// servers and fails with the table to paste when they drift apart.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { buildRegistry, type ServerSpec } from "../../src/lsp/registry.js";

const readmePath = fileURLToPath(new URL("../../README.md", import.meta.url));
const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { dependencies: Record<string, string> };

/** A server ships with codeintel when every npm package its command names is a dependency. */
function ships(spec: ServerSpec): boolean {
  const pkgs = spec.command.filter((a) => a.startsWith("npm:")).map((a) => a.slice(4).split("/").slice(0, a.startsWith("npm:@") ? 2 : 1).join("/"));
  return pkgs.length > 0 && pkgs.every((p) => p in pkg.dependencies);
}

function table(): string {
  const r = buildRegistry();
  const rows = [...r.specs, ...r.inactive.map((i) => i.spec)].map((s) => {
    const names = Object.keys(s.languageIds).map((k) => `\`${k}\``).join(" ");
    const how = ships(s) ? "ships with codeintel" : s.install.replace(/\|/g, "\\|");
    return `| ${s.languages.join(", ")} | \`${s.id}\`${s.optIn ? " (opt-in)" : ""} | ${names} | ${how} |`;
  });
  return ["| Languages | Server | Files | Install |", "|---|---|---|---|", ...rows].join("\n");
}

describe("README language table", () => {
  it("matches the registry", () => {
    const readme = readFileSync(readmePath, "utf8");
    const found = /<!-- servers:begin[^>]*-->\n([\s\S]*?)\n<!-- servers:end -->/.exec(readme);
    expect(found, "README.md needs a <!-- servers:begin --> ... <!-- servers:end --> block").not.toBeNull();
    expect(found![1], "paste this table into README.md between the servers markers").toBe(table());
  });
});
