/**
 * OpenTelemetry spans (the SDK's in-memory exporter) and the run-end log line (a pino stream),
 * over real sockets.
 */
import { trace } from "@opentelemetry/api";
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ChatPromptTemplate, RunnableLambda, StrOutputParser } from "../../src/index.js";
import { tracingEnabled } from "../../src/server/observability/otel.js";
import { addRoutes } from "../../src/server/index.js";
import { listenLocal } from "./listen.js";
import { LogLines, post, sseEvents, until, UsageModel } from "./observability-fixtures.js";

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const logs = new LogLines();
let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = Fastify({ loggerInstance: pino({ level: "info" }, logs) }) as unknown as FastifyInstance;
  const chain = ChatPromptTemplate.fromTemplate("say hi to {name}").pipe(new UsageModel());
  await addRoutes(app, chain, { path: "/hi" });
  await addRoutes(app, chain.pipe(new StrOutputParser()), { path: "/all", tracing: "all", runLog: { input: true, output: true } });
  await addRoutes(app, chain, { path: "/untraced", tracing: false, runLog: false });
  await addRoutes(app, RunnableLambda.from(() => { throw new Error("nope"); }), { path: "/boom" });
  base = await listenLocal(app);
});

afterAll(async () => {
  trace.disable();
  await app.close();
});

afterEach(() => {
  exporter.reset();
});

const byName = (spans: ReadableSpan[], name: string): ReadableSpan[] => spans.filter((s) => s.name === name);
const parentId = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

describe("OpenTelemetry spans", () => {
  it("are off, and the run untraced, while no tracer provider is registered", async () => {
    expect(tracingEnabled()).toBe(false);
    expect((await post(`${base}/hi/invoke`, { input: { name: "a" } })).status).toBe(200);
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    trace.setGlobalTracerProvider(provider);
    expect(tracingEnabled()).toBe(true);
  });

  it("cover the run and the model call, with gen_ai attributes, on invoke", async () => {
    const res = await post(`${base}/hi/invoke`, { input: { name: "a" } });
    expect(res.status).toBe(200);
    const runId = (JSON.parse(res.text) as { metadata: { run_id: string } }).metadata.run_id;
    const spans = exporter.getFinishedSpans();
    const [run] = byName(spans, "chain /hi");
    const [model] = byName(spans, "chat acme-small");
    expect(run?.attributes).toMatchObject({ "chainserve.chain": "/hi", "chainserve.endpoint": "invoke", "chainserve.run_id": runId });
    expect(model?.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.system": "acme",
      "gen_ai.request.model": "acme-small",
      "gen_ai.response.model": "acme-small-2026",
      "gen_ai.usage.input_tokens": 7,
      "gen_ai.usage.output_tokens": 2,
      "gen_ai.response.finish_reasons": ["stop"],
    });
    expect(parentId(model!)).toBe(run?.spanContext().spanId);
    expect(model?.spanContext().traceId).toBe(run?.spanContext().traceId);
    // Only the run and the model call by default: not the prompt.
    expect(spans).toHaveLength(2);
  });

  it.each(["stream", "stream_log", "stream_events"])("cover /%s too (beside stream_log's own tracer)", async (endpoint) => {
    const res = await post(`${base}/hi/${endpoint}`, { input: { name: "a" } });
    expect(sseEvents(res.text).at(-1)?.event).toBe("end");
    await until(() => exporter.getFinishedSpans().length === 2);
    const model = byName(exporter.getFinishedSpans(), "chat acme-small")[0];
    expect(model?.attributes["gen_ai.usage.output_tokens"]).toBe(2);
  });

  it("cover every nested run with tracing: \"all\"", async () => {
    expect((await post(`${base}/all/invoke`, { input: { name: "a" } })).status).toBe(200);
    const names = exporter.getFinishedSpans().map((s) => s.name).sort();
    expect(names).toEqual(["ChatPromptTemplate", "StrOutputParser", "chain /all", "chat acme-small"]);
  });

  it("mark a failed run as an error and stay off where tracing is false", async () => {
    expect((await post(`${base}/boom/invoke`, { input: 1 })).status).toBe(500);
    expect((await post(`${base}/untraced/invoke`, { input: { name: "a" } })).status).toBe(200);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual(["chain /boom"]);
    expect(spans[0]?.status.code).toBe(2); // SpanStatusCode.ERROR
    expect(spans[0]?.attributes["chainserve.error_code"]).toBe("INTERNAL");
  });
});

describe("the run-end log line", () => {
  it("is one line per run with ids, status, duration and tokens, never the input by default", async () => {
    logs.lines.length = 0;
    await post(`${base}/hi/stream`, { input: { name: "secret-name" } });
    await post(`${base}/boom/invoke`, { input: "secret-input" });
    await post(`${base}/untraced/invoke`, { input: { name: "a" } });
    await until(() => logs.runEnds().length === 2);
    const [stream, boom] = logs.runEnds();
    expect(stream).toMatchObject({ level: 30, chain: "/hi", endpoint: "stream", status: 200, outcome: "ok", chunks: 3, tokens: 2, token_source: "usage" });
    expect(typeof stream?.run_id).toBe("string");
    expect(typeof stream?.reqId).toBe("string");
    expect(stream?.duration_ms).toBeGreaterThan(0);
    expect(stream?.first_chunk_ms).toBeGreaterThan(0);
    expect(boom).toMatchObject({ chain: "/boom", endpoint: "invoke", status: 500, code: "INTERNAL", outcome: "error" });
    const all = JSON.stringify(logs.lines);
    expect(all).not.toContain("secret-name");
    expect(all).not.toContain("secret-input");
  });

  it("logs input and output when the mount asks", async () => {
    logs.lines.length = 0;
    await post(`${base}/all/invoke`, { input: { name: "visible" } });
    await until(() => logs.runEnds().length === 1);
    expect(logs.runEnds()[0]).toMatchObject({ input: { name: "visible" }, output: "Hello world" });
  });

  it("rejects a bad runLog option at boot", async () => {
    const other = Fastify();
    await expect(addRoutes(other, RunnableLambda.from((x: unknown) => x), { path: "/x", runLog: { level: "loud" as "info" } })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await other.close();
  });
});
