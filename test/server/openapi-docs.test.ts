/**
 * The OpenAPI document and docs page as any app gets them through the public API: under a
 * Fastify `prefix`, merged with the app's own routes by @fastify/swagger (hidden routes left
 * out), with an app that registered @fastify/swagger itself, with a mount's security, and
 * validated by @apidevtools/swagger-parser (an OpenAPI 3.1 validator nobody here wrote).
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import fastifySwagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RunnableLambda } from "../../src/index.js";
import {
  addRoutes,
  buildOpenApiDocument,
  chainserveDocs,
  getMountedChains,
  openApiTransform,
  type OpenApiDocument,
} from "../../src/server/index.js";

const echo = RunnableLambda.from((x: unknown) => x);
const upper = RunnableLambda.from((x: { text: string }) => x.text.toUpperCase());

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

type Operation = { security?: unknown; responses: Record<string, unknown>; requestBody?: { content: Record<string, { example?: unknown }> } };
const op = (doc: OpenApiDocument, path: string, method = "post"): Operation => doc.paths[path]?.[method] as Operation;

describe("getMountedChains and the document under a Fastify prefix", () => {
  it("lists chains mounted inside a prefixed plugin on the root instance, without registering chainservePlugin first", async () => {
    app = Fastify();
    await app.register(
      async (api) => {
        await addRoutes(api, echo, { path: "/echo" });
      },
      { prefix: "/api" },
    );
    await addRoutes(app, upper, { path: "/upper" });
    await app.ready();
    expect(getMountedChains(app).map((c) => c.path)).toEqual(["/api/echo", "/upper"]);
    const doc = buildOpenApiDocument(app);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/echo/invoke", "/upper/invoke"]));
    const res = await app.inject({ method: "POST", url: "/api/echo/invoke", payload: { input: 1 } });
    expect(res.json()).toMatchObject({ output: 1 });
  });

  it("serves the docs under the prefix, with a relative server URL so that a reverse proxy's path prefix keeps working", async () => {
    app = Fastify();
    await app.register(
      async (api) => {
        await api.register(chainserveDocs, { info: { title: "t", version: "1" } });
        await addRoutes(api, echo, { path: "/echo" });
      },
      { prefix: "/api" },
    );
    const bare = await app.inject({ url: "/api/docs" });
    expect([bare.statusCode, bare.headers.location]).toEqual([302, "docs/"]);
    expect((await app.inject({ url: "/api/docs/" })).statusCode).toBe(200);
    const doc = (await app.inject({ url: "/api/docs/json" })).json<OpenApiDocument>();
    // /api/docs/json → ../.. is the origin's root; the paths carry /api themselves.
    expect(doc.servers).toEqual([{ url: "../.." }]);
    expect(doc.paths).toHaveProperty(["/api/echo/invoke"]);
    expect((await app.inject({ url: "/api/openapi.json" })).json<OpenApiDocument>().servers).toEqual([{ url: ".." }]);
  });

  it("uses the configured servers (a reverse proxy's prefix) instead", async () => {
    app = Fastify();
    await app.register(chainserveDocs, { servers: [{ url: "/behind-proxy" }] });
    await addRoutes(app, echo, { path: "/echo" });
    expect((await app.inject({ url: "/openapi.json" })).json<OpenApiDocument>().servers).toEqual([{ url: "/behind-proxy" }]);
  });
});

describe("merged with the app's own routes", () => {
  it("documents the app's routes next to every chain, leaves out hidden routes, and validates as OpenAPI 3.1", async () => {
    app = Fastify();
    await app.register(chainserveDocs, { info: { title: "mine", version: "2.0.0" } });
    app.get("/items/:id", { schema: { params: { type: "object", properties: { id: { type: "string" } } }, response: { 200: { type: "object", properties: { id: { type: "string" } } } } } }, async (r) => r.params);
    app.get("/secret-ui/", { schema: { hide: true } }, async () => "hidden");
    await addRoutes(app, upper, { path: "/upper", inputSchema: z.object({ text: z.string() }) });
    const doc = (await app.inject({ url: "/openapi.json" })).json<OpenApiDocument>();
    expect(doc.info).toEqual({ title: "mine", version: "2.0.0" });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/items/{id}", "/upper/invoke", "/upper/stream"]));
    expect(Object.keys(doc.paths).filter((p) => p.includes("secret") || p.includes("docs"))).toEqual([]);
    // chainserve's own routes appear once, with their schemas, not as bare routes from the scan.
    expect(doc.components.schemas.upperInput).toMatchObject({ type: "object", properties: { text: { type: "string" } } });
    expect(op(doc, "/upper/invoke").requestBody?.content["application/json"]?.example).toEqual({ input: { text: "string" }, config: {}, kwargs: {} });
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it("reaches an app that registered @fastify/swagger itself, through openApiTransform and the docs page", async () => {
    app = Fastify();
    await app.register(fastifySwagger, { openapi: { openapi: "3.1.0", info: { title: "own", version: "1" } }, transformObject: openApiTransform(app) as never });
    await app.register(chainserveDocs, { openapiPath: false });
    app.get("/ping", async () => "pong");
    await addRoutes(app, echo, { path: "/echo" });
    await app.ready();
    const swagger = (app as unknown as { swagger: () => OpenApiDocument }).swagger();
    expect(Object.keys(swagger.paths)).toEqual(expect.arrayContaining(["/ping", "/echo/invoke"]));
    const viaUi = (await app.inject({ url: "/docs/json" })).json<OpenApiDocument>();
    expect(Object.keys(viaUi.paths)).toEqual(expect.arrayContaining(["/ping", "/echo/invoke"]));
    expect((await app.inject({ url: "/openapi.json" })).statusCode).toBe(404);
  });

  it("the validator rejects a broken document (so the check above can fail)", async () => {
    app = Fastify();
    await addRoutes(app, echo, { path: "/echo" });
    const doc = buildOpenApiDocument(app) as unknown as { paths: Record<string, { post: { responses: Record<string, unknown> } }> };
    (doc.paths["/echo/invoke"] as { post: { responses: Record<string, unknown> } }).post.responses["200"] = { content: {} };
    await expect(SwaggerParser.validate(doc as never)).rejects.toThrow();
  });
});

describe("security of a mount", () => {
  it("emits securitySchemes, a requirement per operation, security: [] on public endpoints, and 401/403 responses", async () => {
    app = Fastify();
    await addRoutes(app, echo, { path: "/echo" });
    await addRoutes(app, upper, { path: "/open" });
    const mount = getMountedChains(app)[0];
    if (mount === undefined) throw new Error("no mount");
    // What an `auth` option records on the mount.
    mount.security = {
      schemes: { bearer: { type: "http", scheme: "bearer" } },
      requirement: [{ bearer: [] }],
      publicEndpoints: ["input_schema", "output_schema"],
    };
    const doc = buildOpenApiDocument(app);
    expect(doc.components.securitySchemes).toEqual({ bearer: { type: "http", scheme: "bearer" } });
    expect(op(doc, "/echo/invoke").security).toEqual([{ bearer: [] }]);
    expect(Object.keys(op(doc, "/echo/invoke").responses)).toEqual(expect.arrayContaining(["200", "401", "403", "422", "500"]));
    expect(op(doc, "/echo/c/{config_hash}/stream").security).toEqual([{ bearer: [] }]);
    expect(op(doc, "/echo/input_schema", "get").security).toEqual([]);
    expect(Object.keys(op(doc, "/echo/input_schema", "get").responses)).not.toContain("401");
    expect(op(doc, "/open/invoke").security).toBeUndefined();
    expect(Object.keys(op(doc, "/open/invoke").responses)).not.toContain("401");
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });
});
