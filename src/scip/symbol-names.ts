// The readable parts of a SCIP symbol string (scip.proto's grammar):
//   <scheme> ' ' <manager> ' ' <package name> ' ' <version> ' ' <descriptor>+   or   'local ' <id>
// where a space inside the first four parts is written twice, and each descriptor is a name
// followed by its suffix: `ns/`, `Type#`, `term.`, `method(disambiguator).`, `[TypeParam]`,
// `(param)`, `meta:`, `macro!`; a name with other characters is backquoted, `` ` `` doubled.
//
//   describeSymbol("scip-typescript npm pkg 1.0 src/`a.ts`/Widget#render().")
//     → { name: "render", suffix: "method", container: "Widget", local: false }

export type DescriptorSuffix = "namespace" | "type" | "term" | "method" | "typeParameter" | "parameter" | "meta" | "macro";

export interface SymbolDescription {
  /** The last descriptor's name ("" when the string has none, as a bare package). */
  name: string;
  suffix?: DescriptorSuffix;
  /** The descriptor before the last that is not a namespace (a file or package), if any. */
  container?: string;
  local: boolean;
}

export function isLocalSymbol(symbol: string): boolean {
  return symbol.startsWith("local ");
}

export function describeSymbol(symbol: string): SymbolDescription {
  if (isLocalSymbol(symbol)) return { name: symbol.slice(6), local: true };
  const descriptors = parseDescriptors(symbol.slice(descriptorsStart(symbol)));
  const last = descriptors.at(-1);
  const container = descriptors.slice(0, -1).reverse().find((d) => d.suffix !== "namespace" && d.suffix !== "parameter" && d.suffix !== "typeParameter");
  return { name: last?.name ?? "", suffix: last?.suffix, container: container?.name, local: false };
}

/** After the fourth unescaped space (a doubled space is part of a name). */
function descriptorsStart(symbol: string): number {
  let spaces = 0;
  for (let i = 0; i < symbol.length; i++) {
    if (symbol[i] !== " ") continue;
    if (symbol[i + 1] === " ") {
      i++;
      continue;
    }
    if (++spaces === 4) return i + 1;
  }
  return symbol.length;
}

function parseDescriptors(text: string): { name: string; suffix: DescriptorSuffix }[] {
  const out: { name: string; suffix: DescriptorSuffix }[] = [];
  let i = 0;
  const readName = (): string => {
    if (text[i] === "`") {
      let name = "";
      for (i++; i < text.length; i++) {
        if (text[i] === "`") {
          if (text[i + 1] === "`") {
            name += "`";
            i++;
            continue;
          }
          i++;
          break;
        }
        name += text[i];
      }
      return name;
    }
    const start = i;
    while (i < text.length && /[\w$+-]/.test(text[i]!)) i++;
    return text.slice(start, i);
  };
  while (i < text.length) {
    if (text[i] === "[" || text[i] === "(") {
      const close = text[i] === "[" ? "]" : ")";
      const suffix: DescriptorSuffix = text[i] === "[" ? "typeParameter" : "parameter";
      i++;
      const name = readName();
      if (text[i] === close) i++;
      out.push({ name, suffix });
      continue;
    }
    const name = readName();
    const c = text[i];
    if (c === "/") out.push({ name, suffix: "namespace" });
    else if (c === "#") out.push({ name, suffix: "type" });
    else if (c === ".") out.push({ name, suffix: "term" });
    else if (c === ":") out.push({ name, suffix: "meta" });
    else if (c === "!") out.push({ name, suffix: "macro" });
    else if (c === "(") {
      // method(disambiguator).
      const close = text.indexOf(")", i);
      i = close < 0 ? text.length : close + 1;
      out.push({ name, suffix: "method" });
      if (text[i] === ".") i++;
      continue;
    } else break; // not a descriptor: stop rather than guess
    i++;
  }
  return out;
}
