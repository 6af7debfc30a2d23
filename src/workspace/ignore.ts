// Ignore rules with git's semantics (gitignore(5)): per-folder ignore files (.gitignore, and
// ripgrep/fd's .ignore), negation, folder-only patterns, anchored patterns, `**`, character
// classes, escapes; deeper files take precedence over shallower ones, the last matching line of a
// file wins, and a path inside an ignored folder stays ignored (walkers never descend into it).
//
// Public surface:
//   parseIgnoreFile(text, base): IgnoreRule[]        compile one file's lines; base = its folder, root-relative ("" for the root)
//   class IgnoreStack                               the rules in force for one folder (immutable, chained to the parent's)
//     IgnoreStack.empty                             no rules
//     stack.with(rules): IgnoreStack                child stack with one more file's rules (returns `stack` when rules is empty)
//     stack.ignores(relPath, isDir): boolean        relPath is root-relative, '/'-separated
//   class IgnoreMatcher                             lazily loads ignore files from disk for any root-relative path (used by the watcher)
//     new IgnoreMatcher(root, { ignoreFiles?, extraRules? })
//     matcher.ignores(relPath, isDir): boolean      also true for anything inside an ignored folder
//   readGitExcludes(root): IgnoreRule[]             .git/info/exclude (when root is a repo top) + core.excludesFile
//   ALWAYS_SKIPPED                                  folder names never listed nor watched (.git)
import { homedir } from "node:os";
import { join } from "node:path";
import { MAX_IGNORE_FILE_BYTES, readRegularFileSync } from "./source-text.js";

export interface IgnoreRule {
  /** The folder holding the ignore file, root-relative, "" or ending in "/". */
  readonly base: string;
  readonly negated: boolean;
  readonly dirOnly: boolean;
  /** Matches the basename only (pattern without a slash) or the base-relative path. */
  readonly basenameOnly: boolean;
  readonly regex: RegExp;
  readonly source: string;
}

export const ALWAYS_SKIPPED = new Set([".git"]);
export const DEFAULT_IGNORE_FILES = [".gitignore", ".ignore"];

export function parseIgnoreFile(text: string, base: string): IgnoreRule[] {
  const prefix = base === "" || base.endsWith("/") ? base : `${base}/`;
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split("\n")) {
    const rule = parseLine(rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine, prefix);
    if (rule) rules.push(rule);
  }
  return rules;
}

export class IgnoreStack {
  static readonly empty = new IgnoreStack(null, []);

  private constructor(
    private readonly parent: IgnoreStack | null,
    private readonly rules: IgnoreRule[],
  ) {}

  with(rules: IgnoreRule[]): IgnoreStack {
    return rules.length === 0 ? this : new IgnoreStack(this, rules);
  }

  ignores(relPath: string, isDir: boolean): boolean {
    const slash = relPath.lastIndexOf("/");
    const basename = slash < 0 ? relPath : relPath.slice(slash + 1);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- walks the parent chain from here
    for (let stack: IgnoreStack | null = this; stack; stack = stack.parent) {
      const rules = stack.rules;
      for (let i = rules.length - 1; i >= 0; i--) {
        const rule = rules[i]!;
        if (rule.dirOnly && !isDir) continue;
        if (!relPath.startsWith(rule.base)) continue;
        const subject = rule.basenameOnly ? basename : relPath.slice(rule.base.length);
        if (rule.regex.test(subject)) return !rule.negated;
      }
    }
    return false;
  }
}

/** Reads ignore files on demand and caches the stack of each folder; for checks outside a walk. */
export class IgnoreMatcher {
  private readonly stacks = new Map<string, IgnoreStack>();
  private readonly ignoreFiles: string[];
  private readonly rootStack: IgnoreStack;

  constructor(
    private readonly root: string,
    options: { ignoreFiles?: string[]; extraRules?: IgnoreRule[] } = {},
  ) {
    this.ignoreFiles = options.ignoreFiles ?? DEFAULT_IGNORE_FILES;
    this.rootStack = IgnoreStack.empty.with(options.extraRules ?? []).with(this.loadRules(""));
    this.stacks.set("", this.rootStack);
  }

  ignores(relPath: string, isDir: boolean): boolean {
    if (relPath === "") return false;
    const parts = relPath.split("/");
    let stack = this.rootStack;
    let folder = "";
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const isLast = i === parts.length - 1;
      if (ALWAYS_SKIPPED.has(part)) return true;
      const path = folder === "" ? part : `${folder}/${part}`;
      if (stack.ignores(path, isLast ? isDir : true)) return true;
      if (isLast) break;
      folder = path;
      stack = this.stackFor(folder, stack);
    }
    return false;
  }

  /** Forget cached rules of a folder (after its ignore file changed). */
  invalidate(folder: string): void {
    for (const key of [...this.stacks.keys()]) {
      if (key !== "" && (key === folder || key.startsWith(`${folder}/`) || folder === "")) this.stacks.delete(key);
    }
  }

  private stackFor(folder: string, parent: IgnoreStack): IgnoreStack {
    let stack = this.stacks.get(folder);
    if (!stack) {
      stack = parent.with(this.loadRules(folder));
      this.stacks.set(folder, stack);
    }
    return stack;
  }

  private loadRules(folder: string): IgnoreRule[] {
    const rules: IgnoreRule[] = [];
    for (const name of this.ignoreFiles) {
      const text = readIgnoreFile(join(this.root, folder, name));
      if (text !== null) rules.push(...parseIgnoreFile(text, folder));
    }
    return rules;
  }
}

/** Rules git applies below every .gitignore: .git/info/exclude and core.excludesFile. */
export function readGitExcludes(root: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), ".config");
  const global = readIgnoreFile(join(xdg, "git", "ignore"));
  if (global !== null) rules.push(...parseIgnoreFile(global, ""));
  const info = readIgnoreFile(join(root, ".git", "info", "exclude"));
  if (info !== null) rules.push(...parseIgnoreFile(info, ""));
  return rules;
}

/** An ignore file's text, or null when it is absent or unreadable (as git treats it); a pipe named .gitignore is never waited on. */
export function readIgnoreFile(file: string | Buffer): string | null {
  const read = readRegularFileSync(file, MAX_IGNORE_FILE_BYTES);
  return read.ok ? read.bytes.toString("utf8") : null;
}

function parseLine(line: string, base: string): IgnoreRule | null {
  if (line === "" || line.startsWith("#")) return null;
  let text = trimUnescapedTrailingSpaces(line);
  let negated = false;
  if (text.startsWith("!")) {
    negated = true;
    text = text.slice(1);
  } else if (text.startsWith("\\!") || text.startsWith("\\#")) {
    text = text.slice(1);
  }
  let dirOnly = false;
  if (text.endsWith("/") && !text.endsWith("\\/")) {
    dirOnly = true;
    text = text.replace(/\/+$/, "");
  }
  if (text === "") return null;
  const basenameOnly = !text.includes("/");
  if (text.startsWith("/")) text = text.slice(1);
  const regex = globToRegex(text);
  if (!regex) return null;
  return { base, negated, dirOnly, basenameOnly, regex, source: line };
}

function trimUnescapedTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) {
    if (end >= 2 && line[end - 2] === "\\") break;
    end--;
  }
  return line.slice(0, end);
}

/** wildmatch with WM_PATHNAME, as git uses it. Returns null for a malformed pattern (git ignores those). */
function globToRegex(glob: string): RegExp | null {
  let out = "^";
  let i = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const j = i + 2;
        const atEnd = j === glob.length;
        if (atStart && (atEnd || glob[j] === "/")) {
          if (atEnd) {
            // `foo/**` matches everything inside foo; a bare `**` matches everything.
            out += ".*";
            i = j;
          } else {
            // `**/` matches zero or more folders.
            out += "(?:.*/)?";
            i = j + 1;
          }
          continue;
        }
      }
      while (glob[i] === "*") i++;
      out += "[^/]*";
      continue;
    }
    if (c === "?") {
      out += "[^/]";
      i++;
      continue;
    }
    if (c === "[") {
      const parsed = parseClass(glob, i);
      if (!parsed) return null;
      out += parsed.regex;
      i = parsed.next;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= glob.length) return null;
      out += escapeRegex(glob[i + 1]!);
      i += 2;
      continue;
    }
    out += escapeRegex(c);
    i++;
  }
  out += "$";
  try {
    return new RegExp(out, "s");
  } catch {
    return null;
  }
}

function parseClass(glob: string, start: number): { regex: string; next: number } | null {
  let i = start + 1;
  let negate = false;
  if (glob[i] === "!" || glob[i] === "^") {
    negate = true;
    i++;
  }
  let body = "";
  let first = true;
  while (i < glob.length && (glob[i] !== "]" || first)) {
    first = false;
    const c = glob[i]!;
    if (c === "[" && glob[i + 1] === ":") {
      const close = glob.indexOf(":]", i + 2);
      if (close < 0) return null;
      const name = glob.slice(i + 2, close);
      const cls = POSIX_CLASSES[name];
      if (!cls) return null;
      body += cls;
      i = close + 2;
      continue;
    }
    if (c === "\\" && i + 1 < glob.length) {
      body += escapeClassChar(glob[i + 1]!);
      i += 2;
      continue;
    }
    if (c === "-" && body !== "" && glob[i + 1] !== "]" && i + 1 < glob.length) {
      body += "-";
      i++;
      continue;
    }
    body += escapeClassChar(c);
    i++;
  }
  if (i >= glob.length) return null;
  return { regex: negate ? `(?!/)[^${body}]` : `(?!/)[${body}]`, next: i + 1 };
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: "a-zA-Z0-9",
  alpha: "a-zA-Z",
  blank: " \\t",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "\\x21-\\x7e",
  lower: "a-z",
  print: "\\x20-\\x7e",
  punct: "!-\\/:-@\\[-`{-~",
  space: " \\t\\n\\r\\f\\v",
  upper: "A-Z",
  xdigit: "0-9a-fA-F",
};

function escapeRegex(c: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(c) ? `\\${c}` : c;
}

function escapeClassChar(c: string): string {
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}
