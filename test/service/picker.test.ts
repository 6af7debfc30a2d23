// The picker page in headless Chromium against a real `codeintel app-server --listen`:
// type a query, watch results stream in with highlights, move with the keyboard, open a
// file and see its document symbols. Keeps a screenshot in test/artifacts/.
import { cpSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, processesWithMarker, repoRoot, spawnCodeintel, stderrLine } from "./helpers.js";

const TOKEN = "picker-token";
// A scratch copy of the TypeScript fixture: the page is under test here, not the finder's handling of a git sub-folder.
const fixture = mkdtempSync(join(tmpdir(), "ci-picker-"));
cpSync(join(repoRoot, "test/fixtures/ts"), fixture, { recursive: true });
let child: ReturnType<typeof spawnCodeintel>["child"];
let marker: string;
const markers: string[] = [];
let base: string;
let browser: BrowserContext;

beforeAll(async () => {
  ({ child, marker } = spawnCodeintel(["app-server", "--listen", "ws://127.0.0.1:0", "--token", TOKEN, fixture]));
  markers.push(marker);
  const url = (await stderrLine(child, /listening on (ws:\/\/\S+)/))[1];
  base = url.replace("ws://", "http://");
  // A fresh profile per run: launchPersistentContext is playwright's way to pass --user-data-dir.
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "ci-chromium-")), {
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
  }
  await eventually(() => markers.every((m) => processesWithMarker(m).length === 0), "no server process left");
});

describe("picker page", () => {
  it("is refused without the token", async () => {
    expect((await fetch(`${base}/`)).status).toBe(401);
  });

  it("streams highlighted matches as you type, selects with the keyboard and shows the file's symbols", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${base}/?token=${TOKEN}`);
    // Locators only: the page's CSP forbids the eval that string predicates would need.
    await page.locator("#status", { hasText: /^ready/ }).waitFor();
    const query = page.locator("#query");
    await query.pressSequentially("shap", { delay: 40 });
    await page.waitForSelector('#results[data-complete="true"] li');
    const first = await page.locator("#results li").first().textContent();
    expect(first).toContain("shapes.ts");
    const marks = await page.locator("#results li").first().locator("mark").allTextContents();
    expect(marks.join("")).toBe("shap");
    // The results change as the query narrows.
    await query.pressSequentially(" .ts$", { delay: 40 });
    await eventually(async () => {
      if ((await page.locator("#results").getAttribute("data-complete")) !== "true") return false;
      const items = await page.locator("#results li").allTextContents();
      return items.length > 0 && items.every((text) => text.endsWith(".ts"));
    }, "only .ts results once the query narrows");
    await query.fill("");
    await query.pressSequentially("src", { delay: 30 });
    await page.waitForSelector('#results[data-complete="true"] li');
    const count = await page.locator("#results li").count();
    expect(count).toBeGreaterThan(1);
    await query.press("ArrowDown");
    const second = page.locator('#results li[aria-selected="true"]');
    expect(await page.locator("#results li").nth(1).getAttribute("aria-selected")).toBe("true");
    // Walk down to shapes.ts with the keyboard and open it.
    for (let i = 0; i < count; i++) {
      if ((await second.getAttribute("data-path")) === "src/shapes.ts") break;
      await query.press("ArrowDown");
    }
    expect(await second.getAttribute("data-path")).toBe("src/shapes.ts");
    await query.press("Enter");
    await page.waitForSelector('#symbol-list[data-state="done"] li', { timeout: 90_000 });
    const symbols = await page.locator("#symbol-list li").allTextContents();
    expect(symbols.length).toBeGreaterThan(0);
    expect(symbols.join("\n")).toMatch(/class|function|interface/);
    mkdirSync(join(repoRoot, "test/artifacts"), { recursive: true });
    await page.screenshot({ path: join(repoRoot, "test/artifacts/picker.png") });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it("reconnects after the server restarts and re-opens its search with the current query", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/?token=${TOKEN}`);
    await page.locator("#status", { hasText: /^ready/ }).waitFor();
    await page.locator("#query").pressSequentially("shap", { delay: 30 });
    await page.waitForSelector('#results[data-complete="true"] li');

    const exited = new Promise((r) => child.on("exit", r));
    child.kill("SIGTERM");
    await exited;
    await page.locator("#status", { hasText: /^disconnected.*reconnecting/ }).waitFor();
    const port = new URL(base).port;
    ({ child, marker } = spawnCodeintel(["app-server", "--listen", `ws://127.0.0.1:${port}`, "--token", TOKEN, fixture]));
    markers.push(marker);
    await stderrLine(child, /listening on/);

    // Back by itself, and the query typed before the restart is answered by the new server.
    await page.locator("#status", { hasText: /^\d+ results?$/ }).waitFor({ timeout: 60_000 });
    expect(await page.locator("#results li").first().getAttribute("data-path")).toBe("src/shapes.ts");
    await page.locator("#query").fill("main");
    await eventually(async () => (await page.locator("#results li").first().getAttribute("data-path")) === "src/main.ts", "a new query is answered after the restart");
    await page.close();
  }, 120_000);
});
