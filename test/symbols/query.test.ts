import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoreBackend } from "../../src/symbols/store-backend.js";
import { SymbolStore } from "../../src/symbols/store.js";
import { humps } from "../../src/symbols/name-forms.js";
import type { SymbolQuery } from "../../src/symbols/types.js";
import { STORE_BACKENDS, storeOpener } from "../support/store-backends.js";
import { record, sym, tempDir } from "./helpers.js";

const openStore = storeOpener();

describe("humps", () => {
  it("takes the initials of camelCase, PascalCase, snake_case and acronym runs", () => {
    expect(humps("getUserService")).toBe("gus");
    expect(humps("get_user_service")).toBe("gus");
    expect(humps("HTTPServerError")).toBe("hse");
    expect(humps("__init__")).toBe("i");
    expect(humps("parseJSON5File")).toBe("pjf");
  });

  it("splits words as the fuzzy tier does: letters without case (CJK) join their word, never separate it", () => {
    expect(humps("用户_name")).toBe("用n");
    expect(humps("获取User")).toBe("获u");
    expect(humps("ユーザー名")).toBe("ユ");
  });
});

describe.each(STORE_BACKENDS)("tiered symbol query on a real %s store", (backend) => {
  let store: StoreBackend;
  let cleanup: () => void;

  beforeEach(async () => {
    const t = tempDir("query");
    cleanup = t.cleanup;
    store = await openStore(backend, t.dir);
    await store.write([
      { type: "symbols", record: record("src/user/service.ts"), symbols: [
        sym("UserService", 5, 1), sym("getUserService", 6, 2, 0, "UserService"), sym("user", 7, 3, 0, "UserService"), sym("resetUserCache", 6, 4, 0, "UserService"),
      ] },
      { type: "symbols", record: record("src/user/model.ts"), symbols: [sym("User", 11, 1), sym("userName", 7, 2, 0, "User"), sym("Username", 5, 5)] },
      { type: "symbols", record: record("lib/util.ts"), symbols: [sym("getUser", 12, 1), sym("gaugeUnitSize", 12, 2), sym("superuser_mode", 13, 3)] },
      { type: "symbols", record: record("test/user.test.ts"), symbols: [sym("user", 13, 1)] },
    ]);
  });
  afterEach(async () => {
    await store.close();
    cleanup();
  });

  const names = async (q: SymbolQuery) => (await store.search(q)).hits.map((h) => `${h.tier}:${h.name}`);

  it("ranks exact before prefix before humps before substring", async () => {
    const hits = await names({ query: "user" });
    expect(hits.slice(0, 3).every((h) => h.startsWith("exact:"))).toBe(true);
    expect(hits).toContain("prefix:userName");
    expect(hits).toContain("prefix:Username");
    expect(hits).toContain("substring:getUserService");
    expect(hits).toContain("substring:superuser_mode");
    expect(hits.indexOf("prefix:userName")).toBeLessThan(hits.indexOf("substring:getUserService"));
    // case-sensitive exact first
    expect((await store.search({ query: "User" })).hits[0]!.name).toBe("User");
  });

  it("finds camelCase humps", async () => {
    const gus = await names({ query: "gus" });
    expect(gus.slice(0, 2).sort()).toEqual(["humps:gaugeUnitSize", "humps:getUserService"]);
    expect(gus.slice(2).every((n) => n.startsWith("fuzzy:"))).toBe(true);
    expect((await names({ query: "ruc" }))[0]).toBe("humps:resetUserCache");
  });

  it("finds substrings of 3+ characters through the trigram index", async () => {
    expect(await names({ query: "serCa" })).toEqual(["substring:resetUserCache"]);
  });

  it("falls back to fuzzy, also for typos and short queries", async () => {
    expect(await names({ query: "gtusrsvc" })).toEqual(["fuzzy:getUserService"]);
    expect((await names({ query: "getUsreService" }))[0]).toBe("fuzzy:getUserService");
    expect(await names({ query: "rc" })).toContain("fuzzy:resetUserCache");
  });

  it("does not take letters strewn over a long name for a fuzzy match", async () => {
    await store.write([{ type: "symbols", record: record("test/long.test.ts"), symbols: [sym('describe("tiered symbol query on a real SQLite file") callback.it("lists a file\'s symbols") callback', 12, 1)] }]);
    expect(await names({ query: "SymStore" })).toEqual([]);
    expect((await names({ query: "usrsvc" })).sort()).toEqual(["fuzzy:UserService", "fuzzy:getUserService"]);
  });

  it("stops early when the limit is filled", async () => {
    const r = await store.search({ query: "user", limit: 2 });
    expect(r.hits).toHaveLength(2);
    expect(r.truncated).toBe(true);
    expect(r.hits.every((h) => h.tier === "exact")).toBe(true);
  });

  it("filters by kind, path prefix, path glob and container", async () => {
    expect(await names({ query: "user", kinds: [13] })).toEqual(["exact:user", "substring:superuser_mode"]);
    expect((await names({ query: "user", path: "src/user/" })).every((n) => !n.includes("superuser") && !n.endsWith("getUser"))).toBe(true);
    expect((await store.search({ query: "user", path: "test/**/*.test.ts" })).hits.map((h) => h.path)).toEqual(["test/user.test.ts"]);
    expect((await store.search({ query: "user", path: "*.test.ts" })).hits.map((h) => h.path)).toEqual(["test/user.test.ts"]);
    expect(await names({ query: "user", container: "userservice" })).toEqual(["exact:user", "substring:getUserService", "substring:resetUserCache"]);
  });

  it("finds a name from an inner word's initials, and forgets them when the file goes", async () => {
    expect(await names({ query: "usca" })).toContain("fuzzy:resetUserCache");
    await store.write([{ type: "remove", path: "src/user/service.ts" }]);
    expect(await names({ query: "usca" })).not.toContain("fuzzy:resetUserCache");
    // (PostgreSQL's inner_humps rows go with their file by a cascading foreign key.)
    if (store instanceof SymbolStore) {
      const orphans = store.db.prepare("SELECT count(*) AS n FROM inner_humps WHERE symbol_id NOT IN (SELECT id FROM symbols)").get() as { n: number };
      expect(orphans.n).toBe(0);
    }
  });

  it("lists a file's symbols with parents, and replaces them on re-index", async () => {
    const syms = await store.fileSymbols("src/user/service.ts");
    expect(syms.map((s) => s.name)).toEqual(["UserService", "getUserService", "user", "resetUserCache"]);
    expect(syms[1]!.parent).toBe(0);
    await store.write([{ type: "symbols", record: record("src/user/service.ts", { hash: "h2" }), symbols: [sym("AccountService", 5, 1)] }]);
    expect(await names({ query: "getUserService" })).toEqual([]);
    expect(await names({ query: "accountservice" })).toEqual(["exact:AccountService"]);
    expect(await names({ query: "ountServ" })).toEqual(["substring:AccountService"]);
  });

  it("records empty and failed answers without serving them as symbols, and removes files", async () => {
    await store.write([
      { type: "symbols", record: record("empty.ts"), symbols: [] },
      { type: "failure", record: { ...record("broken.ts"), error: "timeout" }, status: "failed" },
    ]);
    expect(await store.getFile("empty.ts")).toMatchObject({ status: "empty", attempts: 0 });
    await store.write([{ type: "failure", record: { ...record("broken.ts"), error: "timeout" }, status: "failed" }]);
    expect(await store.getFile("broken.ts")).toMatchObject({ status: "failed", attempts: 2, error: "timeout" });
    await store.write([{ type: "remove", path: "lib/util.ts" }]);
    expect(await store.getFile("lib/util.ts")).toBeUndefined();
    expect((await names({ query: "getUser" })).filter((n) => !n.startsWith("fuzzy:"))).toEqual(["prefix:getUserService"]);
    expect(await store.stats()).toMatchObject({ files: 5, ok: 3, empty: 1, failed: 1 });
  });

  it("breaks a tie between equal declarations in favour of the source file, whichever was stored first", async () => {
    await store.write([{ type: "symbols", record: record("src/__tests__/parse.test.ts"), symbols: [sym("parseConfigFile", 12, 1)] }]);
    await store.write([{ type: "symbols", record: record("src/parse.ts"), symbols: [sym("parseConfigFile", 12, 1)] }]);
    expect((await store.search({ query: "parseConfigFile" })).hits.map((h) => h.path)).toEqual(["src/parse.ts", "src/__tests__/parse.test.ts"]);
    expect((await store.search({ query: "parseconf" })).hits.map((h) => h.path)).toEqual(["src/parse.ts", "src/__tests__/parse.test.ts"]);
  });

  it("invalidates the rows of a server whose fingerprint changed", async () => {
    await store.write([{ type: "symbols", record: { ...record("a.py"), fingerprint: "pyright@1#x" }, symbols: [sym("snake_case_fn", 12, 0)] }]);
    expect(await store.invalidateFingerprint("tsls", "tsls@2#c")).toBe(4);
    expect(await store.getFile("a.py")).toBeDefined();
    expect(await names({ query: "user" })).toEqual([]);
  });
});
