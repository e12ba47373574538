/**
 * The client in a real browser: the example app (its `/chat` on a fake model that pauses
 * between tokens) plus a test page that loads the esbuild-bundled `chainserve/client`, streams
 * `/chat` and appends each chunk's text to the DOM. Headless Debian Chromium, driven by
 * playwright-core, must show the joke in more than one painted state before it completes.
 *
 * Without /usr/bin/chromium the test is skipped with a loud warning, unless
 * CHAINSERVE_REQUIRE_BROWSER=1 (as in CI), which turns a missing browser into a failure.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatInput, createChatChain, JOKE } from "../../chains/chat.js";
import { FakeChatModel } from "../../src/core/index.js";
import { buildApp } from "../../routes/app.js";
import { measureClientBundle } from "../../scripts/client-size.js";
import { listenLocal } from "../e2e/listen.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const required = process.env.CHAINSERVE_REQUIRE_BROWSER === "1";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-artifacts");

if (!present && !required) {
  console.warn(
    `\n${"!".repeat(78)}\n!! BROWSER TESTS SKIPPED: no Chromium at ${CHROMIUM}.\n` +
      "!! Enable them with `apt-get install -y chromium` (or set CHROMIUM_PATH);\n" +
      `!! set CHAINSERVE_REQUIRE_BROWSER=1 to make a missing browser fail the run.\n${"!".repeat(78)}\n`,
  );
}

// The page records the text on every animation frame, so "more than one paint" is observable.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>chainserve client test</title></head>
<body><h1>chainserve/client</h1><p id="out" style="font:20px system-ui"></p>
<script type="module">
import { RemoteRunnable } from "/test-client/client.js";
const out = document.getElementById("out");
const frames = [];
let sampling = true;
const sample = () => { frames.push(out.textContent); if (sampling) requestAnimationFrame(sample); };
requestAnimationFrame(sample);
const remote = new RemoteRunnable({ url: "/chat" });
try {
  for await (const chunk of await remote.stream({ topic: "bears" })) out.append(String(chunk.content));
  await new Promise((resolve) => requestAnimationFrame(resolve));
  window.__result = { ok: true, text: out.textContent, frames, kind: "done" };
} catch (error) {
  window.__result = { ok: false, error: String(error), frames };
} finally {
  sampling = false;
}
</script></body></html>`;

describe.runIf(!present && required)("the browser tests", () => {
  it("need Chromium (CHAINSERVE_REQUIRE_BROWSER=1)", () => {
    throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install -y chromium\` or set CHROMIUM_PATH`);
  });
});

describe.skipIf(!present)("chainserve/client in headless Chromium", () => {
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const model = new FakeChatModel({ responses: [JOKE], sleepMs: 40 });
    app = await buildApp({
      logger: false,
      routes: [{ runnable: createChatChain(model), options: { path: "/chat", inputSchema: chatInput }, description: "slow joke" }],
    });
    const { code } = await measureClientBundle();
    app.get("/test-client/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(PAGE));
    app.get("/test-client/client.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(Buffer.from(code)));
    base = await listenLocal(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("streams /chat token by token into the page and completes", async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    await page.goto(`${base}/test-client/`);
    await page.waitForFunction(() => (globalThis as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const result = (await page.evaluate(() => (globalThis as unknown as { __result: unknown }).__result)) as {
      ok: boolean;
      text?: string;
      error?: string;
      frames: string[];
    };
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "client-browser.png") });
    expect(problems).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.text).toBe(JOKE);
    const partial = new Set(result.frames.filter((text) => text !== "" && text !== JOKE && JOKE.startsWith(text)));
    expect(partial.size).toBeGreaterThan(1);
    expect(result.frames.at(-1)).toBe(JOKE);
  });
});
