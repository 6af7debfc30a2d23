// Which file to open in each server so that a live workspace/symbol search sees the whole
// project. Most servers index their root whatever file is open; tsserver searches only the
// projects of open files, so its sample must be a file its tsconfig.json (or jsconfig.json)
// really takes: a top-level eslint.config.js or scripts/build.js lands in an inferred project
// of one file, and every search then answers "no symbols match".
//
//   sampleFilesBySpec(root, projectRoot, registry, candidates) → Map<serverId, absPath>
//   candidates: the project root's files, root-relative and '/'-separated (the finder's list)

import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, join, relative, sep } from "node:path";
import { parse as parseJsonc } from "jsonc-parser";
import picomatch from "picomatch";
import { globProblem } from "../workspace/glob-bounds.js";
import { isInside } from "../workspace/paths.js";
import { readSourceTextSync } from "../workspace/source-text.js";
import type { ServerRegistry, ServerSpec } from "./registry.js";

/** Candidates looked at per call: a sample is found among the first ones in practice. */
const MAX_CANDIDATES = 50_000;
const PROJECT_CONFIGS = ["tsconfig.json", "jsconfig.json"];
const TS_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts"]);
const JS_EXTENSIONS = new Set([".js", ".jsx", ".mjs", ".cjs"]);
const DEFAULT_EXCLUDES = ["node_modules", "bower_components", "jspm_packages"];

/** One file per server with files in `root`, preferring files the server's project configuration takes. */
export function sampleFilesBySpec(root: string, projectRoot: string, registry: ServerRegistry, candidates: Iterable<string>): Map<string, string> {
  const first = new Map<string, string>();
  const inProject = new Map<string, string>();
  const projects = new ProjectConfigs(projectRoot);
  let seen = 0;
  for (const rel of candidates) {
    if (++seen > MAX_CANDIDATES) break;
    const spec = registry.specFor(rel);
    // A JSON file gives no server anything to search.
    if (!spec || inProject.has(spec.id) || extname(rel).toLowerCase() === ".json") continue;
    const abs = join(projectRoot, rel);
    if (!isInside(root, abs)) continue;
    const takenByProject = !readsProjectConfig(spec) || projects.takes(abs);
    // Only a file that would be kept is read: a sample the server would refuse (binary,
    // huge, a pipe) cannot give it project context.
    if ((takenByProject || !first.has(spec.id)) && !readSourceTextSync(abs, [root]).ok) continue;
    if (!first.has(spec.id)) first.set(spec.id, abs);
    if (takenByProject) inProject.set(spec.id, abs);
  }
  for (const [id, abs] of first) if (!inProject.has(id)) inProject.set(id, abs);
  return inProject;
}

/** Servers rooted by a tsconfig.json build their projects from it. */
function readsProjectConfig(spec: ServerSpec): boolean {
  return spec.rootMarkers.includes("tsconfig.json");
}

interface ProjectConfig {
  dir: string;
  files: string[];
  include: RegExp[];
  exclude: RegExp[];
  allowJs: boolean;
}

/** The nearest tsconfig.json / jsconfig.json above each file, parsed once, and whether it takes the file. */
class ProjectConfigs {
  private readonly nearest = new Map<string, ProjectConfig | null>();

  constructor(private readonly projectRoot: string) {}

  takes(absPath: string): boolean {
    const config = this.configFor(dirname(absPath));
    if (!config) return false;
    const ext = extname(absPath).toLowerCase();
    if (!TS_EXTENSIONS.has(ext) && !(config.allowJs && JS_EXTENSIONS.has(ext))) return false;
    const rel = relative(config.dir, absPath).split(sep).join("/");
    if (config.files.includes(rel)) return true;
    return config.include.some((re) => re.test(rel)) && !config.exclude.some((re) => re.test(rel));
  }

  private configFor(dir: string): ProjectConfig | null {
    const known = this.nearest.get(dir);
    if (known !== undefined) return known;
    let found: ProjectConfig | null = null;
    const name = PROJECT_CONFIGS.find((n) => existsSync(join(dir, n)));
    if (name) found = readProjectConfig(join(dir, name));
    else if (dir !== this.projectRoot && isInside(this.projectRoot, dirname(dir))) found = this.configFor(dirname(dir));
    this.nearest.set(dir, found);
    return found;
  }
}

interface RawConfig {
  extends?: unknown;
  files?: unknown;
  include?: unknown;
  exclude?: unknown;
  compilerOptions?: { allowJs?: unknown; outDir?: unknown };
}

/** What the config takes, following relative `extends` (fields not set here come from the base). */
function readProjectConfig(path: string, depth = 0): ProjectConfig | null {
  let raw: RawConfig;
  try {
    raw = parseJsonc(readFileSync(path, "utf8"), [], { allowTrailingComma: true }) as RawConfig;
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const dir = dirname(path);
  const base = typeof raw.extends === "string" && raw.extends.startsWith(".") && depth < 5 ? readProjectConfig(resolveExtends(dir, raw.extends), depth + 1) : null;
  const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined);
  // A base's include and files are relative to its own folder: inherited only from the same folder.
  const sameDir = base?.dir === dir ? base : null;
  const files = strings(raw.files)?.map(normalise) ?? sameDir?.files ?? [];
  const include = strings(raw.include)?.map(patternRegex) ?? sameDir?.include ?? (raw.files !== undefined ? [] : [patternRegex("**/*")]);
  const outDir = typeof raw.compilerOptions?.outDir === "string" ? [raw.compilerOptions.outDir] : [];
  const exclude = strings(raw.exclude)?.map(patternRegex) ?? [...DEFAULT_EXCLUDES, ...outDir].map(patternRegex);
  const allowJs = typeof raw.compilerOptions?.allowJs === "boolean" ? raw.compilerOptions.allowJs : (base?.allowJs ?? path.endsWith("jsconfig.json"));
  return { dir, files, include, exclude, allowJs };
}

function resolveExtends(dir: string, ref: string): string {
  const p = join(dir, ref);
  return p.endsWith(".json") ? p : `${p}.json`;
}

function normalise(p: string): string {
  return p.replace(/\\/g, "/").replace(/^\.\//, "");
}

const NOTHING = /(?!)/;

/** A tsconfig include/exclude pattern (globs as picomatch reads them); a plain name also takes what is below it. */
function patternRegex(pattern: string): RegExp {
  const p = normalise(pattern).replace(/\/$/, "");
  // "src" names a folder (everything below) or a file; "src/*" only what it matches.
  const last = p.split("/").pop() ?? "";
  const globs = /[*?]/.test(last) ? [p] : [p, `${p}/**`];
  // The project's own file, but no less hostile for it: a glob past the bounds takes nothing.
  if (globProblem(p)) return NOTHING;
  return picomatch.makeRe(globs.length === 1 ? globs[0]! : `{${globs.join(",")}}`, { dot: true, posix: true });
}
