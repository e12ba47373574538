/**
 * The example app's observability: Prometheus metrics at `GET /metrics` (with the process's
 * default metrics), and, with `OTEL_TRACES_EXPORTER=console`, OpenTelemetry spans printed by
 * the SDK's console exporter. The SDK is a dev dependency: the production image has none, and
 * there the variable only earns a warning (wire a real exporter in your own entry point).
 */
import type { FastifyInstance } from "fastify";
import { collectDefaultMetrics, Registry } from "prom-client";
import { chainserveMetrics } from "../src/server/index.js";

/** The environment variables read here. */
export interface ObservabilityEnv {
  /**
   * `off` (or `0`, `false`) removes `/metrics`. On by default: the example listens on loopback
   * unless told otherwise; a deployment that exposes the app publicly without auth in front of
   * `/metrics` (traffic, chain names, error rates) should turn it off or scrape a private listener.
   */
  METRICS?: string | undefined;
  /** `console` prints every span (the SDK's ConsoleSpanExporter); unset: no tracing. */
  OTEL_TRACES_EXPORTER?: string | undefined;
}

let tracing: Promise<void> | undefined;

/**
 * Serves `/metrics` unless `METRICS` is off, and registers the console span exporter (once
 * per process) when `OTEL_TRACES_EXPORTER=console`.
 * @example
 * await mountMetrics(app, process.env);
 */
export async function mountMetrics(app: FastifyInstance, env: ObservabilityEnv): Promise<void> {
  if (env.OTEL_TRACES_EXPORTER === "console") await (tracing ??= consoleTracing(app));
  if (["off", "0", "false"].includes((env.METRICS ?? "").toLowerCase())) return;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  await chainserveMetrics(app, { path: "/metrics", registry });
}

async function consoleTracing(app: FastifyInstance): Promise<void> {
  try {
    const { trace } = await import("@opentelemetry/api");
    const { BasicTracerProvider, ConsoleSpanExporter, SimpleSpanProcessor } = await import("@opentelemetry/sdk-trace-base");
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }));
    app.log.info("OpenTelemetry: spans go to the console");
  } catch (error) {
    app.log.warn({ err: error }, "OTEL_TRACES_EXPORTER=console needs @opentelemetry/sdk-trace-base (a dev dependency); tracing stays off");
  }
}
