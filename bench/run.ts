/**
 * `npm run bench` (`-- --quick` for a short run): the core benchmark (chainserve vs
 * @langchain/core on one core), the client benchmark (ours vs LangChain.js 0.3's
 * RemoteRunnable) and the server benchmark (the example app vs bare Fastify handlers sending
 * the same bytes; server on CPU 0, load on CPU 1). Re-executes itself pinned to CPU 0 with
 * taskset when available, and moves to CPU 1 for the server benchmark (whose children pin
 * themselves). `BENCH_NODE=/path/to/node` runs all of it on that Node (see below).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { machine } from "./machine.js";
import { hasTaskset, moveSelfToCpu } from "./children.js";
import { runClientBench } from "./client.js";
import { runLangChainServingBench, writeLangChainServingResult } from "./langchain-serving.js";
import { runCoreBench, writeCoreResults } from "./core.js";
import { runServerBench, writeServerResults } from "./server.js";

const quick = process.argv.includes("--quick");

// BENCH_NODE=/path/to/node runs the whole benchmark, children included (they are started
// with process.execPath), on that Node: e.g. `BENCH_NODE=.ci/node24/node_modules/.bin/node
// npm run bench`. The re-executed process keeps tsx's loader flags (process.execArgv).
const benchNode = process.env.BENCH_NODE === undefined || process.env.BENCH_NODE === "" ? undefined : resolve(process.env.BENCH_NODE);
const onBenchNode = benchNode === undefined || benchNode === process.execPath || process.env.CHAINSERVE_BENCH_NODE_SET === "1";
const pin = process.env.CHAINSERVE_BENCH_PINNED !== "1" && hasTaskset();
if (!onBenchNode || pin) {
  const node = [benchNode ?? process.execPath, ...process.execArgv, process.argv[1] as string, ...process.argv.slice(2)];
  const [command, ...args] = pin ? ["taskset", "-c", "0", ...node] : node;
  const result = spawnSync(command as string, args, {
    stdio: "inherit",
    env: { ...process.env, CHAINSERVE_BENCH_PINNED: pin ? "1" : (process.env.CHAINSERVE_BENCH_PINNED ?? ""), CHAINSERVE_BENCH_NODE_SET: "1" },
  });
  if (result.error !== undefined) process.stderr.write(`could not start ${command}: ${result.error.message}\n`);
  process.exit(result.status ?? 1);
}

if (process.env.CHAINSERVE_BENCH_PINNED !== "1") process.stdout.write("taskset not found: running unpinned\n");
const here = machine();
process.stdout.write(`Node ${here.node} on ${here.cpu_model} (${here.cpus} CPUs)\ncore benchmark (${quick ? "quick" : "full"}), pinned to CPU 0\n`);
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
process.stdout.write(`\nbenchmark took ${Math.round(performance.now() / 1000)} s on Node ${here.node} (${here.cpu_model})\n`);
