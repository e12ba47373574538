/**
 * Prometheus metrics of the served chains, with prom-client. Labels are the mount path
 * (`chain`), the endpoint and, where it matters, the status or error code: all fixed at boot
 * or drawn from closed sets (config-hash routes fold into their endpoint), so the series stay
 * few whatever the traffic. The hot path is one observer call per finished request (probes
 * count in plain fields; gauges read them when scraped); labels objects are made once per
 * endpoint and status.
 */
import type { FastifyInstance } from "fastify";
import { Counter, Gauge, Histogram, Registry, type Metric } from "prom-client";
import { ChainserveError } from "../../core/errors.js";
import { chainservePlugin, getMountedChains, stateOf } from "../plugin.js";
import { addRunObserver, hubOf, type ObservabilityHub, type RouteProbe, type RunObserver, type RunRecord } from "./run-probe.js";

/** Options of {@link chainserveMetrics}. */
export interface ChainserveMetricsOptions {
  /** Route that serves the registry's exposition; `false` serves none (scrape the registry yourself). @default "/metrics" */
  path?: string | false;
  /**
   * The prom-client registry to add chainserve's metrics to: pass your own (or prom-client's
   * global `register`) to serve your metrics and chainserve's in one scrape. @default a new Registry
   */
  registry?: Registry;
  /** Upper bounds (seconds) of the request duration histogram. @default 5 ms … 120 s */
  durationBuckets?: number[];
  /** Upper bounds (seconds) of the time-to-first-chunk histogram. @default 5 ms … 10 s */
  firstChunkBuckets?: number[];
}

/** What {@link chainserveMetrics} set up. */
export interface ChainserveMetrics {
  /** The registry chainserve's metrics are in. */
  registry: Registry;
}

const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const FIRST_CHUNK_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const ROUTE = ["chain", "endpoint"] as const;

type Labels = Record<string, string>;

/** The hubs (apps) whose live counts a gauge reads, per gauge: apps may share a registry. */
const gaugeSources = new WeakMap<object, Set<ObservabilityHub>>();
const gaugeApps = new WeakMap<object, Set<FastifyInstance>>();

function existing<T extends Metric>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

function checkBuckets(value: unknown, name: string, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length === 0 || value.some((b) => typeof b !== "number" || !(b > 0))) {
    throw new ChainserveError("INVALID_OPTIONS", `chainserveMetrics: "${name}" must be a non-empty array of positive numbers`);
  }
  return value as number[];
}

/** The metrics, made once per registry. */
function createMetrics(registry: Registry, durationBuckets: number[], firstChunkBuckets: number[]) {
  const registers = [registry];
  const counter = (name: string, help: string, labelNames: readonly string[]): Counter =>
    existing(registry, name, () => new Counter({ name, help, labelNames, registers }));
  return {
    requests: counter("chainserve_requests_total", "Run requests finished, by chain, endpoint and HTTP status (499: the client left before the status was sent).", [...ROUTE, "status"]),
    duration: existing(registry, "chainserve_request_duration_seconds", () =>
      new Histogram({ name: "chainserve_request_duration_seconds", help: "Run request duration, arrival to response end.", labelNames: [...ROUTE, "status"], buckets: durationBuckets, registers }),
    ),
    firstChunk: existing(registry, "chainserve_time_to_first_chunk_seconds", () =>
      new Histogram({ name: "chainserve_time_to_first_chunk_seconds", help: "Streams: arrival to the first data frame.", labelNames: [...ROUTE], buckets: firstChunkBuckets, registers }),
    ),
    chunks: counter("chainserve_stream_chunks_total", "Items streamed (chunks on /stream, patches on /stream_log, events on /stream_events).", ROUTE),
    tokens: counter(
      "chainserve_stream_tokens_total",
      "Output tokens: usage_metadata.output_tokens when the model reports usage (source=usage), else one per streamed model chunk (source=chunks).",
      [...ROUTE, "source"],
    ),
    disconnects: counter("chainserve_client_disconnects_total", "Responses the client closed before they ended.", ROUTE),
    cancellations: counter("chainserve_cancellations_total", "Runs stopped through their abort signal (ABORTED, or a stream whose client left).", ROUTE),
    timeouts: counter("chainserve_timeouts_total", "Runs that failed with TIMEOUT.", ROUTE),
    errors: counter("chainserve_errors_total", "Run requests answered with an error (JSON error or SSE error frame), by code.", [...ROUTE, "code"]),
  };
}

type Metrics = ReturnType<typeof createMetrics>;

class MetricsObserver implements RunObserver {
  constructor(private readonly m: Metrics) {}

  runEnded(record: RunRecord, route: RouteProbe): void {
    const m = this.m;
    const labels = routeLabels(route);
    const withStatus = statusLabels(route, record.status);
    m.requests.inc(withStatus);
    m.duration.observe(withStatus, record.durationMs / 1000);
    if (record.firstChunkMs !== undefined) m.firstChunk.observe(labels, record.firstChunkMs / 1000);
    if (record.chunks > 0) m.chunks.inc(labels, record.chunks);
    const tokens = record.tokens;
    if (tokens !== undefined && tokens > 0) m.tokens.inc(keyed(route, record.tokenSource ?? "chunks", "source"), tokens);
    if (record.outcome === "disconnected") m.disconnects.inc(labels);
    if (record.cancelled) m.cancellations.inc(labels);
    const code = record.code;
    if (code !== undefined) {
      if (code === "TIMEOUT") m.timeouts.inc(labels);
      m.errors.inc(keyed(route, code, "code"));
    }
  }
}

const ROUTE_LABELS = Symbol("labels");

function routeLabels(route: RouteProbe): Labels {
  let labels = route.cache.get(ROUTE_LABELS) as Labels | undefined;
  if (labels === undefined) {
    labels = { chain: route.chain, endpoint: route.endpoint };
    route.cache.set(ROUTE_LABELS, labels);
  }
  return labels;
}

function statusLabels(route: RouteProbe, status: number): Labels {
  let labels = route.cache.get(status) as Labels | undefined;
  if (labels === undefined) {
    labels = { chain: route.chain, endpoint: route.endpoint, status: String(status) };
    route.cache.set(status, labels);
  }
  return labels;
}

function keyed(route: RouteProbe, value: string, name: "source" | "code"): Labels {
  const key = `${name}:${value}`;
  let labels = route.cache.get(key) as Labels | undefined;
  if (labels === undefined) {
    labels = { chain: route.chain, endpoint: route.endpoint, [name]: value };
    route.cache.set(key, labels);
  }
  return labels;
}

function liveGauges(registry: Registry, hub: ObservabilityHub, app: FastifyInstance): void {
  const registers = [registry];
  const perRoute = (name: string, help: string, read: (route: RouteProbe) => number): void => {
    const gauge = existing(registry, name, () => {
      const sources = new Set<ObservabilityHub>();
      const made: Gauge = new Gauge({
        name,
        help,
        labelNames: ROUTE,
        registers,
        collect() {
          for (const source of sources) for (const route of source.routes) made.set(routeLabels(route), read(route));
        },
      });
      gaugeSources.set(made, sources);
      return made;
    });
    gaugeSources.get(gauge)?.add(hub);
  };
  perRoute("chainserve_runs_in_flight", "Run requests in flight.", (route) => route.inFlight);
  perRoute("chainserve_active_streams", "Streams open (headers sent, not ended).", (route) => route.streaming);
  const perMount = (name: string, help: string, read: (load: { active(): number; queued(): number }) => number): void => {
    const gauge = existing(registry, name, () => {
      const apps = new Set<FastifyInstance>();
      const made: Gauge = new Gauge({
        name,
        help,
        labelNames: ["chain"],
        registers,
        collect() {
          for (const source of apps) {
            for (const mount of getMountedChains(source)) if (mount.load !== undefined) made.set({ chain: mount.path === "" ? "/" : mount.path }, read(mount.load));
          }
        },
      });
      gaugeApps.set(made, apps);
      return made;
    });
    gaugeApps.get(gauge)?.add(app);
  };
  perMount("chainserve_queue_depth", "Runs waiting in the mount's run queue (mounts with a concurrency limit).", (load) => load.queued());
  perMount("chainserve_queue_active_runs", "Runs holding a slot of the mount's run gate.", (load) => load.active());
}

/**
 * Adds chainserve's Prometheus metrics for every chain mounted on `app` (before or after this
 * call) and serves them at `options.path`. Metrics: `chainserve_requests_total`,
 * `chainserve_request_duration_seconds`, `chainserve_runs_in_flight`, `chainserve_active_streams`,
 * `chainserve_time_to_first_chunk_seconds`, `chainserve_stream_chunks_total`,
 * `chainserve_stream_tokens_total`, `chainserve_client_disconnects_total`,
 * `chainserve_cancellations_total`, `chainserve_timeouts_total`, `chainserve_errors_total`,
 * `chainserve_queue_depth`, `chainserve_queue_active_runs`.
 * @example
 * import { register, collectDefaultMetrics } from "prom-client";
 * collectDefaultMetrics({ register });
 * await chainserveMetrics(app, { path: "/metrics", registry: register });
 * await addRoutes(app, chain, { path: "/chat" });
 */
export async function chainserveMetrics(app: FastifyInstance<any, any, any, any, any>, options: ChainserveMetricsOptions = {}): Promise<ChainserveMetrics> {
  const instance = app as unknown as FastifyInstance;
  const path = options.path ?? "/metrics";
  if (path !== false && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new ChainserveError("INVALID_OPTIONS", `chainserveMetrics: "path" must start with "/" or be false`);
  }
  const registry = options.registry ?? new Registry();
  if (typeof (registry as Partial<Registry>).getSingleMetric !== "function") {
    throw new ChainserveError("INVALID_OPTIONS", `chainserveMetrics: "registry" must be a prom-client Registry`);
  }
  const metrics = createMetrics(
    registry,
    checkBuckets(options.durationBuckets, "durationBuckets", DURATION_BUCKETS),
    checkBuckets(options.firstChunkBuckets, "firstChunkBuckets", FIRST_CHUNK_BUCKETS),
  );
  // Creating chainserve's state here would make a later addRoutes skip its root plugin.
  if (stateOf(instance) === undefined) await instance.register(chainservePlugin);
  const hub = hubOf(instance);
  liveGauges(registry, hub, instance);
  addRunObserver(instance, new MetricsObserver(metrics));
  if (path !== false) {
    instance.get(path, { logLevel: "warn" }, async (_request, reply) => reply.header("content-type", registry.contentType).send(await registry.metrics()));
  }
  return { registry };
}
