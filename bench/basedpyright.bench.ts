// basedpyright against pyright on CPython's email/ package (copied from /usr/lib/python3.*).
import { cpSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareServers } from "./server-compare.js";

export async function main(): Promise<void> {
  const pyLib = readdirSync("/usr/lib").find((d) => /^python3\.\d+$/.test(d) && existsSync(join("/usr/lib", d, "email/message.py")));
  if (!pyLib) return console.log("(skipping: no /usr/lib/python3.*/email)");
  const root = realpathSync(mkdtempSync(join(tmpdir(), "bench-bpy-")));
  try {
    cpSync(join("/usr/lib", pyLib, "email"), join(root, "email"), { recursive: true, filter: (src) => !src.includes("__pycache__") });
    writeFileSync(join(root, "pyproject.toml"), '[project]\nname = "email-bench"\nversion = "0"\n');
    await compareServers(`CPython ${pyLib.slice(6)} email/`, root, ".py", [
      { serverId: "pyright", servers: {} },
      { serverId: "basedpyright", servers: { basedpyright: {} } },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
