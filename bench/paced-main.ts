/**
 * `npm run bench:paced`: only `paced_streams` (bench/paced-streams.ts), which `npm run bench`
 * also runs. Prints its table; writes no results file. `BENCH_NODE` is not read here: run it
 * with the Node you want (`.ci/node24/node_modules/.bin/node --import tsx bench/paced-main.ts`).
 */
import { moveSelfToCpu } from "./children.js";
import { machine } from "./machine.js";
import { pacedMarkdown } from "./report.js";
import { runServerBench } from "./server.js";

// The server pins itself to CPU 0; this orchestrator stays off it, with the load generator.
moveSelfToCpu(1);
const here = machine();
process.stdout.write(`Node ${here.node} on ${here.cpu_model}\n`);
const results = await runServerBench({ only: ["paced_streams"] });
process.stdout.write(`${pacedMarkdown(results.paced_streams)}\n`);
