// Adapter: the symbol cache (src/symbols) as the approximate navigator's declaration lookup
// (syntax/approximate-navigation.ts). Once a root's syntactic pass has covered every file, the
// declarations of a name are one indexed lookup in the cache instead of a scan of the nearest
// files and a parse of those that mention it (seconds on a large tree). Before that, or with no
// cache, it answers null and the navigator scans and parses as it would without a cache.
import type { SymbolCache } from "../symbols/symbol-cache.js";
import type { DeclarationLookup } from "../syntax/approximate-navigation.js";
import { languageFamily } from "../syntax/identifiers.js";
import { syntaxLanguageOf } from "../syntax/languages.js";

/** Rows read per name: a name declared more often than this is answered with `complete: false`. */
const MAX_DECLARATIONS = 500;

export function cachedDeclarations(cacheFor: (root: string) => SymbolCache | undefined): DeclarationLookup {
  return {
    declarationsNamed: async (root, name, { language }) => {
      const cache = cacheFor(root);
      if (!cache?.indexer.syntaxComplete) return null;
      const family = new Set<string>(languageFamily(language));
      const rows = await cache.store.declarationsNamed(name, { limit: MAX_DECLARATIONS });
      const declarations = rows
        .filter((r) => family.has(syntaxLanguageOf(r.file.path) ?? ""))
        .map(({ file, symbol }) => ({ path: file.path, symbol: { name: symbol.name, kind: symbol.kind as never, container: symbol.container, detail: symbol.detail, range: symbol.range, selectionRange: symbol.selectionRange, parent: null } }));
      return rows.length < MAX_DECLARATIONS
        ? { declarations, complete: true }
        : { declarations, complete: false, reason: `the first ${MAX_DECLARATIONS} declarations named '${name}' in the symbol cache` };
    },
  };
}
