// The searchable forms of a symbol name: lowercased for case-insensitive lookups and its
// "humps" (initials of its words) so `gus` finds `getUserService` and `get_user_service`.
import { wordStarts } from "./word-starts.js";

/** Lowercase form used by the exact and prefix tiers. */
export function lowerName(name: string): string {
  return name.toLowerCase();
}

/** Initials of the words of an identifier (word-starts.ts), lowercased: `HTTPServerError` → `hse`. */
export function humps(name: string): string {
  const starts = wordStarts(name);
  let out = "";
  for (let i = 0; i < name.length; i++) if (starts[i]) out += name[i]!.toLowerCase();
  return out;
}
