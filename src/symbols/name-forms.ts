// The searchable forms of a symbol name: lowercased for case-insensitive lookups and its
// "humps" (initials of its words) so `gus` finds `getUserService` and `get_user_service`.

/** Lowercase form used by the exact and prefix tiers. */
export function lowerName(name: string): string {
  return name.toLowerCase();
}

/**
 * Initials of the words of an identifier, lowercased: a word starts after a separator
 * (anything not a letter or digit), at a lower-to-upper change, and at the last capital of
 * a capital run followed by a lowercase letter (`HTTPServer` = HTTP + Server). Digits stay
 * in their word.
 */
export function humps(name: string): string {
  let out = "";
  let prev: CharClass = "sep";
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const cls = classify(ch);
    if (cls === "sep") {
      prev = "sep";
      continue;
    }
    let starts = false;
    if (prev === "sep") starts = cls !== "digit" || out.length === 0;
    else if (cls === "upper" && prev === "lower") starts = true;
    else if (cls === "upper" && prev === "upper") {
      const next = name[i + 1];
      starts = next !== undefined && classify(next) === "lower";
    }
    if (starts) out += ch.toLowerCase();
    prev = cls === "digit" ? prev === "sep" ? "lower" : prev : cls;
  }
  return out;
}

type CharClass = "upper" | "lower" | "digit" | "sep";

function classify(ch: string): CharClass {
  if (ch >= "a" && ch <= "z") return "lower";
  if (ch >= "A" && ch <= "Z") return "upper";
  if (ch >= "0" && ch <= "9") return "digit";
  if (ch === "_" || ch === "$" || ch === "-" || ch === "." || ch === ":" || ch === " " || ch === "#" || ch === "~") return "sep";
  // Other scripts: treat letters as lowercase so they join words rather than split them.
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  if (lower !== upper) return ch === upper ? "upper" : "lower";
  return "sep";
}
