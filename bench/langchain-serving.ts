/**
 * The LangChain.js serving benchmark (issue 13): the chat chain written with
 * `@langchain/core` (`chains/lc-chat.ts`), served by chainserve as it is (`/lc/chat` of the
 * example app) against a hand-written Fastify route that calls the same chain's `stream()`
 * and writes SSE (bench/lc-handwritten-app.ts), the way a team without chainserve would.
 * Same method as the server benchmark: servers on CPU 0, the load generator on CPU 1, warm-up,
 * then paired runs alternating the servers; medians of the runs and of the paired ratios.
 * A ratio ≥ 1 means serving the chain through chainserve costs no more than the hand-written route.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REPO_ROOT } from "./children.js";
import { machine, type Machine } from "./machine.js";
import { LoadClient, prepareEntries, startServer } from "./harness.js";
import type { LoadResult } from "./load.js";
import { median } from "./measure.js";
import { jobFor, measuredRun, pairedRatios, summarise, type ServerFigures, type Target } from "./server.js";
import type { Scenario } from "./scenarios.js";

/** The scenario: the LangChain.js chat chain streamed, 50 connections. */
export const LC_STREAM_CHAT: Scenario = { name: "lc_stream_chat", path: "/lc/chat/stream", body: '{"input":{"topic":"bears"}}', sse: true };

/** What {@link runLangChainServingBench} measures. */
export interface LangChainServingResult extends Machine {
  scenario: string;
  /** chainserve serving the @langchain/core chain (`addRoutes(app, lcChain)`). */
  chainserve: ServerFigures;
  /** The hand-written Fastify route over the same chain's `stream()`. */
  handwritten: ServerFigures;
  /** Median of the paired `chainserve.rps / handwritten.rps` ratios (target ≥ 1). */
  ratio: number | null;
  ratio_runs: number[];
  runs: number;
  run_seconds: number;
  date: string;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Runs the comparison and returns the figures.
 * @example
 * const result = await runLangChainServingBench({ quick: true });
 */
export async function runLangChainServingBench(options: { quick?: boolean; log?: (line: string) => void } = {}): Promise<LangChainServingResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const timing = options.quick === true ? { warmupMs: 1000, runMs: 1000, runs: 5 } : { warmupMs: 2000, runMs: 3000, runs: 9 };
  const entries = await prepareEntries("built");
  const loader = await LoadClient.start(entries.load);
  const servers = [await startServer(entries.server, "chainserve"), await startServer(entries.server, "lc-handwritten")];
  try {
    const targets: Target[] = [
      { label: "chainserve", host: "127.0.0.1", port: servers[0]?.port ?? 0, prefix: "", child: servers[0]?.child },
      { label: "baseline", host: "127.0.0.1", port: servers[1]?.port ?? 0, prefix: "", child: servers[1]?.child },
    ];
    for (const target of targets) await loader.load(jobFor(target, LC_STREAM_CHAT, timing.warmupMs, 200));
    const runs: LoadResult[][] = [[], []];
    const perReq: number[][] = [[], []];
    for (let i = 0; i < timing.runs; i++) {
      for (const index of i % 2 === 0 ? [0, 1] : [1, 0]) {
        const target = targets[index] as Target;
        const { result, cpuPerReq } = await measuredRun(loader, target, jobFor(target, LC_STREAM_CHAT, timing.runMs, 200));
        if (result.errors > 0) log(`  ${LC_STREAM_CHAT.name} ${index === 0 ? "chainserve" : "hand-written"}: ${result.errors} errors (first: ${result.firstError ?? "?"})`);
        runs[index]?.push(result);
        if (cpuPerReq !== undefined) perReq[index]?.push(cpuPerReq);
      }
    }
    const pairs = pairedRatios(runs[0] ?? [], runs[1] ?? [], false);
    const result: LangChainServingResult = {
      scenario: LC_STREAM_CHAT.name,
      chainserve: summarise(runs[0] ?? [], false, perReq[0] ?? []),
      handwritten: summarise(runs[1] ?? [], false, perReq[1] ?? []),
      ratio: pairs.length > 0 ? round2(median(pairs)) : null,
      ratio_runs: pairs.map(round2),
      runs: timing.runs,
      run_seconds: timing.runMs / 1000,
      date: new Date().toISOString(),
      ...machine(),
    };
    log(
      `${LC_STREAM_CHAT.name}      chainserve ${result.chainserve.rps}/s p50 ${result.chainserve.p50_ms} ms | hand-written ${result.handwritten.rps}/s p50 ` +
        `${result.handwritten.p50_ms} ms | ratio ${result.ratio ?? "n/a"} (target ≥ 1) | CPU/req ${result.chainserve.cpu_us_per_req ?? "?"} vs ${result.handwritten.cpu_us_per_req ?? "?"} µs`,
    );
    return result;
  } finally {
    for (const server of servers) await server.child.stop({ kind: "stop" });
    await loader.stop();
  }
}

/** Writes `bench/results/langchain.json`. */
export async function writeLangChainServingResult(result: LangChainServingResult): Promise<void> {
  await writeFile(join(REPO_ROOT, "bench", "results", "langchain.json"), `${JSON.stringify(result, null, 2)}\n`);
}
