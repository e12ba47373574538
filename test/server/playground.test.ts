/**
 * The playground routes over a real socket: the page and its assets, the relative redirect,
 * the off switches, a Fastify prefix, OpenAPI hiding, and path traversal (raw request lines,
 * because fetch would normalise the dots before they reach the server).
 */
import { request } from "node:http";
import Fastify, { type FastifyInstance, type RouteOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, chatInput } from "../../chains/chat.js";
import { echo } from "../../chains/echo.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";
import { buildOpenApiDocument } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET with the path sent exactly as given. */
function rawGet(base: string, path: string): Promise<Raw> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

async function mounted(options: Partial<AddRoutesOptions>): Promise<FastifyInstance> {
  const app = Fastify();
  await addRoutes(app, echo, { path: "/echo", ...options });
  return app;
}

describe("GET {path}/playground/", () => {
  let app: FastifyInstance;
  let base: string;
  const routes: RouteOptions[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.addHook("onRoute", (route) => void routes.push(route));
    await addRoutes(app, chat, { path: "/chat", inputSchema: chatInput });
    base = await listenLocal(app);
  });
  afterAll(() => app.close());

  it("serves the built page with relative asset URLs, a strict CSP and nosniff", async () => {
    const res = await rawGet(base, "/chat/playground/");
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(res.headers["content-security-policy"]).toContain("connect-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    const script = /src="(\.\/assets\/[^"]+\.js)"/.exec(res.body)?.[1];
    expect(script).toBeDefined();
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const asset = await rawGet(base, `/chat/playground/${(script as string).slice(2)}`);
    expect(asset.status).toBe(200);
    expect(asset.headers["content-type"]).toMatch(/javascript/);
    expect(asset.body).toContain("stream_log");
  });

  it("serves the same page under /c/{config_hash}/ (share links)", async () => {
    const res = await rawGet(base, "/chat/c/N4XyA/playground/");
    expect(res.status).toBe(200);
    expect(res.body).toContain("./assets/");
  });

  it("redirects a missing slash with a relative Location (a proxy's prefix survives)", async () => {
    const res = await rawGet(base, "/chat/playground");
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe("playground/");
  });

  it.each([
    "/chat/playground/../../package.json",
    "/chat/playground/../../../../../../etc/passwd",
    "/chat/playground/%2e%2e/%2e%2e/package.json",
    "/chat/playground/%2E%2E%2F%2E%2E%2Fpackage.json",
    "/chat/playground/..%2f..%2fpackage.json",
    "/chat/playground/..%5c..%5cpackage.json",
    "/chat/playground/assets/%2e%2e/%2e%2e/%2e%2e/package.json",
    "/chat/playground/%252e%252e/%252e%252e/package.json",
    "/chat/playground//etc/passwd",
    "/chat/playground/./../../package.json",
    "/chat/c/x/playground/../../../../package.json",
    "/chat/c/x/playground/..%2f..%2f..%2f..%2fpackage.json",
    "/chat/c/x/playground/assets/..%2f..%2f..%2f..%2f..%2fpackage.json",
  ])("refuses path traversal: %s", async (path) => {
    const res = await rawGet(base, path);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).not.toContain('"name": "chainserve"');
    expect(res.body).not.toContain("root:x:0:0");
  });

  it("answers an unknown asset with the JSON 404", async () => {
    const res = await rawGet(base, "/chat/playground/assets/nope.js");
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("hides every playground route from OpenAPI generators (schema.hide) and from the mount's routes", async () => {
    const page = routes.filter((r) => r.url.includes("playground"));
    expect(page.length).toBeGreaterThanOrEqual(4);
    for (const route of page) expect((route.schema as { hide?: boolean } | undefined)?.hide, route.url).toBe(true);
    const doc = buildOpenApiDocument(app, { info: { title: "t", version: "1" } });
    expect(Object.keys(doc.paths).filter((p) => p.includes("playground"))).toEqual([]);
  });
});

describe("turning the playground off", () => {
  it.each<[string, Partial<AddRoutesOptions>]>([
    ["playground: false", { playground: false }],
    ['disabledEndpoints: ["playground"]', { disabledEndpoints: ["playground"] }],
    ["an enabledEndpoints list without it", { enabledEndpoints: ["invoke"] }],
  ])("%s answers 404", async (_name, options) => {
    const app = await mounted(options);
    for (const url of ["/echo/playground/", "/echo/playground", "/echo/c/N4XyA/playground/"]) {
      expect((await app.inject({ url })).statusCode, url).toBe(404);
    }
    await app.close();
  });

  it("serves no share-link twin when config_hashes is disabled", async () => {
    const app = await mounted({ disabledEndpoints: ["config_hashes"] });
    expect((await app.inject({ url: "/echo/playground/" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/echo/c/N4XyA/playground/" })).statusCode).toBe(404);
    await app.close();
  });

  it("rejects a playground option that is not a boolean at boot", async () => {
    const app = Fastify();
    await expect(addRoutes(app, echo, { path: "/echo", playground: "yes" as unknown as boolean })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await app.close();
  });
});

describe("under a Fastify prefix", () => {
  it("serves /api/echo/playground/", async () => {
    const app = Fastify();
    await app.register(async (scoped) => addRoutes(scoped, echo, { path: "/echo" }), { prefix: "/api" });
    const res = await app.inject({ url: "/api/echo/playground/" });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain("./assets/");
    await app.close();
  });
});
