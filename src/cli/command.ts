// One argument parser for every codeintel command: node's util.parseArgs (strict), wrapped once.
// A command declares its options with their help lines; the wrapper renders `--help` from them,
// and turns every parse problem into `codeintel CMD: problem` plus the usage line, exit 2:
// unknown options (with "did you mean"), missing values, a single-valued option given twice,
// arguments a command does not take, and options that belong to another command.
import { parseArgs } from "node:util";
import { editDistance } from "../workspace/edit-distance.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** Repeatable; the values come as an array. */
  multiple?: boolean;
  /** The value's placeholder in help (`DIR`, `N`). */
  value?: string;
  /** Help text; more lines with "\n". */
  help: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** `codeintel NAME`. */
  name: string;
  /** Usage lines, without the leading `codeintel `. */
  usage: string[];
  description?: string;
  options: O;
  /** Placeholder of the arguments the command takes (`QUERY`, `ROOT...`); none when absent. */
  positionals?: string;
  /** Examples, exit codes: printed after the options. */
  footer?: string;
  /** Options of another command, with what to use here instead: a clear error, never ignored. */
  elsewhere?: Record<string, string>;
}

type Value<O extends OptionSpec> = O["type"] extends "boolean" ? boolean : O["multiple"] extends true ? string[] : string;
export type Values<O extends Record<string, OptionSpec>> = { [K in keyof O]?: Value<O[K]> };

export interface Command {
  help(): string;
  /** Parses argv and runs; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

/** Bad usage found after parsing (a missing argument, an out-of-range number): exit 2 with the usage. */
export class UsageError extends Error {}

/** A command from its declared options and the handler that gets them parsed. */
export function defineCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  handler: (args: { values: Values<O>; positionals: string[] }) => Promise<number>,
): Command {
  const options: Record<string, OptionSpec> = { ...spec.options, help: { type: "boolean", short: "h", help: "this help" } };
  const fail = (message: string) => {
    process.stderr.write(`codeintel ${spec.name}: ${message}\n\n${usageLines(spec).join("\n")}\nRun 'codeintel help ${spec.name}' for the options.\n`);
    return 2;
  };
  return {
    help: () => renderHelp(spec, options),
    async run(argv) {
      const end = argv.indexOf("--");
      if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === "-h" || a === "--help")) {
        process.stdout.write(renderHelp(spec, options) + "\n");
        return 0;
      }
      try {
        return await handler(parse(spec, options, argv));
      } catch (err) {
        if (err instanceof UsageError) return fail(err.message);
        throw err;
      }
    },
  };
}

/** An integer option's value, checked: undefined when not given. */
export function integer(raw: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? (min === 0 ? "a non-negative integer" : `an integer >= ${min}`) : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${flag} must be ${range}, got '${raw}'`);
  }
  return Number(raw);
}

/** The candidate closest to `word` by edit distance (a typo or two), if any is close enough. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const extending = candidates.filter((c) => word.length >= 3 && c.startsWith(word));
  if (extending.length === 1) return extending[0];
  let best: string | undefined;
  let bestDistance = word.length <= 4 ? 2 : 3; // one typo in a short word, two in a longer one
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** What util.parseArgs needs of the declared options. */
function parseArgsOptions(options: Record<string, OptionSpec>) {
  return Object.fromEntries(
    Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), multiple: o.multiple === true }]),
  );
}

function parse<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, options: Record<string, OptionSpec>, argv: string[]): { values: Values<O>; positionals: string[] } {
  let result;
  try {
    result = parseArgs({ args: argv, options: parseArgsOptions(options), strict: true, allowPositionals: spec.positionals !== undefined, tokens: true });
  } catch (err) {
    if (!(err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) throw err;
    throw new UsageError(diagnose(spec, options, argv) ?? (err as Error).message);
  }
  const seen = new Set<string>();
  for (const t of result.tokens) {
    if (t.kind !== "option" || options[t.name]!.multiple) continue;
    if (seen.has(t.name)) throw new UsageError(`--${t.name} given more than once (codeintel ${spec.name} takes one)`);
    seen.add(t.name);
  }
  return { values: result.values as Values<O>, positionals: result.positionals };
}

/** Why strict parsing failed, in our words: the same argv parsed leniently, token by token. */
function diagnose(spec: CommandSpec<Record<string, OptionSpec>>, options: Record<string, OptionSpec>, argv: string[]): string | undefined {
  const { tokens } = parseArgs({ args: argv, options: parseArgsOptions(options), strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === "positional" && spec.positionals === undefined) return `unexpected argument '${t.value}' (codeintel ${spec.name} takes none)`;
    if (t.kind !== "option") continue;
    const option = options[t.name];
    if (!option) {
      const hint = spec.elsewhere?.[t.name];
      if (hint) return `${t.rawName} is not an option of codeintel ${spec.name}: ${hint}`;
      const guess = t.rawName.startsWith("--") ? didYouMean(t.name, Object.keys(options)) : undefined;
      return `unknown option '${t.rawName}'${guess ? ` (did you mean --${guess}?)` : ""}`;
    }
    const flag = t.rawName.startsWith("--") ? t.rawName : `${t.rawName} (--${t.name})`;
    if (option.type === "boolean" && t.value !== undefined) return `${flag} takes no value`;
    if (option.type === "string" && t.value === undefined) return `${flag} needs a value${option.value ? ` (${option.value})` : ""}`;
    // Every N option is a count (integer() takes digits only): `-n -1` is a wrong number, not a value to quote.
    if (option.type === "string" && !t.inlineValue && option.value === "N" && /^-\d/.test(t.value!)) {
      return `${flag} takes a count N, which cannot be negative: got '${t.value}' (e.g. ${t.rawName} 10)`;
    }
    if (option.type === "string" && !t.inlineValue && t.value!.startsWith("-")) {
      return `${flag} needs a value${option.value ? ` (${option.value})` : ""}, got the option '${t.value}'; write --${t.name}=${t.value} if that is the value`;
    }
  }
  return undefined;
}

function usageLines(spec: CommandSpec<Record<string, OptionSpec>>): string[] {
  return spec.usage.map((u, i) => `${i === 0 ? "Usage: " : "       "}codeintel ${u}`);
}

function renderHelp(spec: CommandSpec<Record<string, OptionSpec>>, options: Record<string, OptionSpec>): string {
  const usage = usageLines(spec);
  const rows = Object.entries(options).map(([name, o]) => [`${o.short ? `-${o.short}, ` : "    "}--${name}${o.value ? ` ${o.value}` : ""}`, o.help] as const);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const optionLines = rows.flatMap(([left, help]) => help.split("\n").map((line, i) => `  ${(i === 0 ? left : "").padEnd(width)}${line}`));
  return [...usage, "", ...(spec.description ? [spec.description, ""] : []), "Options:", ...optionLines, ...(spec.footer ? ["", spec.footer] : [])].join("\n");
}
