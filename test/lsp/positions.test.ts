import { describe, expect, it } from "vitest";
import { columnCount, columnToUtf16, splitLines, utf16ToColumn } from "../../src/lsp/positions.js";

describe("user columns (graphemes) ↔ LSP UTF-16", () => {
  const emojiLine = 'const e = "👍🏽🎉"; x';
  const cjkLine = "名前 = 名前; y";

  it("counts an emoji with a skin-tone modifier as one column and two surrogate pairs as UTF-16", () => {
    const col = [...new Intl.Segmenter().segment(emojiLine)].findIndex((s) => s.segment === "x") + 1;
    expect(col).toBe(17);
    expect(columnToUtf16(emojiLine, col)).toBe(emojiLine.indexOf("x"));
    expect(emojiLine.indexOf("x")).toBe(20);
    expect(utf16ToColumn(emojiLine, emojiLine.indexOf("x"))).toBe(col);
  });

  it("maps CJK characters (one UTF-16 unit each) one to one", () => {
    expect(columnToUtf16(cjkLine, 6)).toBe(5);
    expect(utf16ToColumn(cjkLine, 5)).toBe(6);
    expect(columnCount(cjkLine)).toBe(cjkLine.length);
  });

  it("maps an offset inside a surrogate pair or cluster to that cluster's column", () => {
    const i = emojiLine.indexOf("👍");
    expect(utf16ToColumn(emojiLine, i)).toBe(12);
    expect(utf16ToColumn(emojiLine, i + 1)).toBe(12);
    expect(utf16ToColumn(emojiLine, i + 3)).toBe(12);
    expect(utf16ToColumn(emojiLine, i + 4)).toBe(13);
  });

  it("treats flags and combining marks as single columns", () => {
    const line = "🇫🇷e\u0301z";
    expect(columnCount(line)).toBe(3);
    expect(columnToUtf16(line, 3)).toBe(line.indexOf("z"));
    expect(utf16ToColumn(line, line.indexOf("z"))).toBe(3);
  });

  it("clamps past the end and handles the line end and column 1", () => {
    expect(columnToUtf16("abc", 10)).toBe(3);
    expect(columnToUtf16("abc", 1)).toBe(0);
    expect(utf16ToColumn("abc", 3)).toBe(4);
    expect(utf16ToColumn("abc", 0)).toBe(1);
  });

  it("splits lines the LSP way", () => {
    expect(splitLines("a\r\nb\rc\nd")).toEqual(["a", "b", "c", "d"]);
  });
});
