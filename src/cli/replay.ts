// `codeintel replay FILE [--root DIR]... [--update]`: re-runs every call of a recording
// (`serve --record`, `app-server --record`) against this build, in-process, on the same tree, and
// reports each call as same, differs (with a diff), now fails or now answers. A recording made on
// another tree is refused: its answers would differ for reasons that are not the build's. Answers
// that depend on timing (a server still loading answers approximately or partially) are asked
// again, as a client would, until they settle or --settle-ms runs out. Nothing is sent anywhere:
// the service is in this process, its language servers are local children.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCodeIntel, type CodeIntel } from "../codeintel.js";
import { answerOf, readRecording, RecordingError, writeRecording, type RecordedAnswer, type RecordedCall, type RecordedSession } from "../core/recorder.js";
import { compareOutcomes, rebaseRoots, unsettled, type Verdict } from "../core/replay-compare.js";
import { PathError, resolveRoots } from "../workspace/paths.js";
import { describeTree, sameTree, treeIdentity } from "../workspace/tree-identity.js";
import { defineCommand, integer, UsageError } from "./command.js";

const SYMBOL_INDEX_MODES = ["eager", "lazy", "manual", "off"] as const;
const DEFAULT_SETTLE_MS = 120_000;

export const replay = defineCommand(
  {
    name: "replay",
    usage: ["replay FILE [--root DIR]... [--update] [--settle-ms MS]"],
    description: `Re-runs every tool call of a recording (codeintel serve --record FILE, app-server --record
FILE) against this build on the same tree, in this process (nothing is sent anywhere), and compares
the answers with the recorded ones, times, durations and process ids left out. Prints each call as
same, DIFFERS (with a diff), NOW FAILS or now answers. A recording made on another tree (another
commit's content, other local changes) is refused.`,
    positionals: "FILE",
    options: {
      root: { type: "string", short: "r", multiple: true, value: "DIR", help: "where each recorded root is now, in the recording's order (default: the\nrecorded paths); the tree must be the recorded one" },
      update: { type: "boolean", help: "write the new answers into FILE (accept them as the expected ones)" },
      "settle-ms": { type: "string", value: "MS", help: `how long an answer given while a server is still loading (approximate,\npartial, "indexing") is asked again before it counts (default ${DEFAULT_SETTLE_MS})` },
    },
    footer: `Exit status: 0 every call answers as recorded (or now answers where it failed); 1 a call differs or
now fails; 2 the recording cannot be replayed here (unreadable, another tree, bad usage).

Examples:
  codeintel app-server --record session.jsonl .     # record while a client works
  codeintel replay session.jsonl                    # after a change: what answers differently?
  codeintel replay session.jsonl --update           # the new answers are right: keep them`,
  },
  async ({ values, positionals }) => {
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "which recording? (FILE)" : "one recording at a time");
    const file = positionals[0]!;
    const settleMs = integer(values["settle-ms"], "settle-ms", 0) ?? DEFAULT_SETTLE_MS;
    const say = (line: string) => process.stdout.write(line + "\n");
    const fail = (message: string) => {
      process.stderr.write(`codeintel replay: ${message}\n`);
      return 2;
    };
    let sessions: RecordedSession[];
    let plans: SessionPlan[];
    try {
      sessions = readRecording(file);
      plans = await Promise.all(sessions.map((s, i) => planSession(s, i, sessions.length, values.root)));
    } catch (err) {
      if (err instanceof RecordingError || err instanceof ReplayRefused || err instanceof PathError) return fail(err.message);
      throw err;
    }
    const tally = new Map<Kind, number>();
    const updated: RecordedSession[] = [];
    for (const plan of plans) {
      say(`${file}${sessions.length > 1 ? ` session ${plan.index + 1}` : ""}: ${plan.session.calls.length} calls recorded by codeintel ${plan.session.header.codeintel} ${plan.session.header.recordedBy}`);
      for (const r of plan.trees) say(`  tree ${r.root}: ${r.description}`);
      const calls = await replaySession(plan, settleMs, (kind, report) => {
        tally.set(kind, (tally.get(kind) ?? 0) + 1);
        say(report);
      });
      updated.push({ header: { ...plan.session.header, codeintel: calls.version, roots: plan.trees.map((t) => ({ root: t.root, tree: t.tree })) }, calls: calls.calls });
    }
    const count = (k: Kind) => tally.get(k) ?? 0;
    const regressions = count("differs") + count("now fails");
    say(
      `${count("same")} same, ${count("differs")} differ, ${count("now fails")} now fail, ${count("now answers")} now answer` +
        (count("was unsettled") ? `, ${count("was unsettled")} recorded unsettled and now different` : "") +
        (count("skipped") ? `, ${count("skipped")} skipped (cancelled when recorded)` : "") +
        (regressions ? ": REGRESSION" : ""),
    );
    if (values.update) {
      writeRecording(file, updated);
      say(`updated ${file} with the new answers`);
      return 0;
    }
    return regressions ? 1 : 0;
  },
);

class ReplayRefused extends Error {}

interface SessionPlan {
  index: number;
  session: RecordedSession;
  /** The roots this run uses, each with its tree as it is now. */
  trees: Array<{ root: string; tree: Awaited<ReturnType<typeof treeIdentity>>; description: string }>;
}

/** Where each recorded root is now, and a refusal when its tree is not the recorded one. */
async function planSession(session: RecordedSession, index: number, of: number, given: string[] | undefined): Promise<SessionPlan> {
  const recorded = session.header.roots;
  const which = of > 1 ? ` (session ${index + 1})` : "";
  if (given && given.length !== recorded.length) {
    throw new ReplayRefused(`the recording${which} has ${recorded.length} root${recorded.length === 1 ? "" : "s"} (${recorded.map((r) => r.root).join(", ")}); --root was given ${given.length} time${given.length === 1 ? "" : "s"}`);
  }
  const roots = resolveRoots(given ?? recorded.map((r) => r.root));
  if (roots.length !== recorded.length) throw new ReplayRefused(`two --root values are the same folder; the recording${which} has ${recorded.length} distinct roots`);
  const trees = await Promise.all(
    roots.map(async (root, i) => {
      const tree = await treeIdentity(root);
      const was = recorded[i]!.tree;
      if (!sameTree(was, tree)) {
        throw new ReplayRefused(
          `${root} is not the tree the recording${which} was made on: recorded ${describeTree(was)}, now ${describeTree(tree)}. ` +
            `Check out what was recorded (or record again on this tree).`,
        );
      }
      return { root, tree, description: describeTree(tree) };
    }),
  );
  return { index, session, trees };
}

async function replaySession(plan: SessionPlan, settleMs: number, report: (kind: Kind, text: string) => void): Promise<{ version: string; calls: RecordedCall[] }> {
  const { header } = plan.session;
  const symbolIndex = SYMBOL_INDEX_MODES.find((m) => m === header.options?.symbolIndex) ?? "eager";
  // A cache of its own, gone afterwards: answers come from this build's index, not one left by another.
  const cacheDir = mkdtempSync(join(tmpdir(), "codeintel-replay-"));
  const roots = { recorded: header.roots.map((r) => r.root), now: plan.trees.map((t) => t.root) };
  let ci: CodeIntel | undefined;
  try {
    ci = await createCodeIntel({ roots: roots.now, symbolIndex, cacheDir, watch: false, log: (line) => process.stderr.write(line + "\n") });
    const calls: RecordedCall[] = [];
    for (const call of plan.session.calls) {
      if ("error" in call && call.error.code === "cancelled") {
        report("skipped", line(call, "skipped", ["cancelled by its client when recorded"]));
        calls.push(call);
        continue;
      }
      const args = rebaseRoots(call.arguments, roots.recorded, roots.now);
      const { outcome, note } = await settledOutcome(ci, call.tool, args, settleMs);
      const verdict = compareOutcomes(call, outcome, roots);
      // An answer recorded while a server was still loading is not what a loaded one must match.
      const recordedUnsettled = unsettled(call);
      const kind = verdict.kind !== "same" && recordedUnsettled ? "was unsettled" : verdict.kind;
      const diff = verdict.kind === "same" ? [] : verdict.diff;
      const notes = [...(note ? [note] : []), ...(kind === "was unsettled" ? [`recorded ${recordedUnsettled}: not a regression; --update keeps the settled answer`] : [])];
      report(kind, line(call, kind, [...notes, ...diff]));
      calls.push({ type: "call", seq: call.seq, tool: call.tool, arguments: args, elapsedMs: call.elapsedMs, ...outcome });
    }
    return { version: ci.serverInfo.version, calls };
  } finally {
    await ci?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

/**
 * The call's outcome once settled: while a server is still loading (an approximate or partial
 * answer, "indexing") it is asked again after the service's next event (a server ready, index
 * progress), or a second at most, until it settles or `settleMs` has gone by.
 */
async function settledOutcome(ci: CodeIntel, tool: string, args: unknown, settleMs: number): Promise<{ outcome: RecordedAnswer; note?: string }> {
  const deadline = Date.now() + settleMs;
  for (let tries = 1; ; tries++) {
    const outcome = await outcomeOf(ci, tool, args);
    const why = unsettled(outcome);
    if (why === undefined) return { outcome };
    if (Date.now() >= deadline) return { outcome, note: `still ${why} after ${tries} tries in ${Math.round(settleMs / 1000)} s` };
    await nextEvent(ci, Math.min(1000, deadline - Date.now()));
  }
}

async function outcomeOf(ci: CodeIntel, tool: string, args: unknown): Promise<RecordedAnswer> {
  try {
    return answerOf({ result: await ci.call(tool, (args ?? {}) as object) });
  } catch (error) {
    return answerOf({ error });
  }
}

function nextEvent(ci: CodeIntel, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = ci.events.subscribe(done);
  });
}

type Kind = Verdict["kind"] | "was unsettled" | "skipped";

const LABELS: Record<Kind, string> = {
  same: "same",
  differs: "DIFFERS",
  "now fails": "NOW FAILS",
  "now answers": "now answers",
  "was unsettled": "was unsettled",
  skipped: "skipped",
};

function line(call: RecordedCall, kind: Kind, detail: string[]): string {
  const args = JSON.stringify(call.arguments ?? {});
  const head = `  ${LABELS[kind].padEnd(13)} #${call.seq} ${call.tool} ${args.length > 120 ? args.slice(0, 120) + "…" : args}`;
  return [head, ...detail.map((d) => `      ${d}`)].join("\n");
}
