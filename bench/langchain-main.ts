/**
 * `npm run bench:langchain` (`-- --quick` for a short run): only the LangChain.js serving
 * benchmark (bench/langchain-serving.ts), which `npm run bench` also runs last. Writes
 * `bench/results/langchain.json`.
 */
import { moveSelfToCpu } from "./children.js";
import { runLangChainServingBench, writeLangChainServingResult } from "./langchain-serving.js";

// The servers pin themselves to CPU 0; this orchestrator stays off it, with the load generator.
moveSelfToCpu(1);
await writeLangChainServingResult(await runLangChainServingBench({ quick: process.argv.includes("--quick") }));
process.stdout.write("wrote bench/results/langchain.json\n");
