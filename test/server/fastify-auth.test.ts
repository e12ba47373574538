/**
 * The README's alternative to the `auth` option: `@fastify/jwt` and `@fastify/auth` in an
 * encapsulated scope around `addRoutes`. Their refusals come out in chainserve's error shape,
 * and the verified user reaches the run through a config modifier.
 */
import fastifyAuth from "@fastify/auth";
import fastifyJwt from "@fastify/jwt";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { addRoutes, chainservePlugin, getMountedChains } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

const whoAmI = RunnableLambda.from((_x: unknown, config?: RunnableConfig) => config?.metadata?.user ?? null);

async function build(): Promise<FastifyInstance> {
  app = Fastify();
  await app.register(chainservePlugin); // at the root, so getMountedChains(app) sees mounts in child scopes
  await app.register(fastifyJwt, { secret: "test-secret-not-for-production" });
  await app.register(fastifyAuth);
  await app.register(async (scope) => {
    const verifyJwt = async (request: FastifyRequest) => {
      await request.jwtVerify();
    };
    const verifyServiceKey = async (request: FastifyRequest) => {
      if (request.headers["x-service-key"] !== "svc") throw Object.assign(new Error("bad service key"), { statusCode: 401 });
      request.user = { sub: "service" };
    };
    scope.addHook("onRequest", scope.auth([verifyJwt, verifyServiceKey]));
    await addRoutes(scope, whoAmI, {
      path: "/me",
      perRequestConfigModifier: (config, request) => {
        config.metadata = Object.assign({}, config.metadata, { user: (request.user as { sub?: string }).sub });
        return config;
      },
    });
  });
  return app;
}

describe("@fastify/jwt and @fastify/auth around addRoutes", () => {
  it("accepts a signed token or the service key, and the user reaches the run", async () => {
    await build();
    const token = app.jwt.sign({ sub: "ann" });
    const res = await app.inject({ method: "POST", url: "/me/invoke", payload: { input: 1 }, headers: { authorization: `Bearer ${token}` } });
    expect(res.json().output).toBe("ann");
    const svc = await app.inject({ method: "POST", url: "/me/invoke", payload: { input: 1 }, headers: { "x-service-key": "svc" } });
    expect(svc.json().output).toBe("service");
    expect(getMountedChains(app).map((c) => c.path)).toEqual(["/me"]);
  });

  it("answers a refusal in chainserve's error shape, streams included, over a real socket", async () => {
    await build();
    const base = await listenLocal(app);
    const forged = app.jwt.sign({ sub: "ann" }).slice(0, -2) + "xx";
    const remote = new RemoteRunnable<number, unknown>({ url: `${base}/me`, headers: { authorization: `Bearer ${forged}` } });
    await expect(remote.invoke(1)).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    await expect(
      (async () => {
        for await (const _ of await remote.stream(1)) void _;
      })(),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    const res = await fetch(`${base}/me/input_schema`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: "UNAUTHORIZED", message: expect.any(String) });
    const good = new RemoteRunnable<number, unknown>({ url: `${base}/me`, headers: { authorization: `Bearer ${app.jwt.sign({ sub: "bo" })}` } });
    const chunks: unknown[] = [];
    for await (const chunk of await good.stream(1)) chunks.push(chunk);
    expect(chunks).toEqual(["bo"]);
  });
});
