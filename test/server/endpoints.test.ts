import Fastify, { type FastifyInstance } from "fastify";
import lzString from "lz-string";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { ChainserveError, RunnableLambda } from "../../src/core/index.js";
import { AIMessageChunk, HumanMessage } from "../../src/core/messages/index.js";
import { Document } from "../../src/core/documents/index.js";
import { addRoutes, getMountedChains, type AddRoutesOptions } from "../../src/server/index.js";

let app: FastifyInstance;
afterEach(async () => {
  await app?.close();
});

async function serve(runnable: RunnableLambda, options: Partial<AddRoutesOptions> = {}): Promise<FastifyInstance> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/r", ...options });
  return app;
}

function post(url: string, body: unknown) {
  return app.inject({ method: "POST", url, payload: JSON.stringify(body), headers: { "content-type": "application/json" } });
}

const boom = () =>
  RunnableLambda.from((): number => {
    throw new Error("secret upstream detail");
  });

describe("invoke and batch responses", () => {
  it("answers invoke with output then metadata holding run_id and feedback_tokens", async () => {
    await serve(RunnableLambda.from((x: number) => x + 1));
    const res = await post("/r/invoke", { input: 1, kwargs: { ignored: true } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    expect(res.body).toMatch(/^\{"output":2,"metadata":\{"run_id":"[0-9a-f-]{36}","feedback_tokens":\[\]\}\}$/);
  });

  it("answers batch with outputs in order and one run id per input", async () => {
    await serve(RunnableLambda.from(async (x: number) => x * 2));
    const res = await post("/r/batch", { inputs: [1, 2, 3], config: [{}, {}, {}], kwargs: [{}, {}, {}] });
    const body = res.json();
    expect(body.output).toEqual([2, 4, 6]);
    expect(body.metadata.run_ids).toHaveLength(3);
    expect(new Set(body.metadata.run_ids).size).toBe(3);
    expect(body.metadata.responses.map((r: { run_id: string }) => r.run_id)).toEqual(body.metadata.run_ids);
  });

  it("answers an empty batch with empty lists", async () => {
    await serve(RunnableLambda.from((x: number) => x));
    expect((await post("/r/batch", { inputs: [] })).body).toBe('{"output":[],"metadata":{"responses":[],"run_ids":[]}}');
  });

  it("revives message and document inputs and serializes outputs in LangServe shapes", async () => {
    await serve(
      RunnableLambda.from((x: { m: unknown; d: unknown }) => ({
        isHuman: x.m instanceof HumanMessage,
        isDoc: x.d instanceof Document,
        reply: new AIMessageChunk({ content: "hi" }),
        doc: x.d,
      })),
    );
    const res = await post("/r/invoke", {
      input: { m: { content: "q", type: "human", additional_kwargs: {}, example: false }, d: { pageContent: "p", metadata: { a: 1 } } },
    });
    const output = res.json().output;
    expect(output).toMatchObject({ isHuman: true, isDoc: true });
    expect(output.reply).toMatchObject({ content: "hi", type: "AIMessageChunk", additional_kwargs: {}, tool_call_chunks: [] });
    expect(output.doc).toEqual({ id: null, metadata: { a: 1 }, page_content: "p", type: "Document" });
  });

  it("does not collapse an output object with a root key (LangServe's quirk)", async () => {
    await serve(RunnableLambda.from(() => ({ root: 1, other: 2 })));
    expect((await post("/r/invoke", { input: null })).json().output).toEqual({ root: 1, other: 2 });
  });
});

describe("runnable failures", () => {
  it.each(["invoke", "batch"])("answers a throwing runnable on %s with a sanitised 500 JSON body", async (endpoint) => {
    await serve(boom());
    const res = await post(`/r/${endpoint}`, endpoint === "batch" ? { inputs: [1, 2] } : { input: 1 });
    expect(res.statusCode).toBe(500);
    expect(res.body).toBe('{"detail":"Internal Server Error","message":"Internal Server Error","code":"INTERNAL"}');
  });

  it("maps an upstream 429 through the errorMapper, with its message only when safe", async () => {
    const upstream = RunnableLambda.from((): number => {
      throw Object.assign(new Error("provider: rate limit for org-123"), { status: 429 });
    });
    const mapper = (safe: boolean) => (error: unknown) =>
      (error as { status?: number }).status === 429 ? { status: 429, code: "RATE_LIMITED" as const, message: "Upstream rate limit", safe } : undefined;
    await serve(upstream, { errorMapper: mapper(true) });
    const res = await post("/r/invoke", { input: 1 });
    expect(res.statusCode).toBe(429);
    expect(res.json()).toEqual({ detail: "Upstream rate limit", message: "Upstream rate limit", code: "RATE_LIMITED" });
    await app.close();
    await serve(upstream, { errorMapper: mapper(false) });
    expect((await post("/r/invoke", { input: 1 })).json().message).toBe("Too Many Requests");
  });

  it("keeps the status of a ChainserveError with a 4xx or 502 status, hiding a 502's text", async () => {
    await serve(RunnableLambda.from((x: string) => {
      throw x === "429" ? new ChainserveError("RATE_LIMITED", "slow down") : new ChainserveError("UPSTREAM_ERROR", "provider said: key sk-123 invalid");
    }));
    const limited = await post("/r/invoke", { input: "429" });
    expect([limited.statusCode, limited.json().code, limited.json().message]).toEqual([429, "RATE_LIMITED", "slow down"]);
    const upstream = await post("/r/invoke", { input: "502" });
    expect([upstream.statusCode, upstream.json().code, upstream.json().message]).toEqual([502, "UPSTREAM_ERROR", "Bad Gateway"]);
  });

  it("falls back to the default mapping when the errorMapper itself throws", async () => {
    await serve(boom(), {
      errorMapper: () => {
        throw new Error("mapper bug");
      },
    });
    expect((await post("/r/invoke", { input: 1 })).statusCode).toBe(500);
  });
});

describe("streaming endpoints (in-process)", () => {
  it("streams metadata, then one data event per chunk, then end", async () => {
    await serve(RunnableLambda.from(async function* (x: string) {
      yield x;
      yield { b: [1] };
    }));
    const res = await post("/r/stream", { input: "a" });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    const runId = /"run_id": "([0-9a-f-]{36})"/.exec(res.body)?.[1];
    expect(res.body).toBe(
      `event: metadata\r\ndata: {"run_id": "${runId}"}\r\n\r\n` +
        'event: data\r\ndata: "a"\r\n\r\n' +
        'event: data\r\ndata: {"b":[1]}\r\n\r\n' +
        "event: end\r\n\r\n",
    );
  });

  it("keeps headers that hooks set (CORS, request ids) on the SSE response", async () => {
    app = Fastify();
    app.addHook("onRequest", async (_request, reply) => {
      reply.header("access-control-allow-origin", "*");
    });
    await addRoutes(app, RunnableLambda.from((x: number) => x), { path: "/r" });
    const res = await post("/r/stream", { input: 1 });
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  });

  it("sends only end for a stream without chunks", async () => {
    // eslint-disable-next-line require-yield
    await serve(RunnableLambda.from(async function* () {
      return;
    }));
    expect((await post("/r/stream", { input: 1 })).body).toBe("event: end\r\n\r\n");
  });

  it("sends a sanitised error event and no end when the runnable fails", async () => {
    await serve(RunnableLambda.from(async function* () {
      yield 1;
      throw new Error("secret");
    }));
    const res = await post("/r/stream", { input: 1 });
    expect(res.statusCode).toBe(200);
    expect(res.body.endsWith('event: data\r\ndata: 1\r\n\r\nevent: error\r\ndata: {"status_code": 500, "message": "Internal Server Error"}\r\n\r\n')).toBe(true);
  });

  it("uses the errorMapper's status in the error event", async () => {
    await serve(boom(), { errorMapper: () => ({ status: 429, code: "RATE_LIMITED", message: "later", safe: true }) });
    expect((await post("/r/stream_events", { input: 1 })).body).toContain('event: error\r\ndata: {"status_code": 429, "message": "later"}');
  });

  it("streams the run log as patches whatever diff says", async () => {
    await serve(RunnableLambda.from((x: number) => x + 1));
    const res = await post("/r/stream_log", { input: 1, diff: false });
    const frames = res.body.split("\r\n\r\n").filter(Boolean);
    expect(frames.at(-1)).toBe("event: end");
    const first = JSON.parse(frames[0]!.replace("event: data\r\ndata: ", ""));
    expect(first.ops[0]).toMatchObject({ op: "replace", path: "", value: { name: "/r", streamed_output: [] } });
  });

  it("streams v2 events named after the mount path without __ metadata", async () => {
    await serve(RunnableLambda.from((x: number) => x + 1), { configKeys: ["metadata"] });
    const res = await post("/r/stream_events", { input: 1, config: { metadata: { mine: 1 } }, kwargs: { version: "v1" } });
    const events = res.body
      .split("\r\n\r\n")
      .filter((f) => f.startsWith("event: data"))
      .map((f) => JSON.parse(f.slice("event: data\r\ndata: ".length)));
    expect(events.map((e) => e.event)).toEqual(["on_chain_start", "on_chain_stream", "on_chain_end"]);
    expect(events[0]).toMatchObject({ name: "/r", metadata: { mine: 1 }, parent_ids: [] });
    for (const e of events) expect(Object.keys(e.metadata).some((k) => k.startsWith("__"))).toBe(false);
  });
});

describe("schemas, hashes and the mount registry", () => {
  it("serves input, output and config schemas from the zod schemas", async () => {
    await serve(RunnableLambda.from((x: { topic: string }) => x.topic), {
      inputSchema: z.object({ topic: z.string() }),
      outputSchema: z.string(),
      configKeys: ["tags", "configurable"],
    });
    const input = (await app.inject({ method: "GET", url: "/r/input_schema" })).json();
    expect(input).toMatchObject({ title: "RunnableLambdaInput", type: "object", properties: { topic: { type: "string" } }, required: ["topic"] });
    expect((await app.inject({ method: "GET", url: "/r/output_schema" })).json()).toMatchObject({ title: "RunnableLambdaOutput", type: "string" });
    expect((await app.inject({ method: "GET", url: "/r/config_schema" })).body).toBe(
      '{"properties":{"tags":{"default":null,"items":{"type":"string"},"title":"Tags","type":"array"}},"title":"RunnableLambdaConfig","type":"object"}',
    );
  });

  it("accepts a config hash on /c/{hash}/invoke and on schema routes", async () => {
    await serve(RunnableLambda.from((_x: unknown, config) => config.tags), { configKeys: ["tags"] });
    const hash = lzString.compressToEncodedURIComponent('{"tags":["from-hash"]}');
    expect((await post(`/r/c/${hash}/invoke`, { input: 1 })).json().output).toEqual(["from-hash"]);
    expect((await post("/r/c//invoke", { input: 1 })).statusCode).toBe(200);
    expect((await app.inject({ method: "GET", url: `/r/c/${hash}/config_schema` })).statusCode).toBe(200);
  });

  it("serves only the enabled endpoints, and no hash twins when config_hashes is off", async () => {
    await serve(RunnableLambda.from((x: number) => x), { enabledEndpoints: ["invoke", "input_schema"] });
    expect((await post("/r/invoke", { input: 1 })).statusCode).toBe(200);
    expect((await post("/r/stream", { input: 1 })).statusCode).toBe(404);
    expect((await post("/r/c/x/invoke", { input: 1 })).statusCode).toBe(404);
    await app.close();
    await serve(RunnableLambda.from((x: number) => x), { disabledEndpoints: ["batch", "playground"] });
    expect((await post("/r/batch", { inputs: [1] })).statusCode).toBe(404);
    expect((await post("/r/c/x/stream", { input: 1 })).statusCode).toBe(400);
  });

  it("records every mount for the OpenAPI document and the index page", async () => {
    await serve(RunnableLambda.from((x: number) => x), { inputSchema: z.number(), disabledEndpoints: ["config_hashes"] });
    await addRoutes(app, RunnableLambda.from((x: number) => x), { path: "/second", enabledEndpoints: ["invoke"] });
    const mounts = getMountedChains(app);
    expect(mounts.map((m) => m.path)).toEqual(["/r", "/second"]);
    expect(mounts[0]).toMatchObject({ name: "RunnableLambda", configHashes: false, inputJsonSchema: { type: "number" }, configKeys: ["configurable"] });
    expect(mounts[0]?.inputSchema).toBeDefined();
    expect(mounts[0]?.routes).toContainEqual({ method: "GET", url: "/r/input_schema", endpoint: "input_schema" });
    // An enabled list turns on exactly what it names: no `config_hashes`, so no /c/ twins.
    expect(mounts[1]?.routes).toEqual([{ method: "POST", url: "/second/invoke", endpoint: "invoke" }]);
  });
});
