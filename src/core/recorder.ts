// Record and replay's file: JSON lines, appended as calls end, so a session that crashes keeps
// what it answered. A recording is one or more sessions; each starts with a header (the roots,
// each root's tree identity, the service options that shape answers) and goes on with one line
// per tool call: the tool, its arguments as the caller sent them, and the answer (structured and
// text) or the error (code and message). Arguments and answers are kept as they were, source text
// included: a recording is as private as the code it was made on (created 0600).
//
//   startRecording(file, header, log): Recorder       appends a session; recorder.observe is a CallObserver
//   readRecording(file): RecordedSession[]            parses, naming the line of any problem
//   writeRecording(file, sessions)                    replaces the file whole (replay --update)
//   RecordingHeader, RecordedCall, RecordedAnswer, RecordedSession
import { openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import type { TreeIdentity } from "../workspace/tree-identity.js";
import type { CallOutcome } from "./dispatch.js";
import { isPlainObject } from "./schema-check.js";
import { ToolError } from "./tool.js";

export const RECORDING_FORMAT = 1;

export interface RecordingHeader {
  type: "session";
  format: typeof RECORDING_FORMAT;
  /** The codeintel version that answered. */
  codeintel: string;
  startedAt: string;
  /** Which server recorded it: "serve", "app-server". */
  recordedBy: string;
  roots: Array<{ root: string; tree: TreeIdentity }>;
  /** Service options that change answers (the symbol index mode). */
  options: { symbolIndex?: string };
}

/** How a call ended: an answer, or an error with its code. */
export type RecordedAnswer = { answer: { structured: unknown; text: string } } | { error: { code: string; message: string } };

export type RecordedCall = { type: "call"; seq: number; tool: string; arguments: unknown; elapsedMs: number } & RecordedAnswer;

export interface RecordedSession {
  header: RecordingHeader;
  calls: RecordedCall[];
}

export interface Recorder {
  readonly file: string;
  /** Give to dispatch.observe: appends the call as one line. */
  readonly observe: (outcome: CallOutcome) => void;
}

/** Opens (creates 0600, or appends to) a recording and writes the session's header. */
export function startRecording(file: string, header: Omit<RecordingHeader, "type" | "format">, log: (line: string) => void): Recorder {
  // Written synchronously, line by line: what was answered is on disk even if the process is killed.
  const fd = openSync(file, "a", 0o600);
  const append = (line: object) => writeSync(fd, JSON.stringify(line) + "\n");
  append({ type: "session", format: RECORDING_FORMAT, ...header });
  let seq = 0;
  let failed = false;
  return {
    file,
    observe(outcome) {
      const call: RecordedCall = { type: "call", seq: ++seq, tool: outcome.tool, arguments: outcome.input ?? {}, elapsedMs: outcome.elapsedMs, ...answerOf(outcome) };
      try {
        append(call);
      } catch (err) {
        // A full disk must not fail the call being answered: say it once, keep serving.
        if (!failed) log(`codeintel: --record ${file}: cannot append (${(err as Error).message}); calls from now on are not recorded`);
        failed = true;
      }
    },
  };
}

export function answerOf(outcome: { result: { structured: unknown; text: string } } | { error: unknown }): RecordedAnswer {
  if ("result" in outcome) return { answer: { structured: outcome.result.structured, text: outcome.result.text } };
  const err = outcome.error;
  if (err instanceof ToolError) return { error: { code: err.code, message: err.message } };
  if (err instanceof Error && err.name === "AbortError") return { error: { code: "cancelled", message: "request cancelled" } };
  return { error: { code: "internal", message: err instanceof Error ? err.message : String(err) } };
}

export class RecordingError extends Error {}

export function readRecording(file: string): RecordedSession[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new RecordingError(`cannot read ${file}: ${(err as Error).message}`);
  }
  const sessions: RecordedSession[] = [];
  for (const [i, line] of text.split("\n").entries()) {
    if (line.trim() === "") continue;
    const where = `${file}:${i + 1}`;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch (err) {
      // The last line of a session that was killed mid-write is the likely one: say so.
      throw new RecordingError(`${where}: not JSON (${(err as Error).message}); a recording cut short mid-line can be repaired by deleting that line`);
    }
    if (!isPlainObject(entry)) throw new RecordingError(`${where}: a line must be a JSON object`);
    if (entry.type === "session") {
      if (entry.format !== RECORDING_FORMAT) throw new RecordingError(`${where}: recording format ${String(entry.format)}, this codeintel reads format ${RECORDING_FORMAT}`);
      if (!Array.isArray(entry.roots) || entry.roots.length === 0) throw new RecordingError(`${where}: a session header needs its roots`);
      sessions.push({ header: entry as unknown as RecordingHeader, calls: [] });
    } else if (entry.type === "call") {
      const session = sessions.at(-1);
      if (!session) throw new RecordingError(`${where}: a call before any session header`);
      if (typeof entry.tool !== "string") throw new RecordingError(`${where}: a call needs its tool`);
      if (!isPlainObject(entry.answer) && !isPlainObject(entry.error)) throw new RecordingError(`${where}: a call needs an answer or an error`);
      session.calls.push(entry as unknown as RecordedCall);
    } else {
      throw new RecordingError(`${where}: unknown line type ${JSON.stringify(entry.type)} (expected "session" or "call")`);
    }
  }
  if (sessions.length === 0) throw new RecordingError(`${file}: no session in it (is it a codeintel recording?)`);
  return sessions;
}

/** Writes the sessions to a new file beside `file`, then renames it over: never half a recording. */
export function writeRecording(file: string, sessions: readonly RecordedSession[]): void {
  const lines = sessions.flatMap((s) => [s.header, ...s.calls].map((entry) => JSON.stringify(entry)));
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, lines.join("\n") + "\n", { mode: 0o600 });
  renameSync(temp, file);
}
