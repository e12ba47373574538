/**
 * `npm run bench:floor` (`-- --quick` for a short run): the streaming scenarios of the server
 * benchmark with the encode-only floor (bench/floor-app.ts) in place of the example app, pinned
 * like the benchmark (server on CPU 0, load on CPU 1). Prints each scenario's ratio to the
 * baseline and the CPU per request of both, then what 0.6× (issue #5's streaming target) would
 * leave for everything but encoding and writing. Writes no results file.
 */
import { moveSelfToCpu } from "./children.js";
import { runServerBench } from "./server.js";

const quick = process.argv.includes("--quick");
const SCENARIOS = ["stream_chat", "stream_log_chat", "stream_events_chat", "rag_stream"];
const TARGET = 0.6;

// This process runs the load generator's side; keep it off the server's core.
moveSelfToCpu(1);

const results = await runServerBench({ quick, only: SCENARIOS, subject: "floor" });
process.stdout.write("\n| scenario | floor ratio | floor CPU/req | baseline CPU/req | left at 0.6× |\n|---|---|---|---|---|\n");
for (const name of SCENARIOS) {
  const scenario = results.scenarios[name];
  if (scenario === undefined) continue;
  const ours = scenario.chainserve.cpu_us_per_req;
  const ceiling = scenario.baseline.cpu_us_per_req;
  // At 0.6× the server may spend ceiling / 0.6 per request; the floor already spends `ours`.
  const left = ours === undefined || ceiling === undefined ? "?" : `${Math.round(ceiling / TARGET - ours)} µs`;
  process.stdout.write(`| ${name} | ${scenario.ratio}× | ${ours ?? "?"} µs | ${ceiling ?? "?"} µs | ${left} |\n`);
}
