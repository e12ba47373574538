import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { RunnableLambda } from "../../src/core/index.js";
import { addRoutes } from "../../src/server/index.js";

let app: FastifyInstance;
let calls: number;

beforeEach(async () => {
  calls = 0;
  app = Fastify();
  const echo = RunnableLambda.from((x: unknown) => {
    calls++;
    return x;
  });
  await addRoutes(app, echo, { path: "/echo" });
  const typed = RunnableLambda.from((x: { topic: string; n?: number }) => x.topic).withTypes({
    input: z.object({ topic: z.string(), n: z.int().optional() }),
  });
  await addRoutes(app, typed, { path: "/typed" });
  await addRoutes(app, RunnableLambda.from((x: number) => x + 1).withTypes({ input: z.number() }), { path: "/num" });
});

afterEach(async () => {
  await app.close();
});

async function post(url: string, payload: unknown, contentType = "application/json") {
  const res = await app.inject({
    method: "POST",
    url,
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    headers: { "content-type": contentType },
  });
  return { status: res.statusCode, type: res.headers["content-type"], json: () => res.json() as Record<string, any>, body: res.body };
}

const ENDPOINTS = ["invoke", "stream", "stream_log", "stream_events"] as const;

describe("bad request bodies", () => {
  it.each(ENDPOINTS)("answers invalid JSON on %s with 422 Invalid JSON body before any SSE byte", async (endpoint) => {
    const res = await post(`/echo/${endpoint}`, '{"input": {"a":1}');
    expect(res.status).toBe(422);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.json().detail).toEqual(["Invalid JSON body"]);
    expect(res.json().code).toBe("BAD_REQUEST");
  });

  it("answers an empty body with 422 Invalid JSON body", async () => {
    const res = await post("/echo/invoke", "");
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual(["Invalid JSON body"]);
  });

  it("answers a body without a content type with 422 when it is empty", async () => {
    const res = await app.inject({ method: "POST", url: "/echo/invoke" });
    expect(res.statusCode).toBe(422);
    expect(res.json().detail).toEqual(["Invalid JSON body"]);
  });

  it("reads a text/plain body as JSON, as LangServe does", async () => {
    const res = await post("/echo/invoke", '{"input": 1}', "text/plain");
    expect(res.status).toBe(200);
    expect(res.json().output).toBe(1);
  });

  it("answers a body that is not an object with a model_type issue at the root", async () => {
    const res = await post("/echo/invoke", [1]);
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([
      expect.objectContaining({ type: "model_type", loc: [], input: [1], msg: expect.stringContaining("valid dictionary") }),
    ]);
  });

  it.each(ENDPOINTS)("answers a missing input on %s with 422 at loc input", async (endpoint) => {
    const res = await post(`/echo/${endpoint}`, {});
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "missing", loc: ["input"], msg: "Field required", input: {} }]);
    expect(res.json().message).toBe("input: Field required");
  });

  it("answers a missing inputs on batch with 422 at loc inputs", async () => {
    const res = await post("/echo/batch", { input: 1 });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "missing", loc: ["inputs"], msg: "Field required", input: { input: 1 } }]);
  });

  it.each([5, {}, "abc"])("answers batch inputs that are not a list (%j) with 422, not LangServe's 500", async (inputs) => {
    const res = await post("/echo/batch", { inputs });
    expect(res.status).toBe(422);
    expect(res.json().detail[0]).toMatchObject({ type: "list_type", loc: ["inputs"] });
  });

  it("answers a config that is not an object with a dict_type issue at loc config", async () => {
    const res = await post("/echo/invoke", { input: 1, config: "str" });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "dict_type", loc: ["config"], msg: "Input should be a valid dictionary", input: "str" }]);
  });

  it("reports a missing input and a bad config together", async () => {
    const res = await post("/echo/invoke", { config: 3 });
    expect(res.json().detail.map((i: { loc: unknown }) => i.loc)).toEqual([["input"], ["config"]]);
  });

  it("answers input failing the schema with pydantic-like issues whose loc is relative to the input", async () => {
    const res = await post("/typed/invoke", { input: {} });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "missing", loc: ["topic"], msg: "Field required", input: {} }]);
    const wrong = await post("/typed/stream", { input: { topic: 5, n: 1.5 } });
    expect(wrong.status).toBe(422);
    expect(wrong.json().detail).toEqual([
      { type: "string_type", loc: ["topic"], msg: "Input should be a valid string", input: 5 },
      { type: "int_type", loc: ["n"], msg: "Input should be a valid integer", input: 1.5 },
    ]);
  });

  it("reports a scalar schema failure at the root loc", async () => {
    const res = await post("/num/invoke", { input: "hello" });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "float_type", loc: [], msg: "Input should be a valid number", input: "hello" }]);
  });

  it("answers a failing batch item with 422 and its index in loc", async () => {
    const res = await post("/typed/batch", { inputs: [{ topic: "a" }, { topic: 1 }] });
    expect(res.status).toBe(422);
    expect(res.json().detail).toEqual([{ type: "string_type", loc: ["inputs", 1, "topic"], msg: "Input should be a valid string", input: 1 }]);
  });

  it("answers a config list of the wrong length with LangServe's string detail", async () => {
    const res = await post("/echo/batch", { inputs: [1, 2], config: [{}] });
    expect(res.status).toBe(422);
    expect(res.json().detail).toBe("Number of configs (1) must match number of inputs (2)");
  });

  it("answers a batch config of the wrong type with LangServe's union issues", async () => {
    const res = await post("/echo/batch", { inputs: [1], config: 5 });
    expect(res.status).toBe(422);
    expect(res.json().detail.map((i: { type: string }) => i.type)).toEqual(["dict_type", "list_type"]);
    const item = await post("/echo/batch", { inputs: [1], config: ["x"] });
    expect(item.json().detail).toEqual([{ type: "dict_type", loc: ["config", 0], msg: "Input should be a valid dictionary", input: "x" }]);
  });

  it.each([
    ["include_names", "abc", { type: "sequence_str", loc: ["include_names"] }],
    ["include_tags", [1], { type: "string_type", loc: ["include_tags", 0] }],
    ["exclude_types", 5, { type: "list_type", loc: ["exclude_types"] }],
  ])("answers a bad %s filter with 422 before streaming", async (key, value, expected) => {
    for (const endpoint of ["stream_log", "stream_events"]) {
      const res = await post(`/echo/${endpoint}`, { input: 1, [key]: value });
      expect(res.status).toBe(422);
      expect(res.type).toMatch(/^application\/json/);
      expect(res.json().detail[0]).toMatchObject(expected);
    }
  });

  it("reports the input error before a filter error, as LangServe checks input first", async () => {
    const res = await post("/typed/stream_log", { input: {}, include_names: "abc" });
    expect(res.json().detail[0].loc).toEqual(["topic"]);
  });

  it("accepts null filters", async () => {
    const res = await post("/echo/stream_log", { input: 1, include_names: null, diff: false });
    expect(res.status).toBe(200);
  });

  it("answers an undecodable config hash with 400 on POST and GET routes", async () => {
    for (const [method, url] of [["POST", "/echo/c/notahash/invoke"], ["POST", "/echo/c/notahash/stream"], ["GET", "/echo/c/notahash/input_schema"]] as const) {
      const res = await app.inject({ method, url, payload: method === "POST" ? '{"input":1}' : undefined });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().detail).toBe("Invalid config hash");
    }
    const array = lzString.compressToEncodedURIComponent("[1]");
    expect((await post(`/echo/c/${array}/invoke`, { input: 1 })).status).toBe(400);
  });

  it("answers an unknown path with 404 Not Found", async () => {
    const res = await app.inject({ method: "GET", url: "/nope/invoke" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ detail: "Not Found", message: "Not Found", code: "NOT_FOUND" });
  });

  it("answers a wrong method on a known route with 405 and an allow header", async () => {
    const get = await app.inject({ method: "GET", url: "/echo/invoke" });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(get.json().detail).toBe("Method Not Allowed");
    const head = await app.inject({ method: "HEAD", url: "/echo/input_schema" });
    expect(head.statusCode).toBe(405);
    expect(head.headers.allow).toBe("GET");
    const post = await app.inject({ method: "POST", url: "/echo/c/abc/config_schema" });
    expect(post.statusCode).toBe(405);
  });

  it("answers a body over the limit with 413 in the same error shape", async () => {
    const small = Fastify({ bodyLimit: 64 });
    await addRoutes(small, RunnableLambda.from((x: unknown) => x), { path: "/echo" });
    const res = await small.inject({ method: "POST", url: "/echo/stream", payload: JSON.stringify({ input: "x".repeat(200) }) });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ detail: "Request body is too large", message: "Request body is too large", code: "PAYLOAD_TOO_LARGE" });
    await small.close();
  });

  it("never runs the runnable and never answers 5xx for any of these bodies", async () => {
    const bodies = ["", "nope", "[]", "null", '"x"', "{}", '{"config":null}', '{"input":1,"config":[]}', '{"inputs":null}'];
    for (const endpoint of ["invoke", "batch", "stream", "stream_log", "stream_events"]) {
      for (const body of bodies) {
        const res = await post(`/echo/${endpoint}`, body);
        expect(res.status, `${endpoint} ${body}`).toBeLessThan(500);
      }
    }
    expect(calls).toBe(0);
  });
});
