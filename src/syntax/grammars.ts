// Loads tree-sitter's WebAssembly runtime once per thread, and each grammar and its query the
// first time a file of that language is parsed (a worker that only sees C never loads Rust).
//
//   grammarFor(language) → Promise<Grammar>    cached per thread; a failure is not cached
import { Language, Parser, Query } from "web-tree-sitter";
import { grammarFile, type SyntaxLanguage } from "./languages.js";
import { syntaxQuery } from "./queries.js";

export interface Grammar {
  language: SyntaxLanguage;
  parser: Parser;
  query: Query;
}

let runtime: Promise<void> | undefined;
const loaded = new Map<SyntaxLanguage, Promise<Grammar>>();

export function grammarFor(language: SyntaxLanguage): Promise<Grammar> {
  let grammar = loaded.get(language);
  if (!grammar) {
    grammar = load(language);
    loaded.set(language, grammar);
    grammar.catch(() => loaded.delete(language));
  }
  return grammar;
}

async function load(language: SyntaxLanguage): Promise<Grammar> {
  runtime ??= Parser.init().catch((err: unknown) => {
    runtime = undefined;
    throw new Error(`tree-sitter runtime failed to load: ${(err as Error).message}`, { cause: err });
  });
  await runtime;
  const file = grammarFile(language);
  let lang: Language;
  try {
    lang = await Language.load(file);
  } catch (err) {
    throw new Error(`the ${language} grammar failed to load from ${file}: ${(err as Error).message}`, { cause: err });
  }
  let query: Query;
  try {
    query = new Query(lang, syntaxQuery(language));
  } catch (err) {
    // A query that does not fit its grammar is a bug here, not in the file being parsed.
    throw new Error(`the ${language} symbol query does not fit its grammar: ${(err as Error).message}`, { cause: err });
  }
  const parser = new Parser();
  parser.setLanguage(lang);
  return { language, parser, query };
}
