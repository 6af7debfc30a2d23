// Builds the mechanical judged sets (bench/mechanical/*.tsv.gz): queries whose wanted file nobody
// chose. Each comes from a reference in real code, resolved the way its compiler or runtime does:
//   linux   every `#include <linux/…>` and `#include "…"` in the Linux 6.1 sources
//           (Debian's linux-source-6.1 tarball, unpacked to a temp folder), candidates the corpus
//           path list (../shared/corpora, the tree the other benches rank);
//   npm     every relative import/require/export-from in this project's node_modules;
//   python  every `from x.y import z` (absolute and relative) in /usr/lib/python3/dist-packages.
// Each resolved file is one target (popular files are not counted twice); SAMPLE targets are drawn
// with a fixed seed and each gives three queries, typed as a person would (see forms()). A target
// is held aside (never looked at while tuning) when a hash of its path says so, ~20%.
//
//   npm run build && node dist/bench/mechanical/build.js [linux] [npm] [python]
// writes <set>.tsv.gz (form, query, wanted, part) and, for npm and python, trees/<set>.txt.gz (the
// candidate files, so every run ranks the same tree whatever is installed later).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { loadCorpusPaths } from "../corpus.js";

const SAMPLE = 800;
const SEED = 21;
const here = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench", "mechanical");

/** Every file under `root` (relative, `/`-separated), symlinks and `skip` folders left out. */
function walk(root: string, skip: (name: string) => boolean): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip(entry.name)) visit(path);
      } else if (entry.isFile()) out.push(path);
    }
  };
  visit("");
  return out.sort();
}

function* matches(text: string, pattern: RegExp): Generator<string> {
  for (const m of text.matchAll(pattern)) yield m[1]!;
}

function readSource(file: string): string {
  // Minified bundles and generated tables hold no imports worth a query and cost the most to scan.
  return statSync(file).size > 2_000_000 ? "" : readFileSync(file, "utf8");
}

// --- linux -------------------------------------------------------------------------------------

const LINUX_TARBALL = "/usr/src/linux-source-6.1.tar.xz";

function linuxSources(): string | null {
  const dir = join(tmpdir(), "codeintel-linux-source-6.1");
  if (existsSync(join(dir, ".complete"))) return join(dir, "linux-source-6.1");
  if (!existsSync(LINUX_TARBALL)) return null;
  execFileSync("mkdir", ["-p", dir]);
  execFileSync("tar", ["-xJf", LINUX_TARBALL, "-C", dir, "--wildcards", "*.c", "*.h"], { stdio: "inherit" });
  writeFileSync(join(dir, ".complete"), "");
  return join(dir, "linux-source-6.1");
}

function linuxTargets(): { candidates: string[]; targets: string[] } | null {
  const src = linuxSources();
  if (!src) return null;
  const candidates = loadCorpusPaths();
  const known = new Set(candidates);
  const targets = new Set<string>();
  for (const file of candidates) {
    if (!/\.[ch]$/.test(file) || !existsSync(join(src, file))) continue;
    const text = readSource(join(src, file));
    for (const spec of matches(text, /^\s*#\s*include\s*<(linux\/[^>]+)>/gm)) {
      for (const base of ["include", "include/uapi"]) {
        if (known.has(`${base}/${spec}`)) {
          targets.add(`${base}/${spec}`);
          break;
        }
      }
    }
    for (const spec of matches(text, /^\s*#\s*include\s*"([^"]+)"/gm)) {
      const path = posix.normalize(posix.join(posix.dirname(file), spec));
      if (known.has(path)) targets.add(path);
    }
  }
  return { candidates, targets: [...targets] };
}

// --- npm ---------------------------------------------------------------------------------------

const NPM_SOURCE = /\.(?:[mc]?[jt]s|[jt]sx)$/;
const NPM_EXTENSIONS = ["", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx", ".d.ts", ".json"];
const NPM_SPECIFIERS = [
  /\b(?:import|export)\s[^'";]*?\bfrom\s*['"](\.\.?\/[^'"]+)['"]/g,
  /\bimport\s*['"](\.\.?\/[^'"]+)['"]/g,
  /\b(?:require|import)\(\s*['"](\.\.?\/[^'"]+)['"]\s*\)/g,
];

/** Node's and TypeScript's resolution of a relative specifier: as written, with an extension, a folder's index, a .js that is a .ts. */
function resolveRelative(known: Set<string>, from: string, spec: string): string | null {
  const path = posix.normalize(posix.join(posix.dirname(from), spec));
  const stems = [path, path.replace(/\.([mc]?)js$/, ".$1ts")];
  for (const stem of stems) for (const ext of NPM_EXTENSIONS) if (known.has(stem + ext)) return stem + ext;
  for (const ext of NPM_EXTENSIONS.slice(1)) if (known.has(`${path}/index${ext}`)) return `${path}/index${ext}`;
  return null;
}

function npmTargets(): { candidates: string[]; targets: string[] } {
  const root = resolve(here, "..", "..", "node_modules");
  const candidates = walk(root, (name) => name === ".bin" || name === ".cache");
  const known = new Set(candidates);
  const targets = new Set<string>();
  for (const file of candidates) {
    if (!NPM_SOURCE.test(file)) continue;
    const text = readSource(join(root, file));
    for (const pattern of NPM_SPECIFIERS) {
      for (const spec of matches(text, pattern)) {
        const target = resolveRelative(known, file, spec);
        if (target && target !== file) targets.add(target);
      }
    }
  }
  return { candidates, targets: [...targets] };
}

// --- python ------------------------------------------------------------------------------------

const PYTHON_ROOT = "/usr/lib/python3/dist-packages";

function pythonModule(known: Set<string>, dotted: string): string | null {
  const path = dotted.replaceAll(".", "/");
  for (const candidate of [`${path}.py`, `${path}/__init__.py`]) if (known.has(candidate)) return candidate;
  return null;
}

function pythonTargets(): { candidates: string[]; targets: string[] } {
  const candidates = walk(PYTHON_ROOT, (name) => name === "__pycache__").filter((p) => !p.endsWith(".pyc"));
  const known = new Set(candidates);
  const targets = new Set<string>();
  for (const file of candidates) {
    if (!file.endsWith(".py")) continue;
    const text = readSource(join(PYTHON_ROOT, file));
    for (const m of text.matchAll(/^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?\s*(\w+)/gm)) {
      const [, dots, module, name] = m as unknown as [string, string, string, string];
      let base = module;
      if (dots) {
        // `from .x import y` is relative to the importing file's package; each further dot is one up.
        const pkg = posix.dirname(file).split("/");
        if (dots.length - 1 >= pkg.length) continue;
        const up = pkg.slice(0, pkg.length - (dots.length - 1)).join(".");
        base = module ? `${up}.${module}` : up;
      }
      if (!base) continue;
      // `from pkg import submodule` names the submodule's file; `from mod import name`, the module's.
      const target = pythonModule(known, `${base}.${name}`) ?? pythonModule(known, base);
      if (target && target !== file) targets.add(target);
    }
  }
  return { candidates, targets: [...targets] };
}

// --- the queries -------------------------------------------------------------------------------

/** A name's words: split at `_`, `-`, `.` and camelCase humps (`CoverageReporter` → coverage, reporter). */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_.-]+/)
    .map((w) => w.toLowerCase())
    .filter(Boolean);
}

const ENTRY = /^(?:index\.[mc]?[jt]sx?|index\.d\.ts|__init__\.py)$/;

/**
 * Three queries for a wanted file, as a person would type them: `name` the basename's words
 * (`page_alloc.c` → "page alloc"; an index.js or __init__.py is named by its folder), `path` its
 * folder's name then those words ("mm page alloc"), `abbrev` the first three letters of each word
 * run together ("pagall"; one word: its first four, unless that is the name).
 */
function forms(wanted: string): Array<[string, string]> {
  const segments = wanted.split("/");
  let base = segments.at(-1)!;
  let folder = segments.at(-2) ?? "";
  if (ENTRY.test(base) && segments.length >= 2) {
    base = folder;
    folder = segments.at(-3) ?? "";
  }
  const stem = base.replace(/\.d\.ts$/, "").replace(/\.[^.]+$/, "") || base;
  const nameWords = words(stem);
  if (nameWords.length === 0) return [];
  const folderWord = folder.replace(/^[_.@]+/, "").toLowerCase();
  const abbrev = nameWords.length === 1 ? nameWords[0]!.slice(0, 4) : nameWords.map((w) => w.slice(0, 3)).join("");
  const out: Array<[string, string]> = [["name", nameWords.join(" ")]];
  if (folderWord) out.push(["path", `${folderWord} ${nameWords.join(" ")}`]);
  // A short one-word name is its own abbreviation: no second copy of the same query.
  if (abbrev !== nameWords.join(" ")) out.push(["abbrev", abbrev]);
  return out;
}

/** mulberry32: a small seeded generator, so the sample is the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample<T>(items: T[], n: number, seed: number): T[] {
  const a = [...items];
  const next = random(seed);
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, n);
}

/** Held aside when the path's hash says so: the same ~20% on every build, by file, not by query. */
function part(wanted: string): "tune" | "held" {
  return createHash("sha256").update(wanted).digest()[0]! < 52 ? "held" : "tune";
}

function write(set: string, found: { candidates: string[]; targets: string[] }, writeTree: boolean): void {
  const chosen = sample(found.targets.sort(), SAMPLE, SEED).sort();
  const lines = ["form\tquery\twanted\tpart"];
  for (const wanted of chosen) for (const [form, query] of forms(wanted)) lines.push(`${form}\t${query}\t${wanted}\t${part(wanted)}`);
  writeFileSync(join(here, `${set}.tsv.gz`), gzipSync(lines.join("\n") + "\n"));
  if (writeTree) writeFileSync(join(here, "trees", `${set}.txt.gz`), gzipSync(found.candidates.join("\n") + "\n"));
  console.log(`${set}: ${found.targets.length} referenced files, ${chosen.length} sampled, ${lines.length - 1} queries, ${found.candidates.length} candidates`);
}

const wanted = process.argv.slice(2);
const run = (set: string) => wanted.length === 0 || wanted.includes(set);
if (run("linux")) {
  const linux = linuxTargets();
  if (linux) write("linux", linux, false);
  else console.log(`linux: skipped, ${LINUX_TARBALL} is not here (apt-get install linux-source-6.1)`);
}
if (run("npm")) write("npm", npmTargets(), true);
if (run("python")) write("python", pythonTargets(), true);
