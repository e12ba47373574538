import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda } from "../../src/core/index.js";
import { addRoutes, chainservePlugin, getMountedChains, type AddRoutesOptions } from "../../src/server/index.js";

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

const echo = () => RunnableLambda.from((x: unknown) => x);

async function bootWith(options: unknown, runnable: unknown = echo()): Promise<unknown> {
  app = Fastify();
  try {
    await addRoutes(app, runnable as RunnableLambda, options as AddRoutesOptions);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe("options are checked at boot", () => {
  it.each([
    ["a path without a leading slash", { path: "echo" }, /must be "" or start with "\/"/],
    ["a path with a double slash", { path: "/a//b" }, /double slashes/],
    ["a path with route syntax", { path: "/a/:id" }, /may not contain/],
    ["a non-string path", { path: 5 }, /must be a string/],
    ["both endpoint lists", { path: "/a", enabledEndpoints: ["invoke"], disabledEndpoints: ["batch"] }, /exclusive/],
    ["an unknown endpoint name", { path: "/a", disabledEndpoints: ["invoek"] }, /unknown endpoint "invoek"/],
    ["a bare string as endpoint list", { path: "/a", disabledEndpoints: "invoke" }, /must be an array/],
    ["run_name in configKeys", { path: "/a", configKeys: ["run_name"] }, /may not include run_name/],
    ["runName in configKeys", { path: "/a", configKeys: ["runName"] }, /may not include runName/],
    ["callbacks in configKeys", { path: "/a", configKeys: ["callbacks"] }, /unknown config key "callbacks"/],
    ["an unknown events version", { path: "/a", streamEventsVersion: "v3" }, /streamEventsVersion/],
    ["a negative ping interval", { path: "/a", pingIntervalMs: -1 }, /pingIntervalMs/],
    ["a non-function modifier", { path: "/a", perRequestConfigModifier: "x" }, /perRequestConfigModifier/],
    ["a non-zod input schema", { path: "/a", inputSchema: { type: "object" } }, /zod schema/],
  ])("rejects %s with INVALID_OPTIONS", async (_name, options, message) => {
    const error = (await bootWith(options)) as { code?: string; message?: string };
    expect(error?.code).toBe("INVALID_OPTIONS");
    expect(error?.message).toMatch(message);
  });

  it("rejects something that is not a runnable", async () => {
    const error = (await bootWith({ path: "/a" }, "a string")) as { code?: string; message?: string };
    expect(error?.code).toBe("INVALID_OPTIONS");
    expect(error?.message).toMatch(/expected a Runnable/);
  });

  it("rejects a second runnable at the same path", async () => {
    app = Fastify();
    await addRoutes(app, echo(), { path: "/a" });
    await expect(addRoutes(app, echo(), { path: "/a/" })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });

  it("normalises a trailing slash away", async () => {
    expect(await bootWith({ path: "/echo/" })).toBeUndefined();
    expect(getMountedChains(app)[0]?.path).toBe("/echo");
    expect((await app.inject({ method: "POST", url: "/echo/invoke", payload: '{"input":1}' })).statusCode).toBe(200);
  });

  it("mounts at the root with an empty path", async () => {
    expect(await bootWith({ path: "/" })).toBeUndefined();
    expect((await app.inject({ method: "POST", url: "/invoke", payload: '{"input":1}' })).statusCode).toBe(200);
  });

  it("accepts endpoint names in any case, as LangServe lower-cases them", async () => {
    expect(await bootWith({ path: "/a", enabledEndpoints: ["INVOKE"] })).toBeUndefined();
    expect(getMountedChains(app)[0]?.endpoints).toEqual(["invoke"]);
  });

  it("registers the root plugin once across several mounts made without awaiting", async () => {
    app = Fastify();
    const mounts = [addRoutes(app, echo(), { path: "/a" }), addRoutes(app, echo(), { path: "/b" })];
    await Promise.all(mounts);
    await app.ready();
    expect(getMountedChains(app).map((m) => m.path)).toEqual(["/a", "/b"]);
  });

  it("lets the app keep its own 404 handler when it registers the root plugin itself", async () => {
    app = Fastify();
    await app.register(chainservePlugin, { notFoundHandler: false });
    app.setNotFoundHandler((_request, reply) => reply.code(404).send({ mine: true }));
    await addRoutes(app, echo(), { path: "/a" });
    expect((await app.inject({ method: "GET", url: "/nowhere" })).json()).toEqual({ mine: true });
  });

  it("leaves the app's other routes and their JSON parsing untouched", async () => {
    app = Fastify();
    app.post("/mine", async (request) => ({ got: request.body }));
    await addRoutes(app, echo(), { path: "/a" });
    const res = await app.inject({ method: "POST", url: "/mine", payload: '{"x":1}', headers: { "content-type": "application/json" } });
    expect(res.json()).toEqual({ got: { x: 1 } });
    const bad = await app.inject({ method: "POST", url: "/mine", payload: "{", headers: { "content-type": "application/json" } });
    expect(bad.statusCode).toBe(400);
  });
});
