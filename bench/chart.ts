/**
 * The server benchmark as a hand-made SVG (no charting dependency): horizontal grouped bars,
 * one panel for throughput (req/s, longer is better) and one for time to first data frame
 * (p50 ms, shorter is better), chainserve vs the baseline (vs LangServe when measured).
 */
import type { ServerBenchResults, ServerFigures } from "./server.js";

const COLORS = { chainserve: "#1856c2", baseline: "#9aa5b8", langserve: "#e0892b" } as const;
type Series = keyof typeof COLORS;

interface Group {
  label: string;
  note: string;
  bars: { series: Series; value: number; text: string }[];
}

const WIDTH = 900;
const LABEL_W = 170;
const BAR_H = 14;
const GAP = 16;
const PLOT_W = WIDTH - LABEL_W - 120;

function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** One panel; returns its SVG and height. */
function panel(title: string, groups: Group[], top: number): { svg: string; height: number } {
  const max = Math.max(1, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  let y = top + 28;
  let svg = `<text x="16" y="${top + 18}" font-size="15" font-weight="600">${esc(title)}</text>\n`;
  for (const group of groups) {
    const groupH = group.bars.length * BAR_H;
    svg += `<text x="${LABEL_W - 8}" y="${y + groupH / 2 - 2}" text-anchor="end" font-size="12">${esc(group.label)}</text>\n`;
    if (group.note !== "") svg += `<text x="${LABEL_W - 8}" y="${y + groupH / 2 + 11}" text-anchor="end" font-size="10" fill="#555">${esc(group.note)}</text>\n`;
    for (const bar of group.bars) {
      const w = Math.max(1, (bar.value / max) * PLOT_W);
      svg += `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H - 2}" fill="${COLORS[bar.series]}"><title>${bar.series}: ${esc(bar.text)}</title></rect>\n`;
      svg += `<text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 4}" font-size="10">${esc(bar.text)}</text>\n`;
      y += BAR_H;
    }
    y += GAP;
  }
  return { svg, height: y - top };
}

function bars(result: { chainserve: ServerFigures; baseline: ServerFigures; langserve?: ServerFigures }, pick: (f: ServerFigures) => number, unit: string): Group["bars"] {
  const out: Group["bars"] = [];
  for (const series of ["chainserve", "baseline", "langserve"] as const) {
    const figures = result[series];
    if (figures !== undefined) out.push({ series, value: pick(figures), text: `${fmt(pick(figures))}${unit}` });
  }
  return out;
}

/** The whole chart as an SVG document. */
export function renderChart(results: ServerBenchResults): string {
  const throughput: Group[] = [];
  const ttfb: Group[] = [];
  for (const [name, result] of Object.entries(results.scenarios)) {
    if (result.ratio_of === "ttfb_p50") {
      ttfb.push({ label: name, note: `p99 ${result.chainserve.p99_ms} vs ${result.baseline.p99_ms} ms`, bars: bars(result, (f) => f.p50_ms, " ms") });
    } else {
      throughput.push({ label: name, note: result.ratio === null ? "" : `${result.ratio}× baseline`, bars: bars(result, (f) => f.rps, " req/s") });
    }
  }
  const first = panel("Throughput, 50 connections (req/s to last byte, median of runs — longer is better)", throughput, 40);
  const second = panel("Time to first data frame on /chat/stream (p50 ms — shorter is better)", ttfb, 40 + first.height + 10);
  const idle = results.idle_streams;
  const footY = 40 + first.height + 10 + second.height + 10;
  const hasLangserve = Object.values(results.scenarios).some((r) => r.langserve !== undefined);
  const legend = (["chainserve", "baseline", ...(hasLangserve ? ["langserve" as const] : [])] as Series[])
    .map((s, i) => `<rect x="${16 + i * 170}" y="${footY}" width="12" height="12" fill="${COLORS[s]}"/><text x="${32 + i * 170}" y="${footY + 10}" font-size="12">${s === "baseline" ? "baseline (bare Fastify, same bytes)" : s}</text>`)
    .join("\n");
  const meta = results.meta;
  const footer =
    `<text x="16" y="${footY + 32}" font-size="11" fill="#333">idle_streams: ${idle.completed}/${idle.streams} streams completed, ${idle.rss_kb_per_stream} kB RSS per open stream. ` +
    `${meta.pinned ? "Server on CPU 0, load on CPU 1 (taskset)" : "NOT pinned (no taskset)"}; ${meta.runs} × ${meta.run_seconds} s runs; Node ${esc(meta.node)}${meta.quick ? "; --quick" : ""}.</text>\n` +
    `<text x="16" y="${footY + 46}" font-size="11" fill="#333">CPU: ${esc(meta.cpu_model)}.</text>`;
  const height = footY + 62;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="system-ui, sans-serif">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n` +
    `<text x="16" y="24" font-size="17" font-weight="700">chainserve vs a bare-Fastify baseline returning the same bytes</text>\n` +
    first.svg +
    second.svg +
    legend +
    "\n" +
    footer +
    "\n</svg>\n"
  );
}
