// Serves the picker page's static files from src/picker (shipped as-is, no build step).
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { join } from "node:path";
import { packageRoot } from "../workspace/package-root.js";

const assets: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/picker.js": { file: "picker.js", type: "text/javascript; charset=utf-8" },
  "/picker.css": { file: "picker.css", type: "text/css; charset=utf-8" },
};

/** Writes the asset for `path` and returns true, or returns false when there is none. */
export function servePickerAsset(path: string, res: ServerResponse): boolean {
  const asset = assets[path];
  if (!asset) return false;
  let body: Buffer;
  try {
    body = readFileSync(join(packageRoot(), "src", "picker", asset.file));
  } catch {
    return false;
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", asset.type);
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; style-src 'self'");
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.end(body);
  return true;
}
