/**
 * Output of the server benchmark: `bench/results/latest.json` (server figures plus the core
 * benchmark), a markdown table on stdout (the README's table) and `bench/results/chart.svg`.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { renderChart } from "./chart.js";
import { nodeMajor } from "./machine.js";
import type { PacedStreamsFigures } from "./paced-streams.js";
import type { ScenarioResult, ServerBenchResults, ServerFigures } from "./server.js";

/** The targets of issue 16 (restated against the encode-only floor), by scenario. */
export const TARGETS: Record<string, { text: string; met: (r: ScenarioResult) => boolean }> = {
  invoke_echo: { text: "≥ 0.85×", met: (r) => (r.ratio ?? 0) >= 0.85 },
  batch_echo: { text: "≥ 0.6×", met: (r) => (r.ratio ?? 0) >= 0.6 },
  stream_chat: { text: "≥ 0.65×", met: (r) => (r.ratio ?? 0) >= 0.65 },
  stream_log_chat: { text: "≥ 0.45×", met: (r) => (r.ratio ?? 0) >= 0.45 },
  stream_events_chat: { text: "≥ 0.45×", met: (r) => (r.ratio ?? 0) >= 0.45 },
  rag_stream: { text: "≥ 0.55×", met: (r) => (r.ratio ?? 0) >= 0.55 },
  ttfb_chat_c50: { text: "p50 < 3 ms", met: (r) => r.chainserve.p50_ms < 3 },
};

/** The targets of `paced_streams` (issue 16), by endpoint. */
export const PACED_TARGETS: Record<string, { cpu_us_per_token: number }> = {
  "/chat/stream": { cpu_us_per_token: 5 },
  "/chat/stream_events": { cpu_us_per_token: 15 },
};
/** TTFT overhead p99 (ms) and event-loop delay p99 (ms) allowed on every endpoint. */
export const PACED_TTFT_P99_MS = 1;
export const PACED_LOOP_P99_MS = 20;

const mark = (ok: boolean): string => (ok ? "✅" : "❌");

/** The `paced_streams` figures as a markdown table (empty when the scenario did not run). */
export function pacedMarkdown(paced: PacedStreamsFigures): string {
  const rows = Object.entries(paced.endpoints);
  if (rows.length === 0) return "";
  const lines = [
    `paced_streams: ${rows[0]?.[1].streams ?? 0} concurrent streams per endpoint, ${paced.tokens_per_stream} tokens ${paced.token_interval_ms} ms apart (~${Math.round((paced.tokens_per_stream * paced.token_interval_ms) / 1000)} s), starts spread over 1 s:`,
    "",
    "| endpoint | completed | CPU/token | TTFT overhead p50 / p99 | event-loop delay p99 | RSS per stream |",
    "|---|---|---|---|---|---|",
  ];
  for (const [endpoint, f] of rows) {
    const cpuTarget = PACED_TARGETS[endpoint]?.cpu_us_per_token;
    lines.push(
      `| ${endpoint} | ${f.completed}/${f.streams} ${mark(f.completed === f.streams)} | ${f.cpu_us_per_token} µs (kernel ${f.cpu_system_us_per_token})${cpuTarget === undefined ? "" : ` (< ${cpuTarget} ${mark(f.cpu_us_per_token < cpuTarget)})`} | ` +
        `${f.ttft_overhead_ms.p50} / ${f.ttft_overhead_ms.p99} ms (p99 < ${PACED_TTFT_P99_MS} ${mark(f.ttft_overhead_ms.p99 < PACED_TTFT_P99_MS)}) | ` +
        `${f.loop_delay_p99_ms} ms (< ${PACED_LOOP_P99_MS} ${mark(f.loop_delay_p99_ms < PACED_LOOP_P99_MS)}) | ${f.rss_kb_per_stream} kB |`,
    );
  }
  return lines.join("\n");
}

/** kB of RSS and of JS heap per idle stream allowed by the target. */
export const IDLE_TARGET_KB = 20;
export const IDLE_TARGET_HEAP_KB = 12;

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
    `**Node ${results.meta.node}** on ${results.meta.cpu_model}${results.meta.quick ? " (--quick)" : ""}`,
    "",
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
  const idleOk = idle.streams > 0 && idle.completed === idle.streams && idle.rss_kb_per_stream < IDLE_TARGET_KB && idle.heap_kb_per_stream < IDLE_TARGET_HEAP_KB;
  lines.push(
    "",
    `idle_streams: ${idle.completed}/${idle.streams} streams completed with \`event: end\`; RSS ${idle.rss_before_mb} MB idle, ` +
      idle.samples.map((sample) => `${sample.rss_mb} MB with ${sample.open} open`).join(", ") +
      ` = **${idle.rss_kb_per_stream} kB per stream** (slope of RSS against open streams; JS heap ${idle.heap_kb_per_stream} kB per stream) ` +
      `(target < ${IDLE_TARGET_KB} kB RSS and < ${IDLE_TARGET_HEAP_KB} kB heap, all complete ${idleOk ? "✅" : "❌"}).`,
    "",
    ...(Object.keys(results.paced_streams.endpoints).length > 0 ? [pacedMarkdown(results.paced_streams), ""] : []),
    `${results.meta.pinned ? "Server pinned to CPU 0, load generator to CPU 1 (taskset)" : "taskset not found: NOT pinned"}; ` +
      `${results.meta.connections} connections; ${results.meta.runs} runs of ${results.meta.run_seconds} s per server after ${results.meta.warmup_seconds} s warm-up, ` +
      `the two servers alternating; figures are medians over the runs, and the ratio is the median of the ratios of back-to-back pairs of runs; ` +
      `latency to last byte (ttfb rows: to the end of the first \`event: data\` frame; ratio = baseline p50 / chainserve p50). ` +
      `Node ${results.meta.node}, ${results.meta.cpu_model} (${results.meta.cpus} CPUs), 1-minute load average ${results.meta.load_average} at the start.`,
  );
  return lines.join("\n");
}

/**
 * Write `bench/results/latest.json` (`{ meta, scenarios, idle_streams, core }`) and
 * `bench/results/chart.svg`, print the markdown table, and keep a copy of both per Node
 * major version (`bench/results/node24.json`, `node24.md`) so that the README can show a run
 * on each supported version side by side.
 * @example
 * await writeServerResults(await runServerBench({ quick }), core);
 */
export async function writeServerResults(results: ServerBenchResults, coreResults: unknown, log: (text: string) => void = (t) => process.stdout.write(`${t}\n`)): Promise<void> {
  const dir = new URL("./results/", import.meta.url);
  await mkdir(dir, { recursive: true });
  const json = `${JSON.stringify({ ...results, core: coreResults }, null, 2)}\n`;
  const table = markdownTable(results);
  const major = nodeMajor(results.meta.node);
  await writeFile(new URL("latest.json", dir), json);
  await writeFile(new URL("chart.svg", dir), renderChart(results));
  await writeFile(new URL(`node${major}.json`, dir), json);
  await writeFile(new URL(`node${major}.md`, dir), `${table}\n`);
  log(table);
  log(`wrote bench/results/latest.json, chart.svg, node${major}.json and node${major}.md`);
}
