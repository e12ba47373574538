/**
 * The example app around the chains: index, health, OpenAPI, docs page, logging, and the
 * OPENAI_* switch to the OpenAI-compatible model (against a local fake provider).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOKE } from "../../chains/chat.js";
import { buildApp } from "../../routes/app.js";
import { createRouteTable } from "../../routes/table.js";

describe("the example app's own routes", () => {
  const app = buildApp({ env: {}, logger: false });
  afterAll(async () => (await app).close());

  it("GET / lists every mounted chain with its endpoints", async () => {
    const res = await (await app).inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ chains: { path: string; endpoints: string[]; routes: string[] }[] }>();
    expect(body.chains.map((c) => c.path)).toEqual(["/echo", "/assign", "/chat", "/rag", "/boom", "/lc/chat"]);
    for (const chain of body.chains) {
      expect(chain.endpoints).toEqual(["invoke", "batch", "stream", "stream_log", "stream_events", "input_schema", "output_schema", "config_schema"]);
      expect(chain.routes).toContain(`POST ${chain.path}/invoke`);
    }
  });

  it("GET / answers a browser with an HTML index linking each playground and the docs", async () => {
    const res = await (await app).inject({ method: "GET", url: "/", headers: { accept: "text/html,application/xhtml+xml,*/*;q=0.8" } });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'none'");
    for (const path of ["chat", "rag", "lc/chat"]) expect(res.body).toContain(`href="${path}/playground/"`);
    expect(res.body).toContain('href="docs"');
    const json = await (await app).inject({ method: "GET", url: "/", headers: { accept: "application/json" } });
    expect(json.json<{ chains: { playground?: string }[] }>().chains[0]?.playground).toBe("/echo/playground/");
  });

  it('GET /health answers 200 {"status":"ok"} and echoes a request id', async () => {
    const res = await (await app).inject({ method: "GET", url: "/health", headers: { "x-request-id": "abc-123" } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: "ok" });
    expect(res.headers["x-request-id"]).toBe("abc-123");
    const generated = await (await app).inject({ method: "GET", url: "/health", headers: { "x-request-id": "bad id\u0000" } });
    expect(generated.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("GET /openapi.json serves the OpenAPI 3.1 document of the mounted chains", async () => {
    const res = await (await app).inject({ method: "GET", url: "/openapi.json" });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/chat/stream");
  });

  it("GET /docs redirects to /docs/, which serves Swagger UI from the package (no CDN) under a same-origin CSP", async () => {
    const bare = await (await app).inject({ method: "GET", url: "/docs" });
    expect(bare.statusCode).toBe(302);
    expect(bare.headers.location).toBe("docs/");
    const res = await (await app).inject({ method: "GET", url: "/docs/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.body).toContain("swagger-ui-bundle.js");
    expect(res.body).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    const json = await (await app).inject({ method: "GET", url: "/docs/json" });
    expect(Object.keys(json.json<{ paths: object }>().paths)).toEqual(expect.arrayContaining(["/chat/invoke", "/health"]));
  });

  it("answers unknown paths with LangServe's 404", async () => {
    const res = await (await app).inject({ method: "GET", url: "/nope" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ detail: "Not Found" });
  });
});

describe("logging", () => {
  it("writes pino JSON lines with request ids and run ids, never the token text", async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim() !== "") lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const app = await buildApp({ env: { LOG_LEVEL: "debug" }, logger: { stream } });
    const invoke = await app.inject({ method: "POST", url: "/chat/invoke", payload: { input: { topic: "bears" } } });
    const streamed = await app.inject({ method: "POST", url: "/chat/stream", payload: { input: { topic: "bears" } } });
    await app.inject({ method: "POST", url: "/boom/invoke", payload: { input: 1 } });
    await app.close();
    expect(invoke.statusCode).toBe(200);
    expect(streamed.statusCode).toBe(200);

    const runId = (invoke.json<{ metadata: { run_id: string } }>()).metadata.run_id;
    const started = lines.filter((l) => l.msg === "run started");
    expect(started.map((l) => l.run_id)).toContain(runId);
    for (const line of started) expect(line.reqId).toEqual(expect.any(String));
    expect(lines.some((l) => l.msg === "stream finished" && typeof l.run_id === "string")).toBe(true);
    expect(lines.some((l) => l.level === 50 && typeof l.run_id === "string")).toBe(true); // the /boom failure
    const text = JSON.stringify(lines);
    for (const secret of ["bear feet", "Why don't", "tell me a joke", "bears"]) expect(text).not.toContain(secret);
  });
});

describe("OPENAI_API_KEY switches /chat and /rag to the OpenAI-compatible model", () => {
  let provider: Server;
  let baseURL: string;
  const seen: { auth: string | undefined; body: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    // A minimal OpenAI-compatible provider: streamed chat completions, one delta per word.
    provider = createServer((req, res) => {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const word of ["Hello", " from", " the", " provider"]) res.write(`data: ${JSON.stringify({ choices: [{ delta: { content: word }, finish_reason: null }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [{ delta: {}, finish_reason: "stop" }] })}\n\n`);
        res.end("data: [DONE]\n\n");
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, "127.0.0.1", resolve));
    baseURL = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => provider.close(() => resolve())));

  it("uses the fake model when the key is unset or empty", () => {
    for (const env of [{}, { OPENAI_API_KEY: "" }]) {
      const chat = createRouteTable(env).find((r) => r.options.path === "/chat");
      expect(chat?.description).toContain("fake");
    }
  });

  it("calls the provider with the key and model from the environment", async () => {
    const app = await buildApp({ env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: baseURL, OPENAI_MODEL: "tiny-model" }, logger: false });
    const chat = await app.inject({ method: "POST", url: "/chat/invoke", payload: { input: { topic: "bears" } } });
    const rag = await app.inject({ method: "POST", url: "/rag/invoke", payload: { input: "where did harrison work?" } });
    await app.close();
    expect(chat.json()).toMatchObject({ output: { content: "Hello from the provider", type: "ai" } });
    expect(rag.json()).toMatchObject({ output: { output: "Hello from the provider" } });
    expect(seen[0]?.auth).toBe("Bearer sk-test");
    expect(seen[0]?.body).toMatchObject({ model: "tiny-model", messages: [{ role: "user", content: "tell me a joke about bears" }] });
    expect(JOKE).not.toContain("provider");
  });
});
