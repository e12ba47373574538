/**
 * `/metrics` after real traffic over real sockets: invokes, streams, a failing run, a client
 * that leaves mid-stream, a config-hash route. Counts are checked against what the client saw.
 */
import Fastify, { type FastifyInstance } from "fastify";
import { compressToEncodedURIComponent } from "lz-string";
import { Counter, Registry } from "prom-client";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatPromptTemplate, FakeChatModel, RunnableLambda } from "../../src/index.js";
import { addRoutes, chainserveMetrics } from "../../src/server/index.js";
import { listenLocal } from "./listen.js";
import { post, sample, sseEvents, until, UsageModel } from "./observability-fixtures.js";

const JOKE = "Why don't bears wear shoes? Because they have bear feet!";
const prompt = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}");

let app: FastifyInstance;
let base: string;
const registry = new Registry();
const own = new Counter({ name: "app_own_total", help: "The app's own metric.", registers: [registry] });

beforeAll(async () => {
  app = Fastify();
  // Registered before the chains are mounted; the slow chain is mounted after, and counted too.
  await chainserveMetrics(app, { registry });
  await addRoutes(app, prompt.pipe(new FakeChatModel({ responses: [JOKE] })), { path: "/chat" });
  await addRoutes(app, prompt.pipe(new UsageModel()), { path: "/usage" });
  await addRoutes(app, RunnableLambda.from(() => { throw new Error("secret failure text"); }), { path: "/boom" });
  await addRoutes(app, prompt.pipe(new FakeChatModel({ responses: [Array.from({ length: 200 }, (_, i) => `w${i}`).join(" ")], sleepMs: 20 })), { path: "/slow" });
  own.inc(3);
  base = await listenLocal(app);
});

afterAll(async () => {
  await app.close();
});

const scrape = async (): Promise<string> => {
  const res = await request(`${base}/metrics`);
  expect(res.statusCode).toBe(200);
  expect(res.headers["content-type"]).toContain("text/plain");
  return res.body.text();
};

describe("chainserveMetrics", () => {
  it("counts invokes, streams, errors and disconnects as the client saw them", async () => {
    expect((await post(`${base}/chat/invoke`, { input: { topic: "bears" } })).status).toBe(200);
    const hash = compressToEncodedURIComponent(JSON.stringify({ configurable: {} }));
    expect((await post(`${base}/chat/c/${hash}/invoke`, { input: { topic: "cats" } })).status).toBe(200);
    expect((await post(`${base}/chat/invoke`, { input: { wrong: 1 } })).status).toBe(422);
    const stream = await post(`${base}/chat/stream`, { input: { topic: "bears" } });
    const chunks = sseEvents(stream.text).filter((e) => e.event === "data").length;
    expect(chunks).toBeGreaterThan(10);
    const boom = await post(`${base}/boom/invoke`, { input: 1 });
    expect(boom.status).toBe(500);

    // A client that reads the first chunk of a long stream and leaves.
    const controller = new AbortController();
    const res = await request(`${base}/slow/stream`, {
      method: "POST",
      body: JSON.stringify({ input: { topic: "x" } }),
      headers: { "content-type": "application/json" },
      signal: controller.signal,
    });
    for await (const part of res.body) if (String(part).includes("event: data")) break;
    const open = await scrape();
    expect(sample(open, "chainserve_active_streams", { chain: "/slow", endpoint: "stream" })).toBe(1);
    expect(sample(open, "chainserve_runs_in_flight", { chain: "/slow", endpoint: "stream" })).toBe(1);
    controller.abort();
    await until(async () => sample(await scrape(), "chainserve_runs_in_flight", { chain: "/slow", endpoint: "stream" }) === 0);

    const text = await scrape();
    const chat = (endpoint: string, extra: Record<string, string> = {}) => ({ chain: "/chat", endpoint, ...extra });
    // The config-hash twin folds into its endpoint: no raw URL in any label.
    expect(sample(text, "chainserve_requests_total", chat("invoke", { status: "200" }))).toBe(2);
    expect(text).not.toContain(hash);
    expect(sample(text, "chainserve_requests_total", chat("invoke", { status: "422" }))).toBe(1);
    expect(sample(text, "chainserve_errors_total", chat("invoke", { code: "BAD_REQUEST" }))).toBe(1);
    expect(sample(text, "chainserve_request_duration_seconds_count", chat("invoke", { status: "200" }))).toBe(2);
    expect(sample(text, "chainserve_requests_total", chat("stream", { status: "200" }))).toBe(1);
    expect(sample(text, "chainserve_stream_chunks_total", chat("stream"))).toBe(chunks);
    expect(sample(text, "chainserve_stream_tokens_total", chat("stream", { source: "chunks" }))).toBe(chunks);
    expect(sample(text, "chainserve_time_to_first_chunk_seconds_count", chat("stream"))).toBe(1);
    expect(sample(text, "chainserve_requests_total", { chain: "/boom", endpoint: "invoke", status: "500" })).toBe(1);
    expect(sample(text, "chainserve_errors_total", { chain: "/boom", endpoint: "invoke", code: "INTERNAL" })).toBe(1);
    expect(sample(text, "chainserve_client_disconnects_total", { chain: "/slow", endpoint: "stream" })).toBe(1);
    expect(sample(text, "chainserve_cancellations_total", { chain: "/slow", endpoint: "stream" })).toBe(1);
    expect(sample(text, "chainserve_active_streams", { chain: "/slow", endpoint: "stream" })).toBe(0);
    expect(sample(text, "chainserve_client_disconnects_total", chat("stream"))).toBeUndefined();
    expect(sample(text, "chainserve_timeouts_total", chat("invoke"))).toBeUndefined();
    // The app's own metric is in the same scrape.
    expect(sample(text, "app_own_total")).toBe(3);
  });

  it("counts the tokens a model reports in usage_metadata, on /stream and /stream_events", async () => {
    const stream = await post(`${base}/usage/stream`, { input: { topic: "x" } });
    expect(sseEvents(stream.text).filter((e) => e.event === "data")).toHaveLength(3);
    const events = await post(`${base}/usage/stream_events`, { input: { topic: "x" } });
    expect(events.status).toBe(200);
    const invoke = await post(`${base}/usage/invoke`, { input: { topic: "x" } });
    expect(invoke.status).toBe(200);
    const text = await scrape();
    expect(sample(text, "chainserve_stream_tokens_total", { chain: "/usage", endpoint: "stream", source: "usage" })).toBe(2);
    expect(sample(text, "chainserve_stream_tokens_total", { chain: "/usage", endpoint: "stream", source: "chunks" })).toBeUndefined();
    expect(sample(text, "chainserve_stream_tokens_total", { chain: "/usage", endpoint: "stream_events", source: "usage" })).toBe(2);
    expect(sample(text, "chainserve_stream_tokens_total", { chain: "/usage", endpoint: "invoke", source: "usage" })).toBe(2);
  });

  it("rejects bad options at boot with INVALID_OPTIONS", async () => {
    const other = Fastify();
    await expect(chainserveMetrics(other, { path: "metrics" })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await expect(chainserveMetrics(other, { durationBuckets: [] })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await other.close();
  });

  it("keeps LangServe's 404 when registered before any chain", async () => {
    const res = await request(`${base}/nowhere`);
    expect(res.statusCode).toBe(404);
    expect(await res.body.json()).toMatchObject({ code: "NOT_FOUND" });
  });
});
