/**
 * `npm run bench` (`-- --quick` for a short run): the core benchmark (chainserve vs
 * @langchain/core on one core), the client benchmark (ours vs LangChain.js 0.3's
 * RemoteRunnable) and the server benchmark (the example app vs bare Fastify handlers sending
 * the same bytes; server on CPU 0, load on CPU 1). Re-executes itself pinned to CPU 0 with
 * taskset when available, and moves to CPU 1 for the server benchmark (whose children pin
 * themselves).
 */
import { spawnSync } from "node:child_process";
import { hasTaskset, moveSelfToCpu } from "./children.js";
import { runClientBench } from "./client.js";
import { runLangChainServingBench, writeLangChainServingResult } from "./langchain-serving.js";
import { runCoreBench, writeCoreResults } from "./core.js";
import { runServerBench, writeServerResults } from "./server.js";

const quick = process.argv.includes("--quick");

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
process.stdout.write("wrote bench/results/core.json\n\nclient benchmark\n");
await runClientBench({ quick });
process.stdout.write("\nserver benchmark\n");
// This process holds what the core and client benchmarks left (a heap to collect, sockets):
// on CPU 0 it would take turns with the server under test. Move it, every thread, to the load
// generator's core, which has time to spare; the server children pin themselves to CPU 0.
if (process.env.CHAINSERVE_BENCH_PINNED === "1") moveSelfToCpu(1);
const server = await runServerBench({ quick, langserveUrl: process.env.LANGSERVE_URL });
await writeServerResults(server, core);
process.stdout.write("\nLangChain.js serving benchmark: a @langchain/core chain through chainserve vs a hand-written route\n");
await writeLangChainServingResult(await runLangChainServingBench({ quick }));
