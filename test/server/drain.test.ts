/**
 * `closeGracefully` and `healthPlugin` in process, over real sockets: readiness turns 503
 * SHUTTING_DOWN while liveness stays 200 and requests are still served during
 * `unreadyDelayMs`; a run still going at the end of the grace period gets a 503 SHUTTING_DOWN
 * (never a cut); queued requests are refused when the listener closes; readiness checks.
 */
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda } from "../../src/core/index.js";
import { addRoutes, closeGracefully, getMountedChains, healthPlugin } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await agent?.destroy();
  agent = undefined;
  if (app?.server.listening === true) await app.close();
  app = undefined;
});

function get(url: string) {
  return request(url, { dispatcher: agent }).then(async (res) => ({ status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> }));
}

function post(url: string, body: unknown) {
  return request(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, dispatcher: agent }).then(async (res) => ({
    status: res.statusCode,
    body: (await res.body.json()) as Record<string, unknown>,
  }));
}

const slow = RunnableLambda.from(async (ms: number) => {
  await sleep(ms);
  return ms;
});

async function serve(options: Parameters<typeof addRoutes>[2] = { path: "/slow" }): Promise<string> {
  app = Fastify();
  agent = new Agent();
  await app.register(healthPlugin);
  await addRoutes(app, slow, options);
  return listenLocal(app);
}

describe("healthPlugin", () => {
  it("answers /health and /ready with 200, and /ready with 503 UNAVAILABLE naming a failing check", async () => {
    app = Fastify();
    agent = new Agent();
    let dbUp = true;
    await app.register(healthPlugin, { checks: { db: () => dbUp, cache: async () => true } });
    const base = await listenLocal(app);
    expect(await get(`${base}/health`)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await get(`${base}/ready`)).toEqual({ status: 200, body: { status: "ready" } });
    dbUp = false;
    expect(await get(`${base}/ready`)).toEqual({ status: 503, body: { detail: "Not ready: db", message: "Not ready: db", code: "UNAVAILABLE" } });
  });

  it("takes other paths and a prefix, and rejects bad options at boot", async () => {
    app = Fastify();
    agent = new Agent();
    await app.register(healthPlugin, { prefix: "/ops", livenessPath: "/live", readinessPath: "/readyz" });
    const base = await listenLocal(app);
    expect((await get(`${base}/ops/live`)).status).toBe(200);
    expect((await get(`${base}/ops/readyz`)).status).toBe(200);
    const bad = Fastify();
    await expect(bad.register(healthPlugin, { livenessPath: "health" })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});

describe("closeGracefully", () => {
  it("turns /ready 503 SHUTTING_DOWN at once, keeps /health 200 and serves requests during unreadyDelayMs", async () => {
    const base = await serve();
    const closing = closeGracefully(app as FastifyInstance, { unreadyDelayMs: 1_500, deadlineMs: 5_000 });
    const ready = await get(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ code: "SHUTTING_DOWN", message: expect.stringContaining("retry") });
    expect(await get(`${base}/health`)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await post(`${base}/slow/invoke`, { input: 1 })).toMatchObject({ status: 200, body: { output: 1 } });
    await agent?.destroy();
    agent = undefined;
    expect(await closing).toMatchObject({ forced: false, stopped: 0 });
    await expect(request(`${base}/health`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("lets an invoke finish within the grace period, and answers one that runs past it with 503 SHUTTING_DOWN", async () => {
    const base = await serve();
    const short = post(`${base}/slow/invoke`, { input: 300 });
    const long = post(`${base}/slow/invoke`, { input: 60_000 });
    while ((getMountedChains(app as FastifyInstance)[0]?.load?.active() ?? 0) < 2) await sleep(5);
    const report = await closeGracefully(app as FastifyInstance, { graceMs: 1_000, deadlineMs: 3_000 });
    expect(await short).toMatchObject({ status: 200, body: { output: 300 } });
    expect(await long).toEqual({ status: 503, body: { detail: expect.any(String), message: expect.stringContaining("retry"), code: "SHUTTING_DOWN" } });
    expect(report).toMatchObject({ runsAtStart: 2, stopped: 1, forced: false });
  });

  it("refuses queued requests with SHUTTING_DOWN when the listener closes, and finishes the running one", async () => {
    const base = await serve({ path: "/slow", maxConcurrentRuns: 1 });
    const running = post(`${base}/slow/invoke`, { input: 500 });
    const load = () => getMountedChains(app as FastifyInstance)[0]?.load;
    while ((load()?.active() ?? 0) < 1) await sleep(5);
    const queued = post(`${base}/slow/invoke`, { input: 1 });
    while ((load()?.queued() ?? 0) < 1) await sleep(5);
    const report = closeGracefully(app as FastifyInstance, { deadlineMs: 5_000 });
    expect(await queued).toMatchObject({ status: 503, body: { code: "SHUTTING_DOWN" } });
    expect(await running).toMatchObject({ status: 200, body: { output: 500 } });
    expect(await report).toMatchObject({ stopped: 0, forced: false });
  });

  it("rejects bad options with INVALID_OPTIONS", async () => {
    app = Fastify();
    await expect(closeGracefully(app, { deadlineMs: -1 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await app.close();
  });
});
