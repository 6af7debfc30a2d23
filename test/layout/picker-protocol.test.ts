// The file picker (src/picker/picker.js) is plain browser JavaScript served as it is, so it cannot
// import src/protocol; this holds it to the protocol's names instead: every method it calls or
// notification it reads is one the protocol names, and every field of a result file it reads is
// a field of codex's WireFileMatch (the picker speaks codex's dialect).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { METHODS, NOTIFICATIONS, TOOL_NAMES, type WireFileMatch } from "../../src/protocol/index.js";
import { repoRoot } from "../support/compiled.js";

const picker = readFileSync(join(repoRoot, "src/picker/picker.js"), "utf8");
const known = new Set<string>([...Object.values(METHODS), ...Object.values(NOTIFICATIONS), ...Object.values(TOOL_NAMES)]);
// Typed against the interface: a field added to or removed from WireFileMatch fails to compile here.
const wireFields: Record<keyof WireFileMatch, true> = { root: true, path: true, match_type: true, file_name: true, score: true, indices: true };

const all = (re: RegExp) => [...picker.matchAll(re)].map((m) => m[1]!);

describe("the picker speaks the protocol's names", () => {
  it("calls, notifies and reads only methods and notifications the protocol names", () => {
    const used = [...all(/\brequest\("([^"]+)"/g), ...all(/\bnotify\("([^"]+)"/g), ...all(/\.method === "([^"]+)"/g)];
    expect(used.length, "the picker's method names were found").toBeGreaterThanOrEqual(6);
    expect(used.filter((m) => !known.has(m))).toEqual([]);
  });

  it("reads only WireFileMatch fields of a result file", () => {
    const fields = all(/\bfile\.([A-Za-z_]+)/g);
    expect(fields).toContain("match_type");
    expect([...new Set(fields)].filter((f) => !(f in wireFields))).toEqual([]);
  });
});
