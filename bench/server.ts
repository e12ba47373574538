/**
 * Server benchmark (issue #5): the example app against a baseline of bare Fastify routes
 * replaying chainserve's own responses byte for byte (the ceiling), in the same run.
 *
 * Method: each server runs in its own child pinned to CPU 0, the load generator
 * (bench/load.ts, raw sockets, closed loop) in a child pinned to CPU 1. Per scenario: a
 * warm-up on each server, then measured runs alternating chainserve and baseline, so drift
 * hits both alike; every figure is the median of the runs. Latency is to the last byte of
 * the response; `ttfb_*` latencies are to the end of the first `event: data` frame.
 * `idle_streams` uses a fresh chainserve child: RSS (after a forced GC) with no stream open,
 * then with every stream open, divided by the number of streams.
 */
import { loadavg } from "node:os";
import type { CapturedRoute, SseFraming } from "./baseline-app.js";
import { hasTaskset, type BenchChild } from "./children.js";
import { captureRoute, checkReplay, LoadClient, prepareEntries, serverCpu, serverMemory, startServer, type Runtime } from "./harness.js";
import type { LoadJob, LoadResult } from "./load.js";
import { rawRequest } from "./load.js";
import { machine } from "./machine.js";
import { median, slope } from "./measure.js";
import { emptyPaced, runPacedStreams, type PacedStreamsFigures } from "./paced-streams.js";
import { CONNECTIONS, IDLE_STREAMS, SCENARIOS, type Scenario } from "./scenarios.js";

/** One server's figures in one scenario (ms; `rps` to the last byte). */
export interface ServerFigures {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  /** Failed responses (wrong status, stream without `event: end`, socket errors) over all runs. */
  errors: number;
  /**
   * Server CPU time (user + system) per response, µs: steadier than req/s when other
   * processes share the machine. Absent for servers not started by the benchmark.
   */
  cpu_us_per_req?: number;
}

/** One scenario: both servers, optionally LangServe, and chainserve's share of the ceiling. */
export interface ScenarioResult {
  chainserve: ServerFigures;
  baseline: ServerFigures;
  langserve?: ServerFigures;
  /**
   * Throughput scenarios: `chainserve.rps / baseline.rps`. `ttfb_*` scenarios:
   * `baseline.p50_ms / chainserve.p50_ms` (1 = as fast to the first frame as the ceiling).
   * The median of the ratios of paired back-to-back runs (`ratio_runs`).
   */
  ratio: number | null;
  /** The ratio of each pair of runs, in run order. */
  ratio_runs: number[];
  /** What the ratio compares. */
  ratio_of: "rps" | "ttfb_p50";
}

/** The `idle_streams` figures. */
export interface IdleStreamsFigures {
  streams: number;
  completed: number;
  /**
   * RSS per open stream: the slope of RSS (after a forced GC) against the number of open
   * streams, fitted over four readings (a quarter, half, three quarters and all open). The
   * growth from no stream open is not used: after the warm-up the GC sometimes returns ~30 MB
   * to the system before the "idle" reading and sometimes not (79 or 110 MB, ~135 MB with all
   * open both times), which read as 29 or 13 kB per stream.
   */
  rss_kb_per_stream: number;
  /** The JS heap in use (after a forced GC) per open stream, fitted the same way: steadier than RSS. */
  heap_kb_per_stream: number;
  /** RSS and heap in use after a forced GC, with that many streams open. */
  samples: { open: number; rss_mb: number; heap_mb: number }[];
  rss_before_mb: number;
  rss_open_mb: number;
  /** Time until every stream had delivered its first data frame. */
  all_open_ms: number;
}

/** What {@link runServerBench} returns (the `core` key is added by `writeServerResults`). */
export interface ServerBenchResults {
  meta: {
    quick: boolean;
    pinned: boolean;
    node: string;
    /** `os.cpus()[0].model` of the machine (ratios and CPU per request move with it). */
    cpu_model: string;
    /** Logical CPUs. */
    cpus: number;
    /** The 1-minute load average when the run started (other processes on the CPUs). */
    load_average: number;
    runtime: Runtime;
    /** How the baseline wrote SSE bodies. */
    baseline_sse: SseFraming;
    connections: number;
    runs: number;
    run_seconds: number;
    warmup_seconds: number;
    date: string;
  };
  scenarios: Record<string, ScenarioResult>;
  idle_streams: IdleStreamsFigures;
  /** Token-paced load: 1,000 streams of ~10 s on `/chat/stream` and `/chat/stream_events`. */
  paced_streams: PacedStreamsFigures;
}

/** Options of {@link runServerBench}. */
export interface ServerBenchOptions {
  /** Shorter runs; same output shape. @default false */
  quick?: boolean;
  /** A running LangServe serving the reference chains: adds a `langserve` column. */
  langserveUrl?: string;
  /** Progress output. @default process.stdout */
  log?: (line: string) => void;
  /** Only these scenarios (and skip `idle_streams` unless listed). For profiling. */
  only?: string[];
  /** Extra node flags for the chainserve child (e.g. `--cpu-prof`). */
  chainserveNodeArgs?: string[];
  /**
   * How the children run: `built` (esbuild output, like deployed code; see bench/build.ts) or
   * `tsx` (the sources through tsx, which adds a `__name()` call per closure created).
   * @default "built"
   */
  runtime?: Runtime;
  /**
   * How the baseline writes SSE bodies: one `write()` per frame (a hand-written SSE handler,
   * the yardstick) or the whole body at once (the bare cost of the bytes).
   * @default "per-frame"
   */
  baselineSse?: SseFraming;
  /**
   * The server measured against the baseline: the example app, or its encode-only floor
   * (bench/floor-app.ts; results keep the `chainserve` label).
   * @default "chainserve"
   */
  subject?: "chainserve" | "floor";
}

interface Timing {
  warmupMs: number;
  runMs: number;
  runs: number;
}

// Many short paired runs rather than a few long ones: this machine's speed drifts over
// seconds (other tenants), and a ratio taken within one pair of back-to-back runs cancels
// most of that drift (quick runs of 1.5 s spread invoke_echo's ratio from 0.59 to 0.75).
const FULL: Timing = { warmupMs: 2000, runMs: 3000, runs: 9 };
// Four pairs, not five, since paced_streams (~25 s) joined: `--quick` stays under 3 minutes.
const QUICK: Timing = { warmupMs: 1000, runMs: 1000, runs: 4 };

/** A server the load generator can target. */
export interface Target {
  label: "chainserve" | "baseline" | "langserve";
  host: string;
  port: number;
  /** Path prefix (LangServe may be mounted under one). */
  prefix: string;
  /** Our own server child (for CPU accounting). */
  child?: BenchChild;
}

/** One measured run, with the server's CPU share over it when the server is ours. */
export async function measuredRun(loader: LoadClient, target: Target, job: LoadJob): Promise<{ result: LoadResult; serverCpu: number | undefined; cpuPerReq: number | undefined }> {
  const before = target.child === undefined ? undefined : await serverCpu(target.child);
  const result = await loader.load(job);
  if (before === undefined || target.child === undefined) return { result, serverCpu: undefined, cpuPerReq: undefined };
  const after = await serverCpu(target.child);
  // Responses still in flight at the end of the window are finished before `after`, so they
  // are counted as served here (the window's count alone would overstate the CPU per request).
  const served = result.requests + result.late;
  return {
    result,
    serverCpu: (after.micros - before.micros) / 1000 / (after.at - before.at),
    cpuPerReq: served > 0 ? (after.micros - before.micros) / served : undefined,
  };
}

export function jobFor(target: Target, scenario: Scenario, durationMs: number, expectStatus: number): LoadJob {
  const host = `${target.host}:${target.port}`;
  return {
    host: target.host,
    port: target.port,
    request: rawRequest({ method: "POST", path: target.prefix + scenario.path, host, body: scenario.body }),
    connections: scenario.connections ?? CONNECTIONS,
    durationMs,
    expectStatus,
    expectSseEnd: scenario.sse && expectStatus === 200,
  };
}

export function summarise(results: LoadResult[], ttfb: boolean, cpuPerReq: number[]): ServerFigures {
  const figures: ServerFigures = {
    rps: Math.round(median(results.map((r) => r.rps))),
    p50_ms: median(results.map((r) => (ttfb ? r.ttfb_p50_ms : r.p50_ms))),
    p99_ms: median(results.map((r) => (ttfb ? r.ttfb_p99_ms : r.p99_ms))),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
  if (cpuPerReq.length > 0) figures.cpu_us_per_req = Math.round(median(cpuPerReq));
  return figures;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The 1-minute load average (0 where the OS has none, e.g. Windows). */
function loadAverage(): number {
  return loadavg()[0] ?? 0;
}

/**
 * Run every scenario and `idle_streams`; returns the figures and writes nothing.
 * @example
 * const results = await runServerBench({ quick: true, langserveUrl: process.env.LANGSERVE_URL });
 * await writeServerResults(results, core);
 */
export async function runServerBench(options: ServerBenchOptions = {}): Promise<ServerBenchResults> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const quick = options.quick ?? false;
  const timing = quick ? QUICK : FULL;
  const pinned = hasTaskset();
  const wanted = (name: string): boolean => options.only === undefined || options.only.includes(name);
  log(
    pinned
      ? "server benchmark: servers pinned to CPU 0, load generator to CPU 1 (taskset)"
      : "server benchmark: taskset not found — servers and load generator are NOT pinned; figures are noisier",
  );
  log(`${timing.runs} runs of ${timing.runMs / 1000} s after ${timing.warmupMs / 1000} s warm-up per server, ${CONNECTIONS} connections unless noted`);
  const busy = loadAverage();
  if (busy > 0.5) log(`warning: 1-minute load average is ${busy.toFixed(2)} before starting: other processes share these CPUs, figures will be noisy`);

  const scenarios: Record<string, ScenarioResult> = {};
  const children: BenchChild[] = [];
  let loader: LoadClient | undefined;
  try {
    const runtime = options.runtime ?? "built";
    const entries = await prepareEntries(runtime);
    log(runtime === "built" ? "children run esbuild-built JavaScript (bench/build.ts)" : "children run the TypeScript sources through tsx");
    loader = await LoadClient.start(entries.load);
    const chainserve = await startServer(entries.server, options.subject ?? "chainserve", { nodeArgs: options.chainserveNodeArgs });
    if (options.subject === "floor") log("measuring the encode-only floor (bench/floor-app.ts) in chainserve's place");
    children.push(chainserve.child);

    const selected = SCENARIOS.filter((s) => wanted(s.name));
    const captures = new Map<string, CapturedRoute>();
    for (const scenario of selected) {
      if (captures.has(scenario.path)) continue;
      const captured = await captureRoute(chainserve.port, scenario);
      if (captured.status !== 200) log(`warning: chainserve answered ${scenario.path} with ${captured.status}; measuring that response`);
      else if (scenario.sse && !Buffer.from(captured.body, "base64").toString("utf8").trimEnd().endsWith("event: end")) {
        log(`warning: chainserve's ${scenario.path} stream did not end with event: end (an error event?); its runs will count errors`);
      }
      captures.set(scenario.path, captured);
    }
    const baseline = await startServer(entries.server, "baseline", { routes: [...captures.values()], sseFraming: options.baselineSse ?? "per-frame" });
    children.push(baseline.child);
    for (const scenario of selected) {
      const captured = captures.get(scenario.path) as CapturedRoute;
      const problem = await checkReplay(baseline.port, scenario, captured);
      if (problem !== undefined) throw new Error(`baseline replay of ${scenario.path} is not identical: ${problem}`);
    }
    log(`baseline replays chainserve's responses byte for byte (${captures.size} routes checked; SSE bodies ${options.baselineSse === "one-write" ? "in one write" : "one write per frame"})`);

    const targets: Target[] = [
      { label: "chainserve", host: "127.0.0.1", port: chainserve.port, prefix: "", child: chainserve.child },
      { label: "baseline", host: "127.0.0.1", port: baseline.port, prefix: "", child: baseline.child },
    ];
    if (options.langserveUrl !== undefined) {
      const url = new URL(options.langserveUrl);
      targets.push({ label: "langserve", host: url.hostname, port: Number(url.port || 80), prefix: url.pathname.replace(/\/$/, "") });
      log(`third column: LangServe at ${options.langserveUrl} (not pinned by this harness)`);
    }
    // One pass over every route first, so the first scenario does not pay for JIT warm-up
    // that later ones get for free (the per-scenario warm-up then re-settles the optimiser).
    const seen = new Set<string>();
    for (const scenario of selected) {
      if (seen.has(scenario.path)) continue;
      seen.add(scenario.path);
      for (const target of targets) await loader.load(jobFor(target, scenario, timing.warmupMs, target.label === "langserve" ? 200 : (captures.get(scenario.path) as CapturedRoute).status));
    }

    for (const scenario of selected) {
      const status = (captures.get(scenario.path) as CapturedRoute).status;
      const runs = new Map<Target["label"], LoadResult[]>(targets.map((t) => [t.label, []]));
      const cpu = new Map<Target["label"], { server: number[]; load: number[]; perReq: number[] }>(targets.map((t) => [t.label, { server: [], load: [], perReq: [] }]));
      for (const target of targets) await loader.load(jobFor(target, scenario, timing.warmupMs, target.label === "langserve" ? 200 : status));
      for (let i = 0; i < timing.runs; i++) {
        // Alternate which server goes first, so neither always follows the other's load.
        for (const target of i % 2 === 0 ? targets : [...targets].reverse()) {
          const { result, serverCpu: share, cpuPerReq } = await measuredRun(loader, target, jobFor(target, scenario, timing.runMs, target.label === "langserve" ? 200 : status));
          if (result.errors > 0) log(`  ${scenario.name} ${target.label}: ${result.errors} errors (first: ${result.firstError ?? "?"})`);
          runs.get(target.label)?.push(result);
          cpu.get(target.label)?.load.push(result.cpu);
          if (share !== undefined) cpu.get(target.label)?.server.push(share);
          if (cpuPerReq !== undefined) cpu.get(target.label)?.perReq.push(cpuPerReq);
        }
      }
      const shares: string[] = [];
      for (const [label, share] of cpu) {
        const server = share.server.length > 0 ? median(share.server) : undefined;
        const load = median(share.load);
        shares.push(`${label} ${server?.toFixed(2) ?? "?"}/${load.toFixed(2)}`);
        // A saturated server sits near 1.0; less means it waited (on the load generator or on other processes).
        if (load > 0.9) log(`  ${scenario.name} ${label}: the load generator was saturated (CPU share ${load.toFixed(2)}): this figure is a floor`);
        else if (server !== undefined && server < 0.85 && scenario.connections !== 1) {
          log(`  ${scenario.name} ${label}: the server was not saturated (CPU share ${server.toFixed(2)}): other processes on the CPUs?`);
        }
      }
      const figures = (label: Target["label"]): ServerFigures => summarise(runs.get(label) ?? [], scenario.ttfb === true, cpu.get(label)?.perReq ?? []);
      const ours = figures("chainserve");
      const ceiling = figures("baseline");
      const pairs = pairedRatios(runs.get("chainserve") ?? [], runs.get("baseline") ?? [], scenario.ttfb === true);
      const ratio = pairs.length > 0 ? round2(median(pairs)) : null;
      const result: ScenarioResult = {
        chainserve: ours,
        baseline: ceiling,
        ratio,
        ratio_of: scenario.ttfb === true ? "ttfb_p50" : "rps",
        ratio_runs: pairs.map(round2),
      };
      if (options.langserveUrl !== undefined) result.langserve = figures("langserve");
      scenarios[scenario.name] = result;
      log(
        `${scenario.name.padEnd(19)} chainserve ${String(ours.rps).padStart(6)}/s p50 ${ours.p50_ms} p99 ${ours.p99_ms} ms | ` +
          `baseline ${String(ceiling.rps).padStart(6)}/s p50 ${ceiling.p50_ms} p99 ${ceiling.p99_ms} ms | ratio ${ratio ?? "n/a"} | ` +
          `CPU/req ${ours.cpu_us_per_req ?? "?"} vs ${ceiling.cpu_us_per_req ?? "?"} µs` +
          (result.langserve !== undefined ? ` | langserve ${result.langserve.rps}/s p50 ${result.langserve.p50_ms} ms` : ""),
      );
      log(`  CPU share server/load generator: ${shares.join(", ")}`);
    }
    for (const child of children.splice(0)) await child.stop({ kind: "stop" });

    const idle = wanted("idle_streams") ? await idleStreams(loader, entries.server, log) : emptyIdle();
    const paced = wanted("paced_streams") ? await runPacedStreams(loader, entries.server, log) : emptyPaced();
    return {
      meta: {
        quick,
        pinned,
        ...machine(),
        load_average: round2(busy),
        runtime: options.runtime ?? "built",
        baseline_sse: options.baselineSse ?? "per-frame",
        connections: CONNECTIONS,
        runs: timing.runs,
        run_seconds: timing.runMs / 1000,
        warmup_seconds: timing.warmupMs / 1000,
        date: new Date().toISOString(),
      },
      scenarios,
      idle_streams: idle,
      paced_streams: paced,
    };
  } finally {
    for (const child of children) child.kill();
    await loader?.stop();
  }
}

/**
 * The ratio within each pair of back-to-back runs (run i of both servers): throughput
 * `ours / ceiling`, time to first frame `ceiling p50 / ours p50`. Pairs without a figure are
 * skipped.
 */
export function pairedRatios(ours: readonly LoadResult[], ceiling: readonly LoadResult[], ttfb: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(ours.length, ceiling.length); i++) {
    const a = ours[i] as LoadResult;
    const b = ceiling[i] as LoadResult;
    const ratio = ttfb ? (a.ttfb_p50_ms > 0 ? b.ttfb_p50_ms / a.ttfb_p50_ms : NaN) : b.rps > 0 ? a.rps / b.rps : NaN;
    if (Number.isFinite(ratio)) out.push(ratio);
  }
  return out;
}

/** Waves the idle streams open in, with memory read after each. */
const IDLE_WAVES = 4;

function emptyIdle(): IdleStreamsFigures {
  return { streams: 0, completed: 0, rss_kb_per_stream: 0, heap_kb_per_stream: 0, samples: [], rss_before_mb: 0, rss_open_mb: 0, all_open_ms: 0 };
}

/** `idle_streams`: a fresh chainserve child, warmed up, RSS before and with every stream open. */
async function idleStreams(loader: LoadClient, entry: string, log: (line: string) => void): Promise<IdleStreamsFigures> {
  const server = await startServer(entry, "chainserve", { nodeArgs: ["--expose-gc"] });
  try {
    const target: Target = { label: "chainserve", host: "127.0.0.1", port: server.port, prefix: "" };
    const slowScenario: Scenario = { name: "idle_streams", path: "/slow/stream", body: '{"input":"go"}', sse: true };
    // Warm the streaming path (JIT, pools) so the "before" figure is a steady state.
    await loader.load(jobFor(target, SCENARIOS[2] as Scenario, 1000, 200));
    await loader.load({ ...jobFor(target, slowScenario, 4500, 200), connections: 20 });
    const before = (await serverMemory(server.child)).rss;
    const samples: { open: number; rss: number; heap: number }[] = [];
    const result = await loader.idle(
      { host: target.host, port: target.port, request: jobFor(target, slowScenario, 0, 200).request, streams: IDLE_STREAMS, waves: IDLE_WAVES },
      async (open) => {
        samples.push({ open, ...(await serverMemory(server.child)) });
      },
    );
    const kbPerStream = (key: "rss" | "heap"): number => round2(slope(samples.map((s) => [s.open, s[key] / 1024])));
    const figures: IdleStreamsFigures = {
      streams: result.streams,
      completed: result.completed,
      rss_kb_per_stream: kbPerStream("rss"),
      heap_kb_per_stream: kbPerStream("heap"),
      samples: samples.map((s) => ({ open: s.open, rss_mb: round2(s.rss / 1048576), heap_mb: round2(s.heap / 1048576) })),
      rss_before_mb: round2(before / 1048576),
      rss_open_mb: round2((samples.at(-1)?.rss ?? before) / 1048576),
      all_open_ms: result.all_open_ms,
    };
    log(
      `idle_streams        ${figures.completed}/${figures.streams} completed with event: end; RSS ${figures.rss_before_mb} MB idle, then ` +
        figures.samples.map((s) => `${s.rss_mb} MB (heap ${s.heap_mb}) with ${s.open} open`).join(", ") +
        ` (${figures.rss_kb_per_stream} kB RSS, ${figures.heap_kb_per_stream} kB heap per stream; all open after ${figures.all_open_ms} ms` +
        (result.finished_before_all_open > 0 ? `, ${result.finished_before_all_open} streams had already finished then` : "") +
        ")" +
        (result.firstError !== undefined ? `; first failure: ${result.firstError}` : ""),
    );
    return figures;
  } finally {
    await server.child.stop({ kind: "stop" });
  }
}
export { writeServerResults } from "./report.js";
export { SCENARIOS } from "./scenarios.js";
export type { Scenario } from "./scenarios.js";
export type { Runtime } from "./harness.js";
