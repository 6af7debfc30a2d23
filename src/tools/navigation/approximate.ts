// Approximate answers for hover, definition and references: when no language server answers
// for a file (none handles its language, it is not installed or broken, or it is still loading
// after lsp.approximateAfterMs), the syntax tier answers instead (syntax/approximate-navigation.ts),
// and says so: `precision: "approximate"`, `source: "syntax"`, and a first text line naming why.
//
//   exactOrApproximate(deps, input, signal, exact, approximate) → whichever applies
//   syntaxTarget(deps, input, signal) → the target and the identifier there, from the file on disk
//   approximateLine(why)              → the text's first line
import { basename, extname, join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Location } from "vscode-languageserver-protocol";
import { ToolError } from "../../core/tool.js";
import { firstLineOf, LspError } from "../../lsp/errors.js";
import { lineAt } from "../../lsp/positions.js";
import type { ApproximateNavigator } from "../../syntax/approximate-navigation.js";
import { identifierAt } from "../../syntax/identifiers.js";
import { syntaxLanguageOf, type SyntaxLanguage } from "../../syntax/languages.js";
import { readSourceTextSync } from "../../workspace/source-text.js";
import type { NavigationDeps } from "./common.js";
import { checkTarget, locateTarget, type ResolvedTarget, type TargetInputFields } from "./target.js";

/**
 * A server's failure that the syntax tier answers instead: it cannot answer (not installed,
 * broken, failed to start) or did not start in time. "indexing" (still loading after
 * readyTimeoutMs) stays the server's own answer: the loading watch has had its chance first.
 */
const FALL_BACK_ON = new Set(["unavailable", "timeout"]);

/**
 * Runs `exact` unless the syntax tier must answer: for a file whose language has a grammar,
 * no server handles it, the server cannot answer (not installed, broken, did not start), or the
 * server is still loading lsp.approximateAfterMs into the call. Then `exact` is cancelled and
 * `approximate(why)` answers.
 */
export async function exactOrApproximate<T>(
  deps: NavigationDeps,
  input: TargetInputFields,
  signal: AbortSignal,
  exact: (signal: AbortSignal) => Promise<T>,
  approximate: (nav: ApproximateNavigator, why: string) => Promise<T>,
): Promise<T> {
  const nav = deps.syntax;
  if (!nav) return exact(signal);
  const { file } = checkTarget(deps, input);
  if (!syntaxLanguageOf(file.absPath)) return exact(signal);
  const server = deps.pool.serverFor(file.absPath);
  if (!server) return approximate(nav, `no language server for ${extname(file.absPath) || basename(file.absPath)}`);
  const stop = new AbortController();
  const cancel = () => stop.abort();
  signal.addEventListener("abort", cancel, { once: true });
  try {
    type Outcome = { value: T } | { error: unknown } | { details: string[] };
    const answered: Promise<Outcome> = exact(stop.signal).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    // Null only once `stop` aborts: then the exact answer (or its cancellation) is what counts.
    const loading: Promise<Outcome> = deps.pool.whenLoading(file.absPath, stop.signal).then((details) => (details ? { details } : answered));
    const first = await Promise.race([answered, loading]);
    if ("value" in first) return first.value;
    if ("details" in first) {
      stop.abort(); // the exact request is not waited for; the server goes on loading
      return await approximate(nav, `${server.serverId} still loading (${first.details.join("; ")})`);
    }
    const code = (first.error as { code?: string } | undefined)?.code;
    if (!signal.aborted && (first.error instanceof ToolError || first.error instanceof LspError) && code && FALL_BACK_ON.has(code)) {
      return await approximate(nav, firstSentence((first.error as Error).message));
    }
    throw first.error;
  } finally {
    signal.removeEventListener("abort", cancel);
    stop.abort();
  }
}

export function approximateLine(why: string): string {
  return `approximate (syntax): ${why}`;
}

export interface SyntaxTarget {
  target: ResolvedTarget;
  language: SyntaxLanguage;
  /** The identifier at the target, or undefined when there is none (whitespace, punctuation). */
  name?: string;
  /** The name written before it and a `.`, `::` or `->` (`bufio` in `bufio.NewReader`). */
  qualifier?: string;
}

/** The target as resolveTarget would give it, from the file on disk and its syntax outline instead of a server. */
export async function syntaxTarget(deps: NavigationDeps, nav: ApproximateNavigator, input: TargetInputFields, signal: AbortSignal): Promise<SyntaxTarget> {
  const checked = checkTarget(deps, input);
  const { absPath, relPath, root } = checked.file;
  const language = syntaxLanguageOf(absPath)!;
  const read = readSourceTextSync(absPath, deps.roots);
  if (!read.ok) throw new ToolError(read.reason === "not_found" ? "not_found" : "invalid_input", `${relPath} ${read.detail}`);
  const outline = async () => (await nav.outline(root, relPath, signal)).symbols;
  const target = await locateTarget(checked, read.text, checked.symbol !== undefined ? await outline() : outline);
  const lineText = lineAt(read.text, target.position.line) ?? "";
  const id = identifierAt(lineText, target.position.character, language);
  const qualifier = id ? QUALIFIED.exec(lineText.slice(0, id.start))?.[1] : undefined;
  return { target, language, name: id?.name, qualifier };
}

const QUALIFIED = /([\p{L}_][\p{L}\p{N}_]*)\s*(?:\.|::|->)\s*$/u;

/** A root-relative path and 0-based position as an LSP location, for the shared renderers. */
export function locationOf(root: string, path: string, line: number, character: number, length: number): Location {
  return { uri: pathToFileURL(join(root, path)).href, range: { start: { line, character }, end: { line, character: character + length } } };
}

function firstSentence(message: string): string {
  const line = firstLineOf(message);
  const end = line.search(/\.\s/);
  return end > 0 ? line.slice(0, end) : line.replace(/\.$/, "");
}
