import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RunnableLambda } from "../../src/core/index.js";
import { addRoutes } from "../../src/server/index.js";
import { jsonDepth } from "../../src/server/json-depth.js";

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const POSTS = ["invoke", "stream", "stream_log", "stream_events"] as const;

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await addRoutes(app, RunnableLambda.from((x: unknown) => x), { path: "/echo", configKeys: ["configurable", "metadata", "tags"] });
  await addRoutes(app, RunnableLambda.from((x: unknown) => x), { path: "/shallow", maxDepth: 8 });
});

afterAll(async () => {
  await app.close();
});

const post = (url: string, payload: string) => app.inject({ method: "POST", url, payload, headers: { "content-type": "application/json" } });

describe("jsonDepth", () => {
  it("counts arrays and objects, not brackets inside strings or after escapes", () => {
    expect(jsonDepth('{"input":[[1]]}', 100)).toBe(3);
    expect(jsonDepth('"[[[[[[["', 100)).toBe(0);
    expect(jsonDepth('{"a":"\\"[[[[","b":{}}', 100)).toBe(2);
    expect(jsonDepth(nested(50), 10)).toBe(11);
  });
});

describe("deeply nested bodies", () => {
  it.each([10_000, 100_000])("answers an input nested %i deep with 422 on every POST endpoint", async (depth) => {
    for (const endpoint of [...POSTS, "batch"]) {
      const body = endpoint === "batch" ? `{"inputs":[${nested(depth)}]}` : `{"input":${nested(depth)}}`;
      const res = await post(`/echo/${endpoint}`, body);
      expect(res.statusCode, endpoint).toBe(422);
      expect(res.json()).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("nested deeper than 1000") });
    }
  });

  it("answers include_names and config.metadata nested 100,000 deep with 422", async () => {
    expect((await post("/echo/stream_log", `{"input":1,"include_names":${nested(100_000)}}`)).statusCode).toBe(422);
    expect((await post("/echo/invoke", `{"input":1,"config":{"metadata":{"a":${nested(100_000)}}}}`)).statusCode).toBe(422);
  });

  it("serves a body exactly maxDepth deep on every endpoint, echoed back", async () => {
    for (const endpoint of POSTS) {
      const res = await post(`/echo/${endpoint}`, `{"input":${nested(999)}}`);
      expect(res.statusCode, endpoint).toBe(200);
      expect(res.body).toContain(nested(999).slice(0, 999));
    }
    const batch = await post("/echo/batch", `{"inputs":[${nested(998)}]}`);
    expect(batch.statusCode).toBe(200);
  });

  it("honours a mount's own maxDepth", async () => {
    expect((await post("/shallow/invoke", `{"input":${nested(7)}}`)).statusCode).toBe(200);
    const res = await post("/shallow/invoke", `{"input":${nested(8)}}`);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain("nested deeper than 8 levels");
  });

  it("refuses a config hash that decompresses to deep nesting", async () => {
    const hash = lzString.compressToEncodedURIComponent(`{"metadata":{"a":${nested(50_000)}}}`);
    expect(hash.length).toBeLessThan(4096);
    const res = await post(`/echo/c/${hash}/invoke`, '{"input":1}');
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe("INVALID_CONFIG_HASH");
  });

  it("rejects a bad maxDepth at boot", async () => {
    const other = Fastify();
    await expect(addRoutes(other, RunnableLambda.from((x: unknown) => x), { path: "/x", maxDepth: 0 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await other.close();
  });
});
