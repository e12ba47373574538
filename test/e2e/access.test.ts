/**
 * The example app's access control from its environment: CORS_ORIGINS (@fastify/cors),
 * RATE_LIMIT_PER_MINUTE (@fastify/rate-limit) and API_KEYS (the `auth` option), over a real
 * socket: preflights on every chain route, CORS headers on streams, 429 RATE_LIMITED with
 * Retry-After in the one error shape, per-key buckets.
 */
import type { FastifyInstance } from "fastify";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../routes/app.js";
import { getMountedChains } from "../../src/server/index.js";
import { listenLocal } from "./listen.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const ORIGIN = "http://app.example.test";

describe("CORS_ORIGINS", () => {
  it("answers the preflight of every chain route, /c/ twins included, for an allowed origin only", async () => {
    app = await buildApp({ env: { CORS_ORIGINS: `${ORIGIN}, http://other.test` }, logger: false });
    const base = await listenLocal(app);
    const urls = getMountedChains(app).flatMap((chain) => chain.routes.map((r) => r.url.replace(":config_hash", "N4XyA")));
    expect(urls.length).toBeGreaterThan(40);
    for (const url of urls) {
      const res = await request(`${base}${url}`, {
        method: "OPTIONS",
        headers: { origin: ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "content-type,x-api-key" },
      });
      await res.body.dump();
      expect(res.statusCode, url).toBe(204);
      expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
      expect(res.headers["access-control-allow-methods"]).toContain("POST");
      expect(res.headers["access-control-allow-headers"]).toBe("content-type,x-api-key");
    }
    const stranger = await request(`${base}/chat/invoke`, { method: "OPTIONS", headers: { origin: "http://evil.test", "access-control-request-method": "POST" } });
    await stranger.body.dump();
    expect(stranger.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("puts the CORS headers on answers and on SSE streams, exposing what the client reads", async () => {
    app = await buildApp({ env: { CORS_ORIGINS: ORIGIN }, logger: false });
    const base = await listenLocal(app);
    for (const endpoint of ["invoke", "stream", "stream_log", "stream_events"]) {
      const res = await request(`${base}/chat/${endpoint}`, { method: "POST", body: '{"input":{"topic":"cats"}}', headers: { origin: ORIGIN } });
      const text = await res.body.text();
      expect(res.statusCode).toBe(200);
      expect(res.headers["access-control-allow-origin"]).toBe(ORIGIN);
      const exposed = String(res.headers["access-control-expose-headers"]).split(/,\s*/);
      expect(exposed).toEqual(expect.arrayContaining(["retry-after", "x-request-id", "www-authenticate"]));
      if (endpoint !== "invoke") expect(text).toMatch(/event: end\r\n/);
    }
  });

  it("sends no CORS headers when CORS_ORIGINS is unset", async () => {
    app = await buildApp({ env: {}, logger: false });
    const res = await app.inject({ method: "POST", url: "/echo/invoke", payload: { input: 1 }, headers: { origin: ORIGIN } });
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("RATE_LIMIT_PER_MINUTE and API_KEYS", () => {
  it("answers over the limit with 429 RATE_LIMITED and Retry-After, streams before any SSE byte", async () => {
    app = await buildApp({ env: { RATE_LIMIT_PER_MINUTE: "3" }, logger: false });
    const base = await listenLocal(app);
    for (let i = 0; i < 3; i++) {
      const ok = await request(`${base}/echo/invoke`, { method: "POST", body: '{"input":1}' });
      await ok.body.dump();
      expect(ok.statusCode).toBe(200);
      expect(ok.headers["x-ratelimit-remaining"]).toBe(String(2 - i));
    }
    for (const endpoint of ["invoke", "stream"]) {
      const res = await request(`${base}/echo/${endpoint}`, { method: "POST", body: '{"input":1}' });
      const body = (await res.body.json()) as Record<string, unknown>;
      expect(res.statusCode).toBe(429);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
      expect(body).toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/^Rate limit exceeded/) });
    }
    // Probes and documents are not limited.
    expect((await app.inject({ url: "/health" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/openapi.json" })).statusCode).toBe(200);
  });

  it("with API_KEYS, refuses callers without a key and counts each key in its own bucket", async () => {
    app = await buildApp({ env: { API_KEYS: "alpha, beta", RATE_LIMIT_PER_MINUTE: "2" }, logger: false });
    const call = (headers: Record<string, string>) => app!.inject({ method: "POST", url: "/echo/invoke", payload: { input: 1 }, headers });
    const anonymous = await call({});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().code).toBe("UNAUTHORIZED");
    expect((await app.inject({ url: "/chat/input_schema" })).statusCode).toBe(401);
    expect((await call({ "x-api-key": "alpha" })).statusCode).toBe(200);
    expect((await call({ authorization: "Bearer alpha" })).statusCode).toBe(200);
    expect((await call({ "x-api-key": "alpha" })).statusCode).toBe(429);
    expect((await call({ "x-api-key": "beta" })).statusCode).toBe(200);
    expect(getMountedChains(app).every((c) => c.security?.requirement.length === 2)).toBe(true);
  });
});
