/**
 * Output of the server benchmark: `bench/results/latest.json` (server figures plus the core
 * benchmark), a markdown table on stdout (the README's table) and `bench/results/chart.svg`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { renderChart } from "./chart.js";
import type { ScenarioResult, ServerBenchResults, ServerFigures } from "./server.js";

/** The targets of issue #5, by scenario. */
export const TARGETS: Record<string, { text: string; met: (r: ScenarioResult) => boolean }> = {
  invoke_echo: { text: "≥ 0.8×", met: (r) => (r.ratio ?? 0) >= 0.8 },
  stream_chat: { text: "≥ 0.6×", met: (r) => (r.ratio ?? 0) >= 0.6 },
  stream_log_chat: { text: "≥ 0.6×", met: (r) => (r.ratio ?? 0) >= 0.6 },
  stream_events_chat: { text: "≥ 0.6×", met: (r) => (r.ratio ?? 0) >= 0.6 },
  rag_stream: { text: "≥ 0.6×", met: (r) => (r.ratio ?? 0) >= 0.6 },
  ttfb_chat_c50: { text: "p50 < 5 ms", met: (r) => r.chainserve.p50_ms < 5 },
};

/** kB of RSS per idle stream allowed by the target. */
export const IDLE_TARGET_KB = 30;

function cell(f: ServerFigures | undefined, ttfb: boolean): string {
  if (f === undefined) return "—";
  const errors = f.errors > 0 ? ` ⚠ ${f.errors} errors` : "";
  const cpu = f.cpu_us_per_req === undefined ? "" : `; ${f.cpu_us_per_req} µs CPU/req`;
  return ttfb
    ? `p50 ${f.p50_ms} / p99 ${f.p99_ms} ms (${f.rps.toLocaleString("en-US")}/s${cpu})${errors}`
    : `${f.rps.toLocaleString("en-US")}/s (p50 ${f.p50_ms} / p99 ${f.p99_ms} ms${cpu})${errors}`;
}

/** The results as a markdown table (plus the idle-streams line). */
export function markdownTable(results: ServerBenchResults): string {
  const hasLangserve = Object.values(results.scenarios).some((r) => r.langserve !== undefined);
  const lines = [
    `| scenario | chainserve | baseline (bare Fastify, same bytes) | ratio | target |${hasLangserve ? " LangServe |" : ""}`,
    `|---|---|---|---|---|${hasLangserve ? "---|" : ""}`,
  ];
  for (const [name, r] of Object.entries(results.scenarios)) {
    const ttfb = r.ratio_of === "ttfb_p50";
    const target = TARGETS[name];
    const verdict = target === undefined ? "—" : `${target.text} ${target.met(r) ? "✅" : "❌"}`;
    const ratio = r.ratio === null ? "—" : `${r.ratio}×${ttfb ? " (p50)" : ""}`;
    lines.push(`| ${name} | ${cell(r.chainserve, ttfb)} | ${cell(r.baseline, ttfb)} | ${ratio} | ${verdict} |${hasLangserve ? ` ${cell(r.langserve, ttfb)} |` : ""}`);
  }
  const idle = results.idle_streams;
  const idleOk = idle.streams > 0 && idle.completed === idle.streams && idle.rss_kb_per_stream < IDLE_TARGET_KB;
  lines.push(
    "",
    `idle_streams: ${idle.completed}/${idle.streams} streams completed with \`event: end\`; RSS ${idle.rss_before_mb} MB idle, ` +
      idle.samples.map((sample) => `${sample.rss_mb} MB with ${sample.open} open`).join(", ") +
      ` = **${idle.rss_kb_per_stream} kB per stream** (slope of RSS against open streams; JS heap ${idle.heap_kb_per_stream} kB per stream) ` +
      `(target < ${IDLE_TARGET_KB} kB, all complete ${idleOk ? "✅" : "❌"}).`,
    "",
    `${results.meta.pinned ? "Server pinned to CPU 0, load generator to CPU 1 (taskset)" : "taskset not found: NOT pinned"}; ` +
      `${results.meta.connections} connections; ${results.meta.runs} runs of ${results.meta.run_seconds} s per server after ${results.meta.warmup_seconds} s warm-up, ` +
      `the two servers alternating; figures are medians over the runs, and the ratio is the median of the ratios of back-to-back pairs of runs; ` +
      `latency to last byte (ttfb rows: to the end of the first \`event: data\` frame; ratio = baseline p50 / chainserve p50). Node ${results.meta.node}.`,
  );
  return lines.join("\n");
}

/**
 * Write `bench/results/latest.json` (`{ meta, scenarios, idle_streams, core }`) and
 * `bench/results/chart.svg`, and print the markdown table.
 * @example
 * await writeServerResults(await runServerBench({ quick }), core);
 */
export async function writeServerResults(results: ServerBenchResults, coreResults: unknown, log: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Promise<void> {
  const dir = new URL("./results/", import.meta.url);
  await mkdir(dir, { recursive: true });
  await writeFile(new URL("latest.json", dir), `${JSON.stringify({ ...results, core: coreResults }, null, 2)}\n`);
  await writeFile(new URL("chart.svg", dir), renderChart(results));
  log(markdownTable(results));
  log("wrote bench/results/latest.json and bench/results/chart.svg");
}
