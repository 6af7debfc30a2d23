// How replay judges a call: the recorded outcome against the one the current build gives, with
// what legitimately varies between two runs taken out first. Removed: times and durations (keys
// ending in Ms, `seconds`, `...At`, process ids) and durations in the text ("1.2 s", "340 ms").
// Mapped: each root's absolute path to "<root N>", so a recording replays in another checkout.
// Compared as sets: lists whose order carries no meaning (servers still loading, failures).
// What stays is compared exactly: paths, lines, columns, ranking order, snippets, the text.
//
//   compareOutcomes(recorded, now, roots): Verdict   same | differs (with a readable diff) | now fails | now answers
//   unsettled(outcome): string | undefined           why an answer depends on timing (a server still loading), if it does
//   rebaseRoots(args, from, to)                      a call's arguments with the recorded roots replaced by this run's
//   Verdict
import { diffArrays, diffLines } from "diff";
import { RETRYABLE_CODES } from "../protocol/index.js";
import type { RecordedAnswer } from "./recorder.js";
import { isPlainObject } from "./schema-check.js";

export type Verdict =
  | { kind: "same" }
  | { kind: "differs"; diff: string[] }
  | { kind: "now fails"; diff: string[] }
  | { kind: "now answers"; diff: string[] };

/** Each root as the recording names it and as this run has it, in the same order. */
export interface RootMapping {
  recorded: readonly string[];
  now: readonly string[];
}

/** Keys whose values are times, durations or process ids: never the same twice. */
const VOLATILE_KEY = /(Ms|At)$|^(seconds|pid|epoch)$/;
/** Lists that are sets: their order depends on which server answered first. */
const UNORDERED_KEYS = new Set(["running", "missingServers", "serverFailures", "keptSyntax", "shortfalls"]);
/** A reason that passes: what a loaded, unhurried server no longer says. */
const TRANSIENT = /still loading|timed out|indexing/i;
const DURATION = /\b\d+(\.\d+)?\s?(ms|s)\b/g;
const MAX_SHOWN = 240;

export function compareOutcomes(recorded: RecordedAnswer, now: RecordedAnswer, roots: RootMapping): Verdict {
  const label = (roots: readonly string[]) => rootReplacer(roots, roots.map((_, i) => `<root ${i + 1}>`));
  const before = normalise(outcomeOnly(recorded), label(roots.recorded));
  const after = normalise(outcomeOnly(now), label(roots.now));
  // Paths in the diff start at what the answer holds: structured.results[0].line, text.
  const unwrap = (o: unknown) => (isPlainObject(o) && "answer" in o ? o.answer : o);
  const diff = [...describeDiff("", unwrap(before), unwrap(after))];
  if (diff.length === 0) return { kind: "same" };
  if ("answer" in recorded && "error" in now) return { kind: "now fails", diff: [`error ${now.error.code}: ${now.error.message}`] };
  if ("error" in recorded && "answer" in now) return { kind: "now answers", diff: [`was error ${recorded.error.code}: ${recorded.error.message}`, ...textLines(now.answer.text, "+ ")] };
  return { kind: "differs", diff };
}

/**
 * Why an outcome may change by itself when asked again (the server was still loading): an
 * approximate answer given because a server is loading, a partial one, one from a symbol index
 * still being built, a retryable error.
 */
export function unsettled(outcome: RecordedAnswer): string | undefined {
  if ("error" in outcome) return RETRYABLE_CODES.includes(outcome.error.code) || outcome.error.code === "timeout" ? `error ${outcome.error.code}` : undefined;
  const s = outcome.answer.structured;
  if (!isPlainObject(s)) return undefined;
  // Approximate because a server is loading, not because none serves the language (that lasts).
  if (s.precision === "approximate" && TRANSIENT.test(outcome.answer.text.split("\n", 1)[0]!)) return "approximate: a server still loading";
  // Partial because a server is loading or timed out, not because one is missing (that lasts).
  if (s.complete === false && typeof s.reason === "string" && TRANSIENT.test(s.reason)) return `partial: ${s.reason}`;
  if (isPlainObject(s.index) && s.index.complete === false) return "symbol index still building";
  return undefined;
}

export function rebaseRoots(value: unknown, from: readonly string[], to: readonly string[]): unknown {
  const replace = rootReplacer(from, to);
  const rebase = (v: unknown): unknown => {
    if (typeof v === "string") return replace(v);
    if (Array.isArray(v)) return v.map(rebase);
    return isPlainObject(v) ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rebase(x)])) : v;
  };
  return rebase(value);
}

/** A recorded call carries its tool and arguments too: only how it ended is compared. */
function outcomeOnly(o: RecordedAnswer): RecordedAnswer {
  return "answer" in o ? { answer: o.answer } : { error: o.error };
}

function normalise(value: unknown, replace: (text: string) => string, key = ""): unknown {
  if (typeof value === "string") return replace(key === "text" ? value.replace(DURATION, "<duration>") : value);
  if (Array.isArray(value)) {
    const items = value.map((v) => normalise(v, replace));
    return UNORDERED_KEYS.has(key) ? items.sort((a, b) => compareText(JSON.stringify(a), JSON.stringify(b))) : items;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    if (!VOLATILE_KEY.test(k)) out[k] = normalise(value[k], replace, k);
  }
  return out;
}

/** Replaces each of `from` by its counterpart in `to`, in one pass, longest first (a root inside another is not half-replaced). */
function rootReplacer(from: readonly string[], to: readonly string[]): (text: string) => string {
  const by = new Map(from.map((root, i) => [root, to[i]!]));
  if (by.size === 0) return (text) => text;
  const pattern = new RegExp([...by.keys()].sort((a, b) => b.length - a.length).map((r) => r.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return (text) => text.replace(pattern, (root) => by.get(root)!);
}

function* describeDiff(path: string, a: unknown, b: unknown): Generator<string> {
  if (typeof a === "string" && typeof b === "string" && (a.includes("\n") || b.includes("\n"))) {
    if (a === b) return;
    yield `${path || "(value)"}:`;
    yield* lineDiff(a, b);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length === b.length) {
      for (let i = 0; i < a.length; i++) yield* describeDiff(`${path}[${i}]`, a[i], b[i]);
      return;
    }
    // Different lengths: which entries went and came, by content rather than by index.
    let index = 0;
    const changes = diffArrays(a.map((x) => JSON.stringify(x)), b.map((x) => JSON.stringify(x)));
    for (const change of changes) {
      for (const item of change.value) {
        if (change.removed) yield `- ${path}[${index}]: ${shorten(item)}`;
        else if (change.added) yield `+ ${path}[${index}]: ${shorten(item)}`;
        if (!change.removed) index++;
      }
    }
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const sub = path ? `${path}.${k}` : k;
      if (!(k in b)) yield `- ${sub}: ${shorten(JSON.stringify(a[k]))}`;
      else if (!(k in a)) yield `+ ${sub}: ${shorten(JSON.stringify(b[k]))}`;
      else yield* describeDiff(sub, a[k], b[k]);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) yield `${path || "(value)"}: ${shorten(JSON.stringify(a))} → ${shorten(JSON.stringify(b))}`;
}

/** A line diff with one line of context around each change. */
function* lineDiff(a: string, b: string): Generator<string> {
  const parts = diffLines(a.endsWith("\n") ? a : a + "\n", b.endsWith("\n") ? b : b + "\n");
  for (const [i, part] of parts.entries()) {
    const lines = part.value.replace(/\n$/, "").split("\n");
    if (part.added) yield* textLines(lines.join("\n"), "  + ");
    else if (part.removed) yield* textLines(lines.join("\n"), "  - ");
    else {
      const head = i > 0 ? lines.slice(0, 1) : [];
      const tail = i < parts.length - 1 ? lines.slice(-1) : [];
      const shown = lines.length <= head.length + tail.length ? lines : [...head, "…", ...tail];
      for (const line of shown) yield `    ${shorten(line)}`;
    }
  }
}

function textLines(text: string, prefix: string): string[] {
  return text.split("\n").map((line) => prefix + shorten(line));
}

function shorten(text: string): string {
  return text.length <= MAX_SHOWN ? text : `${text.slice(0, MAX_SHOWN)}… (${text.length} chars)`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
