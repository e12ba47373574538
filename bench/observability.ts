/**
 * What observability costs per request, in process (no sockets: Fastify's inject, which ends
 * with the same `close` event the probes listen to). `tsx bench/observability.ts <variant> <n> [stream]`
 * sends `n` invokes of `/echo` (or, with a third argument `stream`, `n` streams of `/chat`) after
 * a warm-up. Variants: `plain` (chains only: the probes and nothing else), `nolog` / `log` (a
 * pino logger into a discarding stream, without and with the run-end line), `metrics`
 * (chainserveMetrics), `all` (log, metrics, and an OpenTelemetry provider whose exporter drops
 * the spans). Run it under
 * `valgrind --tool=callgrind` with two values of `n`: the difference in instructions, divided
 * by the difference in requests, is the per-request cost without start-up (timing on a shared
 * machine is noise). Prints wall time per request too, for a run on a quiet machine.
 */
import { Writable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { pino } from "pino";
import { ChatPromptTemplate, FakeChatModel, RunnableLambda } from "../src/index.js";
import { addRoutes } from "../src/server/index.js";

const variant = process.argv[2] ?? "plain";
const n = Number(process.argv[3] ?? 2000);
const kind = process.argv[4] === "stream" ? "stream" : "invoke";
const JOKE = "Why don't bears wear shoes? Because they have bear feet!";

async function build(): Promise<FastifyInstance> {
  const discard = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logged = variant === "log" || variant === "nolog" || variant === "all";
  const app = (logged ? Fastify({ loggerInstance: pino({ level: "info" }, discard) }) : Fastify()) as unknown as FastifyInstance;
  const runLog = variant === "nolog" ? false : undefined;
  if (variant === "metrics" || variant === "all") {
    const { chainserveMetrics } = await import("../src/server/index.js");
    await chainserveMetrics(app);
  }
  if (variant === "all") {
    const api = await import("@opentelemetry/api");
    const sdk = await import("@opentelemetry/sdk-trace-base");
    const drop = { export: (_spans: unknown, done: (r: { code: number }) => void) => done({ code: 0 }), shutdown: async () => undefined };
    api.trace.setGlobalTracerProvider(new sdk.BasicTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(drop)] }));
  }
  await addRoutes(app, RunnableLambda.from((x: unknown) => x).withConfig({ runName: "echo" }), { path: "/echo", runLog });
  await addRoutes(app, ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [JOKE] })), { path: "/chat", runLog });
  await app.ready();
  return app;
}

async function round(app: FastifyInstance, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    if (kind === "invoke") {
      const res = await app.inject({ method: "POST", url: "/echo/invoke", payload: '{"input":1}', headers: { "content-type": "application/json" } });
      if (res.statusCode !== 200) throw new Error(`invoke answered ${res.statusCode}`);
    } else {
      const stream = await app.inject({ method: "POST", url: "/chat/stream", payload: '{"input":{"topic":"bears"}}' });
      if (!stream.body.endsWith("event: end\r\n\r\n")) throw new Error("stream did not end");
    }
  }
}

const app = await build();
await round(app, 500);
const start = performance.now();
await round(app, n);
const ms = performance.now() - start;
process.stdout.write(`${variant} ${kind} n=${n}: ${((ms * 1000) / n).toFixed(2)} µs wall per request\n`);
await app.close();
