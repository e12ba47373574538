/**
 * `paced_streams` (issue 16): many long streams whose tokens arrive over seconds, the load
 * real deployments see. A fresh server child (bench/paced-app.ts, pinned to CPU 0 like the
 * other servers) serves the chat chain over a model emitting a token every 30 ms for ~10 s;
 * the load generator (CPU 1) opens 1,000 concurrent streams on `/chat/stream`, then on
 * `/chat/stream_events`. Per endpoint: server CPU per token (the server process's CPU time
 * over the whole phase, request handling included, divided by the tokens the model emitted),
 * time-to-first-token overhead on the machine's monotonic clock, event-loop delay p99
 * (`monitorEventLoopDelay` in the server, over the phase), RSS per active stream (RSS while
 * every stream is open, no forced GC, minus RSS idle after a forced GC, over the streams),
 * and how many streams completed with `event: end`.
 */
import type { BenchChild } from "./children.js";
import { pacedServerStats, serverCpu, serverMemory, startServer, type LoadClient } from "./harness.js";
import { rawRequest } from "./load.js";
import { PACED_TOKENS, STAMP_PREFIX, TOKEN_INTERVAL_MS } from "./paced-config.js";
import type { PacedStreamsJob } from "./paced-load.js";

/** Concurrent streams per endpoint. */
export const PACED_STREAMS = 1000;
/** The endpoints measured, in run order, with their request bodies. */
const ENDPOINTS = [
  { endpoint: "/chat/stream", body: '{"input":{"topic":"bears"}}' },
  { endpoint: "/chat/stream_events", body: '{"input":{"topic":"bears"},"version":"v2"}' },
] as const;
/** Starts are spread over this long (arrivals, not one burst on the same tick). */
const RAMP_MS = 1000;

/** One endpoint's `paced_streams` figures. */
export interface PacedEndpointFigures {
  streams: number;
  /** Streams that answered 200 and ended with `event: end`. */
  completed: number;
  /** Tokens the model emitted during the phase (all streams). */
  tokens: number;
  /** Server CPU time (user + system) over the phase divided by `tokens`, µs. */
  cpu_us_per_token: number;
  /** Its kernel part (socket writes; on loopback the kernel's receive path runs in the sender's write too). */
  cpu_system_us_per_token: number;
  /** First frame carrying the model's first token at the client minus the model's stamp, ms. */
  ttft_overhead_ms: { p50: number; p99: number };
  /** Event-loop delay in the server over the phase, ms. */
  loop_delay_p99_ms: number;
  loop_delay_max_ms: number;
  /** (RSS with every stream open − RSS idle) / streams, kB. */
  rss_kb_per_stream: number;
  /** Server CPU time over the phase as a share of one core. */
  server_cpu_share: number;
  /** Wall time of the phase, first request to last stream finished, ms. */
  elapsed_ms: number;
}

/** `paced_streams` in `bench/results/latest.json`: figures by endpoint. */
export interface PacedStreamsFigures {
  tokens_per_stream: number;
  token_interval_ms: number;
  endpoints: Record<string, PacedEndpointFigures>;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Runs `paced_streams` on a fresh paced server child; the loader is the benchmark's load generator. */
export async function runPacedStreams(loader: LoadClient, entry: string, log: (line: string) => void): Promise<PacedStreamsFigures> {
  const server = await startServer(entry, "paced", { nodeArgs: ["--expose-gc"] });
  try {
    const host = "127.0.0.1";
    const job = (path: string, body: string, streams: number, rampMs: number): PacedStreamsJob => ({
      host,
      port: server.port,
      request: rawRequest({ method: "POST", path, host: `${host}:${server.port}`, body }),
      streams,
      rampMs,
      stampPrefix: STAMP_PREFIX,
      timeoutMs: 60_000,
    });
    // Warm-up: short answers through both endpoints (JIT, socket and timer pools).
    for (const { endpoint, body } of ENDPOINTS) {
      await loader.paced(job(endpoint.replace("/chat/", "/warm/"), body, PACED_STREAMS / 2, 300), async () => undefined);
    }
    const endpoints: Record<string, PacedEndpointFigures> = {};
    for (const { endpoint, body } of ENDPOINTS) endpoints[endpoint] = await phase(loader, server.child, job(endpoint, body, PACED_STREAMS, RAMP_MS), endpoint, log);
    return { tokens_per_stream: PACED_TOKENS, token_interval_ms: TOKEN_INTERVAL_MS, endpoints };
  } finally {
    await server.child.stop({ kind: "stop" });
  }
}

async function phase(loader: LoadClient, child: BenchChild, job: PacedStreamsJob, endpoint: string, log: (line: string) => void): Promise<PacedEndpointFigures> {
  const idle = await serverMemory(child);
  const cpuBefore = await serverCpu(child);
  await pacedServerStats(child, true);
  let open = idle;
  const result = await loader.paced(job, async () => {
    open = await serverMemory(child, false);
  });
  const cpuAfter = await serverCpu(child);
  const stats = await pacedServerStats(child, true);
  const cpuMicros = cpuAfter.micros - cpuBefore.micros;
  const figures: PacedEndpointFigures = {
    streams: result.streams,
    completed: result.completed,
    tokens: stats.tokens,
    cpu_us_per_token: stats.tokens > 0 ? round2(cpuMicros / stats.tokens) : 0,
    cpu_system_us_per_token: stats.tokens > 0 ? round2((cpuAfter.system - cpuBefore.system) / stats.tokens) : 0,
    ttft_overhead_ms: { p50: result.ttft_overhead_ms.p50, p99: result.ttft_overhead_ms.p99 },
    loop_delay_p99_ms: stats.loop_delay_p99_ms,
    loop_delay_max_ms: stats.loop_delay_max_ms,
    rss_kb_per_stream: round2((open.rss - idle.rss) / 1024 / job.streams),
    server_cpu_share: round2(cpuMicros / 1000 / (cpuAfter.at - cpuBefore.at)),
    elapsed_ms: result.elapsed_ms,
  };
  log(
    `paced_streams ${endpoint.padEnd(20)} ${figures.completed}/${figures.streams} completed, ${figures.tokens} tokens; ` +
      `${figures.cpu_us_per_token} µs CPU/token (${figures.cpu_system_us_per_token} in the kernel; server CPU share ${figures.server_cpu_share}); TTFT overhead p50 ${figures.ttft_overhead_ms.p50} / ` +
      `p99 ${figures.ttft_overhead_ms.p99} ms; loop delay p99 ${figures.loop_delay_p99_ms} ms (max ${figures.loop_delay_max_ms}); ` +
      `${figures.rss_kb_per_stream} kB RSS per stream; ${figures.elapsed_ms} ms (all started after ${result.all_started_ms} ms)` +
      (result.firstError !== undefined ? `; first failure: ${result.firstError}` : ""),
  );
  return figures;
}

/** `paced_streams` when it was not run. */
export function emptyPaced(): PacedStreamsFigures {
  return { tokens_per_stream: PACED_TOKENS, token_interval_ms: TOKEN_INTERVAL_MS, endpoints: {} };
}
