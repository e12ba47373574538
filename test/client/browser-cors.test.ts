/**
 * A browser page on one origin calling the example app on another: headless Chromium (driven by
 * playwright-core) loads a page from a second server, and the bundled `chainserve/client` there
 * invokes and streams `/chat` on the app, sending an API key (so every call is preflighted).
 * The app allows the page's origin through CORS_ORIGINS and requires API_KEYS. Without
 * /usr/bin/chromium the test is skipped (as browser.test.ts), unless CHAINSERVE_REQUIRE_BROWSER=1.
 */
import { existsSync } from "node:fs";
import Fastify, { type FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatInput, createChatChain, JOKE } from "../../chains/chat.js";
import { FakeChatModel } from "../../src/core/index.js";
import { buildApp } from "../../routes/app.js";
import { measureClientBundle } from "../../scripts/client-size.js";
import { listenLocal } from "../e2e/listen.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);

const page = (api: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>cross-origin</title></head><body><p id="out"></p>
<script type="module">
import { RemoteRunnable } from "/client.js";
const api = ${JSON.stringify(api)};
const out = {};
try {
  const chat = new RemoteRunnable({ url: api + "/chat", headers: { "x-api-key": "browser-key" } });
  out.invoke = (await chat.invoke({ topic: "bears" })).content;
  let text = "";
  let chunks = 0;
  for await (const chunk of await chat.stream({ topic: "bears" })) { text += chunk.content; chunks++; }
  out.stream = text;
  out.chunks = chunks;
  const res = await fetch(api + "/echo/invoke", { method: "POST", headers: { "content-type": "application/json", "x-api-key": "browser-key", "x-request-id": "req-42" }, body: '{"input":1}' });
  out.requestId = res.headers.get("x-request-id");
  try {
    await new RemoteRunnable({ url: api + "/chat" }).invoke({ topic: "bears" });
  } catch (error) {
    out.anonymous = { code: error.code, status: error.status, challenge: null };
  }
  const refused = await fetch(api + "/chat/invoke", { method: "POST", body: "{}" });
  out.anonymous.challenge = refused.headers.get("www-authenticate");
} catch (error) {
  out.error = String(error && error.stack || error);
}
window.__result = out;
</script></body></html>`;

describe.skipIf(!present)("a page on another origin calls the app (CORS) in headless Chromium", () => {
  let app: FastifyInstance;
  let site: FastifyInstance;
  let browser: Browser;
  let siteBase: string;
  const preflights: string[] = [];

  beforeAll(async () => {
    site = Fastify();
    const { code } = await measureClientBundle();
    let html = "";
    site.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(html));
    site.get("/client.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").send(Buffer.from(code)));
    siteBase = await listenLocal(site);
    const model = new FakeChatModel({ responses: [JOKE], sleepMs: 5 });
    app = await buildApp({
      logger: false,
      env: { CORS_ORIGINS: siteBase, API_KEYS: "browser-key" },
      routes: [
        { runnable: createChatChain(model), options: { path: "/chat", inputSchema: chatInput }, description: "joke" },
        { runnable: (await import("../../chains/echo.js")).echo, options: { path: "/echo" }, description: "echo" },
      ],
    });
    app.server.prependListener("request", (request: { method?: string; url?: string }) => {
      if (request.method === "OPTIONS") preflights.push(`OPTIONS ${request.url}`);
    });
    // Another port is another origin; "localhost" makes the host differ too.
    const apiBase = (await listenLocal(app)).replace("127.0.0.1", "localhost");
    html = page(apiBase);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await site?.close();
  });

  it("invokes and streams with an API key, reads exposed headers, and sees a 401 as UNAUTHORIZED", async () => {
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on("pageerror", (error) => problems.push(error.message));
    await tab.goto(`${siteBase}/`);
    await tab.waitForFunction(() => (globalThis as unknown as { __result?: unknown }).__result !== undefined, undefined, { timeout: 30_000 });
    const result = (await tab.evaluate(() => (globalThis as unknown as { __result: unknown }).__result)) as Record<string, unknown>;
    expect(problems).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.invoke).toBe(JOKE);
    expect(result.stream).toBe(JOKE);
    expect(result.chunks).toBeGreaterThan(1);
    expect(result.requestId).toBe("req-42");
    expect(result.anonymous).toEqual({ code: "UNAUTHORIZED", status: 401, challenge: 'Bearer realm="chainserve"' });
    // Counted by the app: Playwright does not report the preflights Chromium sends.
    expect(preflights).toEqual(expect.arrayContaining(["OPTIONS /chat/invoke", "OPTIONS /chat/stream", "OPTIONS /echo/invoke"]));
  });
});
