/**
 * `npm run bench`: the core benchmark (chainserve vs @langchain/core, one core).
 * Re-executes itself pinned to CPU 0 with taskset when available.
 */
import { spawnSync } from "node:child_process";
import { runCoreBench, writeCoreResults } from "./core.js";

const quick = process.argv.includes("--quick");

function hasTaskset(): boolean {
  return spawnSync("taskset", ["--version"], { stdio: "ignore" }).status === 0;
}

if (process.env.CHAINSERVE_BENCH_PINNED !== "1" && hasTaskset()) {
  const result = spawnSync("taskset", ["-c", "0", process.execPath, ...process.execArgv, process.argv[1] as string, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, CHAINSERVE_BENCH_PINNED: "1" },
  });
  process.exit(result.status ?? 1);
}

if (process.env.CHAINSERVE_BENCH_PINNED !== "1") process.stdout.write("taskset not found: running unpinned\n");
process.stdout.write(`core benchmark (${quick ? "quick" : "full"}), pinned to CPU 0\n`);
const core = await runCoreBench({ quick });
await writeCoreResults(core);
process.stdout.write("wrote bench/results/core.json\n");
