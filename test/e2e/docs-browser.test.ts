/**
 * The docs page in headless Chromium (playwright-core, Debian's /usr/bin/chromium), reached
 * through a reverse proxy that serves the example app under `/api`: `/api/docs` redirects to
 * `/api/docs/`, Swagger UI renders every chain's operations from files served by the app (no
 * other origin is contacted), and "Try it out" on `/chat/invoke` goes back through the proxy
 * (the document's relative server URL) and shows the joke. Screenshot in test-artifacts/.
 *
 * Skipped with a warning without Chromium, unless CHAINSERVE_REQUIRE_BROWSER=1.
 */
import { existsSync, mkdirSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOKE } from "../../chains/chat.js";
import { buildApp } from "../../routes/app.js";
import { listenLocal } from "./listen.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const present = existsSync(CHROMIUM);
const required = process.env.CHAINSERVE_REQUIRE_BROWSER === "1";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-artifacts");

if (!present && !required) console.warn(`!! docs browser test skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);

/** A reverse proxy serving `target` under `/api` (strips the prefix, as nginx's `proxy_pass …/;` does). */
function prefixProxy(target: string): Promise<{ server: Server; base: string; seen: string[] }> {
  const seen: string[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    seen.push(`${req.method ?? "GET"} ${url}`);
    if (!url.startsWith("/api/")) {
      res.writeHead(404).end("outside /api");
      return;
    }
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: url.slice("/api".length), method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen })),
  );
}

describe.runIf(!present && required)("the docs browser test", () => {
  it("needs Chromium (CHAINSERVE_REQUIRE_BROWSER=1)", () => {
    throw new Error(`No Chromium at ${CHROMIUM}`);
  });
});

describe.skipIf(!present)("the docs page in headless Chromium behind a path-prefix proxy", () => {
  let app: FastifyInstance;
  let browser: Browser;
  let proxy: { server: Server; base: string; seen: string[] };

  beforeAll(async () => {
    app = await buildApp({ env: {}, logger: false });
    proxy = await prefixProxy(await listenLocal(app));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => proxy?.server.close(resolve));
    await app?.close();
  });

  it("renders every chain from local assets and runs /chat/invoke through the proxy", { timeout: 60_000 }, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const requested: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${proxy.base}/api/docs`);
    expect(page.url()).toBe(`${proxy.base}/api/docs/`);
    await page.waitForSelector("#operations-chat-chat_invoke", { timeout: 30_000 });
    const titles = await page.locator(".opblock-summary-path").allTextContents();
    for (const path of ["/echo/invoke", "/assign/stream", "/chat/invoke", "/rag/stream_log", "/lc/chat/invoke", "/health"]) {
      expect(titles.map((t) => t.replace(/\u200b/g, ""))).toContain(path);
    }
    expect(requested.filter((url) => !url.startsWith(`${proxy.base}/api/`))).toEqual([]);

    // tryItOutEnabled: the request editor is open once the operation is expanded.
    await page.click("#operations-chat-chat_invoke .opblock-summary-control");
    await page.click("#operations-chat-chat_invoke .execute", { timeout: 10_000 });
    const status = page.locator("#operations-chat-chat_invoke .live-responses-table tbody td.response-col_status").first();
    await status.waitFor({ timeout: 30_000 });
    expect((await status.textContent())?.trim()).toBe("200");
    const body = await page.locator("#operations-chat-chat_invoke .live-responses-table tbody td.response-col_description pre").first().textContent();
    expect(body).toContain(JOKE.slice(0, 20));
    expect(proxy.seen).toContain("POST /api/chat/invoke");
    expect(errors).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "docs.png"), fullPage: false });
    await page.close();
  });
});
