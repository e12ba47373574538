/**
 * The playground in headless Debian Chromium (playwright-core): streaming into the page,
 * Stop, the intermediate steps of /rag, chat mode, a header-protected chain, share links,
 * and the page under a Fastify prefix behind a path-prefix proxy. Screenshots go to
 * test-artifacts/ (git-ignored).
 *
 * Skipped with a warning without /usr/bin/chromium, unless CHAINSERVE_REQUIRE_BROWSER=1 (CI).
 */
import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOKE } from "../../chains/chat.js";
import { listenLocal } from "./listen.js";
import { OTHER, TOKEN, pathPrefixProxy, playgroundApp, prefixedApp, slowRun, taggedRun } from "./playground-fixtures.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const required = process.env.CHAINSERVE_REQUIRE_BROWSER === "1";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-artifacts");

// Runs in the page (a string: the test's tsconfig has no DOM types): records the output's
// text on every animation frame, so "more than one paint" is observable.
const SAMPLER = `(() => {
  window.__frames = [];
  window.__sampling = true;
  const sample = () => {
    window.__frames.push(document.querySelector('[data-testid="output"]')?.textContent ?? "");
    if (window.__sampling) requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})()`;

describe.runIf(!present && required)("the playground browser tests", () => {
  it("need Chromium (CHAINSERVE_REQUIRE_BROWSER=1)", () => {
    throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  });
});

describe.skipIf(!present)("the playground in headless Chromium", () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await playgroundApp();
    base = await listenLocal(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on("pageerror", (error) => problems.push(`${url}: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`${url}: ${message.text()}`);
    });
    await page.goto(url);
    return page;
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `playground-${name}.png`), fullPage: true });
  const output = (page: Page) => page.getByTestId("output");
  const status = (page: Page) => page.getByTestId("status");

  it("streams /chat's joke into the page over several paints", async () => {
    const page = await open(`${base}/chat/playground/`);
    await page.getByLabel("topic").fill("bears");
    // Sample the output on every animation frame from before the click to the end.
    await page.evaluate(SAMPLER);
    await page.getByRole("button", { name: "Stream" }).click();
    await expect.poll(() => status(page).getAttribute("data-status"), { timeout: 15_000 }).toBe("done");
    const frames = await page.evaluate(() => {
      const w = globalThis as unknown as { __frames: string[]; __sampling: boolean };
      w.__sampling = false;
      return w.__frames;
    });
    await shot(page, "chat-stream");
    expect(await output(page).textContent()).toContain(JOKE);
    const partial = new Set(frames.filter((text) => text.length > 0 && !text.includes(JOKE)));
    expect(partial.size).toBeGreaterThan(1);
    // The steps panel lists the prompt and the model with durations.
    await expect.poll(() => page.getByTestId("step").evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual(
      expect.arrayContaining(["ChatPromptTemplate", "GenericFakeChatModel"]),
    );
    await page.close();
  });

  it("stops a slow stream with the Stop button", async () => {
    const page = await open(`${base}/slow/playground/`);
    await page.getByLabel("topic").fill("bears");
    await page.getByRole("button", { name: "Stream" }).click();
    // A few characters in (the whole joke takes ~14 s at this pace).
    await expect.poll(async () => ((await output(page).getByTestId("message").textContent()) ?? "").length > 5, { timeout: 10_000 }).toBe(true);
    await page.getByRole("button", { name: "Stop" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("stopped");
    // The request was aborted, and with it the run on the server.
    await expect.poll(() => slowRun.aborted).toBe(true);
    const atStop = (await output(page).textContent()) ?? "";
    await page.waitForTimeout(800); // three more characters would have arrived by now
    expect(await output(page).textContent()).toBe(atStop);
    const text = atStop.replace(/^ai/, "");
    expect(text.length).toBeGreaterThan(3);
    expect(text.length).toBeLessThan(JOKE.length);
    expect(JOKE.startsWith(text), text).toBe(true);
    await shot(page, "slow-stopped");
    await page.close();
  });

  it("shows /rag's Docs retriever step with its document", async () => {
    const page = await open(`${base}/rag/playground/`);
    await page.getByLabel("Input (text)").fill("where did harrison work?");
    await page.getByRole("button", { name: "Stream" }).click();
    await expect.poll(() => status(page).getAttribute("data-status"), { timeout: 15_000 }).toBe("done");
    const docs = page.locator('[data-testid="step"][data-name="Docs"]');
    await docs.locator(":scope > summary").click();
    await expect.poll(() => docs.textContent()).toContain("harrison worked at kensho");
    expect(await docs.textContent()).toContain("retriever");
    expect(await output(page).textContent()).toContain("Harrison worked at Kensho.");
    await shot(page, "rag-steps");
    await page.close();
  });

  it("keeps the history of a chat-mode chain across two turns", async () => {
    const page = await open(`${base}/talk/playground/`);
    const box = page.getByTestId("chat-input");
    await box.fill("hello there");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByTestId("chat-message").count()).toBe(2);
    await box.fill("second turn");
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(() => page.getByTestId("chat-message").count()).toBe(4);
    const texts = await page.getByTestId("chat-message").allTextContents();
    expect(texts[1]).toContain('I have seen 1 messages; the last said "hello there"');
    expect(texts[3]).toContain('I have seen 3 messages; the last said "second turn"');
    await shot(page, "talk-chat");
    await page.close();
  });

  it("calls a header-protected chain once the Authorization field is filled", async () => {
    const page = await open(`${base}/secret/playground/`);
    await page.getByLabel("topic").fill("bears");
    await page.getByRole("button", { name: "Invoke" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("error");
    expect(await page.getByTestId("error").textContent()).toContain("401 UNAUTHORIZED");
    await shot(page, "secret-refused");
    await page.getByText("Headers (sent with every call)").click();
    await page.getByTestId("authorization").fill(TOKEN);
    await page.getByRole("button", { name: "Stream" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("done");
    expect(await output(page).textContent()).toContain(JOKE);
    await shot(page, "secret-accepted");
    await page.close();
  });

  it("edits the config from the config schema and shares it through /c/{config_hash}/playground/", async () => {
    const page = await open(`${base}/pick/playground/`);
    await page.getByLabel("Model").selectOption({ label: "other" });
    const link = await page.getByTestId("share-link").getAttribute("href");
    expect(link).toMatch(/\/pick\/c\/[^/]+\/playground\/$/);
    const calls: string[] = [];
    page.on("request", (request) => calls.push(new URL(request.url()).pathname));
    await page.goto(link as string);
    await expect.poll(() => page.getByLabel("Model").inputValue()).toBe('"other"');
    await page.getByLabel("topic").fill("bears");
    await page.getByRole("button", { name: "Invoke" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("done");
    expect(await output(page).textContent()).toContain(OTHER);
    // The calls went through the link's /c/{config_hash}/ twin.
    expect(calls).toContain(`${new URL(link as string).pathname.replace(/playground\/$/, "")}invoke`);
    await shot(page, "pick-shared");
    await page.close();
  });

  it("sends the other config keys the config schema lists (tags)", async () => {
    const page = await open(`${base}/tagged/playground/`);
    await page.getByLabel("Tags").fill('["from-the-page"]');
    expect(await page.getByLabel("Recursion Limit").inputValue()).toBe("25");
    await page.getByLabel("topic").fill("bears");
    await page.getByRole("button", { name: "Invoke" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("done");
    expect(taggedRun.tags).toContain("from-the-page");
    await shot(page, "tagged");
    await page.close();
  });

  it("shows a tool call of a message output", async () => {
    const page = await open(`${base}/tools/playground/`);
    await page.getByLabel("city").fill("Paris");
    await page.getByRole("button", { name: "Stream" }).click();
    await expect.poll(() => status(page).getAttribute("data-status")).toBe("done");
    const call = output(page).getByTestId("tool-call");
    expect(await call.textContent()).toContain("get_weather");
    expect(await call.textContent()).toContain('{"city":"Paris"}');
    await shot(page, "tools");
    await page.close();
  });

  it("works under a Fastify prefix behind a proxy that adds its own path prefix", async () => {
    const inner = await prefixedApp();
    const proxy = await pathPrefixProxy(await listenLocal(inner));
    try {
      const page = await open(`${proxy.url}/api/chat/playground/`);
      await page.getByLabel("topic").fill("bears");
      await page.getByRole("button", { name: "Stream" }).click();
      await expect.poll(() => status(page).getAttribute("data-status"), { timeout: 15_000 }).toBe("done");
      expect(await output(page).textContent()).toContain(JOKE);
      await shot(page, "proxied");
      await page.close();
    } finally {
      await new Promise<void>((resolve) => (proxy.server as Server).close(() => resolve()));
      await inner.close();
    }
  });

  it("links every playground from the example app's index page", async () => {
    const page = await open(`${base}/`);
    await page.getByRole("link", { name: "/chat", exact: true }).click();
    await page.waitForURL(`${base}/chat/playground/`);
    await expect.poll(() => page.getByTestId("chain").textContent()).toBe("/chat");
    await page.goto(`${base}/`);
    expect(await page.getByRole("link", { name: "/hidden" }).count()).toBe(0);
    await shot(page, "index");
    await page.close();
  });

  it("logged no page errors", () => {
    expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  });
});
