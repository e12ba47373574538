/**
 * The `auth` option: API keys and verifiers, on every endpoint of a mount (schemas and the
 * `/c/{config_hash}` twins included), 401 / 403 in the one error shape before any SSE byte,
 * and the principal in the run's config.
 */
import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { ChainserveError, RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { addRoutes, getMountedChains, getPrincipal, type AddRoutesOptions, type AuthOptions } from "../../src/server/index.js";
import { isPublicRoute, resolveAuth } from "../../src/server/auth.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

/** A runnable answering with the principal it was given, from metadata and configurable. */
const whoAmI = () =>
  RunnableLambda.from((_x: unknown, config?: RunnableConfig) => ({
    metadata: config?.metadata?.principal ?? "none",
    configurable: config?.configurable?.principal ?? "none",
  }));

async function serve(auth: AuthOptions, options: Partial<AddRoutesOptions> = {}, runnable = whoAmI()): Promise<FastifyInstance> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/r", auth, ...options });
  return app;
}

const post = (url: string, headers: Record<string, string> = {}, body: unknown = { input: 1 }) =>
  app.inject({ method: "POST", url, payload: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } });

describe("API keys", () => {
  it("accepts a key in x-api-key or as a bearer token and hands its principal to the run", async () => {
    await serve({ apiKeys: ["k-one", { key: "k-two", principal: { id: "team-b", scopes: ["chat"] } }] });
    const one = await post("/r/invoke", { "x-api-key": "k-one" });
    expect(one.statusCode).toBe(200);
    const principal = one.json().output.metadata;
    expect(principal.id).toMatch(/^key:[0-9a-f]{12}$/);
    expect(principal.id).not.toContain("k-one");
    expect(one.json().output.configurable).toEqual(principal);
    const two = await post("/r/invoke", { authorization: "Bearer k-two" });
    expect(two.json().output).toEqual({ metadata: { id: "team-b", scopes: ["chat"] }, configurable: { id: "team-b", scopes: ["chat"] } });
  });

  it("answers 401 UNAUTHORIZED with a challenge when the key is missing or wrong", async () => {
    await serve({ apiKeys: ["k-one"] });
    const missing = await post("/r/invoke");
    expect(missing.statusCode).toBe(401);
    expect(missing.headers["www-authenticate"]).toBe('Bearer realm="chainserve"');
    expect(missing.json()).toEqual({ detail: "Missing credentials", message: "Missing credentials", code: "UNAUTHORIZED" });
    for (const headers of <Record<string, string>[]>[{ "x-api-key": "k-on" }, { "x-api-key": "k-one-and-more" }, { authorization: "Bearer " }, { authorization: "Basic k-one" }]) {
      const res = await post("/r/invoke", headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(401);
      expect(res.json().code).toBe("UNAUTHORIZED");
    }
    expect((await post("/r/invoke", { "x-api-key": "wrong" })).headers["www-authenticate"]).toBe('Bearer realm="chainserve", error="invalid_token"');
  });

  it("guards every endpoint, the config-hash twins and the 405 answers", async () => {
    await serve({ apiKeys: ["k"] });
    const hash = lzString.compressToEncodedURIComponent(JSON.stringify({ configurable: {} }));
    const urls = ["invoke", "batch", "stream", "stream_log", "stream_events"].flatMap((e) => [`/r/${e}`, `/r/c/${hash}/${e}`]);
    for (const url of urls) expect((await post(url, {}, { input: 1, inputs: [1] })).statusCode, url).toBe(401);
    for (const e of ["input_schema", "output_schema", "config_schema"]) {
      expect((await app.inject({ url: `/r/${e}` })).statusCode).toBe(401);
      expect((await app.inject({ url: `/r/c/${hash}/${e}` })).statusCode).toBe(401);
      expect((await app.inject({ url: `/r/${e}`, headers: { "x-api-key": "k" } })).statusCode).toBe(200);
    }
    expect((await app.inject({ method: "GET", url: "/r/invoke" })).statusCode).toBe(401);
    expect((await post(`/r/c/${hash}/batch`, { "x-api-key": "k" }, { inputs: [1, 2] })).statusCode).toBe(200);
  });

  it("leaves the schemas, or the endpoints listed, public when asked", async () => {
    await serve({ apiKeys: ["k"], publicSchemas: true, publicEndpoints: ["stream"] });
    expect((await app.inject({ url: "/r/input_schema" })).statusCode).toBe(200);
    expect((await app.inject({ url: "/r/config_schema" })).statusCode).toBe(200);
    expect((await post("/r/stream")).statusCode).toBe(200);
    expect((await post("/r/invoke")).statusCode).toBe(401);
    // A public endpoint runs with no principal (null), never with one the client made up.
    const res = await post("/r/invoke", { "x-api-key": "k" });
    expect(res.json().output.metadata).toHaveProperty("id");
  });

  it("overrides a principal the client sends in its config", async () => {
    const spoof = { metadata: { principal: { id: "admin" } }, configurable: { principal: { id: "admin" } } };
    await serve({ apiKeys: [{ key: "k", principal: { id: "me" } }] }, { configKeys: ["metadata", "configurable"] });
    const res = await post("/r/invoke", { "x-api-key": "k" }, { input: 1, config: spoof });
    expect(res.json().output).toEqual({ metadata: { id: "me" }, configurable: { id: "me" } });
  });

  it("refuses a stream before any SSE byte, over a real socket", async () => {
    await serve({ apiKeys: ["k"] });
    const base = await listenLocal(app);
    for (const endpoint of ["stream", "stream_log", "stream_events"]) {
      const res = await request(`${base}/r/${endpoint}`, { method: "POST", body: '{"input":1}', headers: { "content-type": "application/json" } });
      const text = await res.body.text();
      expect(res.statusCode).toBe(401);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(text).not.toContain("event:");
      expect(JSON.parse(text).code).toBe("UNAUTHORIZED");
    }
    const ok = await request(`${base}/r/stream`, { method: "POST", body: '{"input":1}', headers: { authorization: "Bearer k" } });
    expect(await ok.body.text()).toContain("event: end");
  });

  it("works with RemoteRunnable: headers pass, a refusal is a RemoteRunnableError UNAUTHORIZED", async () => {
    await serve({ apiKeys: [{ key: "k", principal: { id: "client" } }] });
    const base = await listenLocal(app);
    const ok = new RemoteRunnable<number, { metadata: unknown }>({ url: `${base}/r`, headers: { "x-api-key": "k" } });
    expect((await ok.invoke(1)).metadata).toEqual({ id: "client" });
    const chunks: unknown[] = [];
    for await (const chunk of await ok.stream(1)) chunks.push(chunk);
    expect(chunks).toEqual([{ metadata: { id: "client" }, configurable: { id: "client" } }]);
    const anonymous = new RemoteRunnable<number, unknown>({ url: `${base}/r` });
    await expect(anonymous.invoke(1)).rejects.toMatchObject({ name: "RemoteRunnableError", code: "UNAUTHORIZED", status: 401 });
    await expect(
      (async () => {
        for await (const _ of await anonymous.stream(1)) void _;
      })(),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
  });
});

describe("verifiers", () => {
  const verify = (_request: unknown, token: string | undefined) => {
    if (token === undefined || !token.startsWith("tok-")) return null;
    if (token === "tok-banned") throw new ChainserveError("FORBIDDEN", "This account may not call /r");
    if (token === "tok-broken") throw new Error("jwks endpoint leaked secret");
    return { id: token.slice(4) };
  };

  it("accepts what the verifier accepts, 401 for null, 403 FORBIDDEN for its refusal, 500 hiding other failures", async () => {
    await serve({ verify });
    const ok = await post("/r/invoke", { authorization: "Bearer tok-ann" });
    expect(ok.json().output.metadata).toEqual({ id: "ann" });
    const bad = await post("/r/invoke", { authorization: "Bearer nope" });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers["www-authenticate"]).toContain('error="invalid_token"');
    const banned = await post("/r/stream", { authorization: "Bearer tok-banned" });
    expect(banned.statusCode).toBe(403);
    expect(banned.json()).toEqual({ detail: "This account may not call /r", message: "This account may not call /r", code: "FORBIDDEN" });
    const broken = await post("/r/invoke", { authorization: "Bearer tok-broken" });
    expect(broken.statusCode).toBe(500);
    expect(broken.body).not.toContain("secret");
  });

  it("reads a custom header, async, and lets config modifiers see the principal", async () => {
    let seen: unknown;
    await serve(
      { header: "x-session", verify: async (request) => (request.headers["x-session"] === "s1" ? { id: "s1-user" } : undefined) },
      {
        perRequestConfigModifier: (config, request) => {
          seen = getPrincipal(request);
          return config;
        },
      },
    );
    expect((await post("/r/invoke", { "x-session": "s1" })).json().output.metadata).toEqual({ id: "s1-user" });
    expect(seen).toEqual({ id: "s1-user" });
    expect((await post("/r/invoke", { "x-session": "s2" })).statusCode).toBe(401);
  });

  it("tries the API keys first, then the verifier", async () => {
    await serve({ apiKeys: [{ key: "service", principal: { id: "svc" } }], verify });
    expect((await post("/r/invoke", { authorization: "Bearer service" })).json().output.metadata).toEqual({ id: "svc" });
    expect((await post("/r/invoke", { authorization: "Bearer tok-bob" })).json().output.metadata).toEqual({ id: "bob" });
  });
});

describe("declaration and options", () => {
  it("records OpenAPI security schemes, the requirement and the public endpoints", async () => {
    await serve({ apiKeys: ["k"], publicSchemas: true, bearerFormat: "opaque" });
    const [mounted] = getMountedChains(app);
    expect(mounted?.security).toEqual({
      schemes: { BearerAuth: { type: "http", scheme: "bearer", bearerFormat: "opaque" }, ApiKeyAuth: { type: "apiKey", in: "header", name: "x-api-key" } },
      requirement: [{ BearerAuth: [] }, { ApiKeyAuth: [] }],
      publicEndpoints: ["input_schema", "output_schema", "config_schema"],
    });
  });

  it("keeps mounts without auth public and without a security entry", async () => {
    app = Fastify();
    await addRoutes(app, whoAmI(), { path: "/open" });
    expect(getMountedChains(app)[0]?.security).toBeUndefined();
    expect((await post("/open/invoke")).json().output).toEqual({ metadata: "none", configurable: "none" });
  });

  it("treats playground paths as public by default, and only the paths listed when given", () => {
    const auth = resolveAuth({ apiKeys: ["k"] })!;
    expect(isPublicRoute(auth, "/playground/*")).toBe(true);
    expect(isPublicRoute(auth, "/playground")).toBe(true);
    expect(isPublicRoute(auth, "/invoke")).toBe(false);
    expect(isPublicRoute(auth, "/playgroundx")).toBe(false);
    const closed = resolveAuth({ apiKeys: ["k"], publicPaths: [] })!;
    expect(isPublicRoute(closed, "/playground/*")).toBe(false);
  });

  it.each([
    ["no keys and no verifier", {}, /apiKeys \(at least one\) or a verify/],
    ["an empty key", { apiKeys: [""] }, /apiKeys\[0\]/],
    ["a non-function verifier", { verify: "x" }, /verify must be a function/],
    ["an unknown public endpoint", { apiKeys: ["k"], publicEndpoints: ["invoek"] }, /unknown endpoint "invoek"/],
    ["a bad header name", { apiKeys: ["k"], header: "x key" }, /not a header name/],
  ])("rejects %s at boot with INVALID_OPTIONS", async (_name, auth, message) => {
    app = Fastify();
    const error = await addRoutes(app, whoAmI(), { path: "/r", auth: auth as AuthOptions }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as Error).message).toMatch(message);
  });
});
