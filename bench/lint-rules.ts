/**
 * `npm run bench:lint-rules`: instruction counts (valgrind's callgrind, steady on a loaded
 * machine where wall-clock is not) of the two constructs the lint config bans in `src/`
 * (object spread, generator functions created per call) against their replacements, on
 * every Node found: this process's, `.ci/node24/node_modules/.bin/node` when installed, and
 * `BENCH_NODE`. Per case: a process runs every case n times (the base), another runs that
 * case 2n times; the difference over n is the case's instructions per operation, start-up
 * and JIT warm-up cancelling out. V8 runs `--single-threaded` so the GC's work (promotion of
 * what the ring of results keeps alive) is on the counted thread. Writes
 * `bench/results/lint-rules.json`.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import { BUILD_DIR } from "./build.js";
import { REPO_ROOT } from "./children.js";
import { machine } from "./machine.js";

/** Banned construct, then the replacement the rule asks for. */
const PAIRS: readonly (readonly [string, string])[] = [
  ["spread_add_key", "copied_add_key"],
  ["spread_merge", "merged"],
  ["spread_copy", "copied"],
  ["generator_per_call", "generator_module_level"],
];
const CASES = PAIRS.flat();
const N = Number(process.env.LINT_BENCH_N ?? 20_000);

const entry = join(BUILD_DIR, "chainserve-bench-lint-rules.mjs");

/** Total instructions of one `node --single-threaded <entry> args…` under callgrind. */
function instructions(node: string, args: string[], tag: string): Promise<number> {
  const out = join(BUILD_DIR, `callgrind.${tag}.${process.pid}`);
  return new Promise((resolve, reject) => {
    const child = spawn("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, node, "--single-threaded", entry, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      const totals = existsSync(out) ? /^totals: (\d+)/m.exec(readFileSync(out, "utf8")) : null;
      rmSync(out, { force: true });
      if (code !== 0 || totals === null) reject(new Error(`callgrind ${tag} failed (${code}): ${stderr.slice(-500)}`));
      else resolve(Number(totals[1]));
    });
  });
}

/** Runs `jobs` two at a time (the machine's two cores). */
async function inPairs<T>(jobs: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await (jobs[i] as () => Promise<T>)();
    }
  };
  await Promise.all([worker(), worker()]);
  return results;
}

await build({ absWorkingDir: REPO_ROOT, entryPoints: ["bench/lint-rules-cases.ts"], outfile: entry, bundle: true, packages: "external", platform: "node", format: "esm", target: "node20", logLevel: "warning" });
const nodes = [...new Set([process.execPath, join(REPO_ROOT, ".ci/node24/node_modules/.bin/node"), process.env.BENCH_NODE].filter((p): p is string => p !== undefined && p !== "" && existsSync(p)))];
const results: Record<string, { node: string; cpu_model: string; n: number; noise_per_op: number; per_op: Record<string, number> }> = {};
for (const node of nodes) {
  const version = await new Promise<string>((resolve) => {
    const child = spawn(node, ["-p", "process.version"]);
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.on("exit", () => resolve(out.trim()));
  });
  process.stdout.write(`${version}: callgrind, ${CASES.length + 2} runs of about a minute each, two at a time\n`);
  const base = CASES.map((c) => `${c}=${N}`);
  const totals = await inPairs([
    () => instructions(node, base, "base1"),
    () => instructions(node, base, "base2"),
    ...CASES.map((c) => () => instructions(node, CASES.map((d) => `${d}=${d === c ? 2 * N : N}`), c)),
  ]);
  const [base1, base2, ...perCase] = totals as [number, number, ...number[]];
  const perOp: Record<string, number> = {};
  CASES.forEach((c, i) => (perOp[c] = Math.round(((perCase[i] as number) - (base1 + base2) / 2) / N)));
  results[version] = { node: version, cpu_model: machine().cpu_model, n: N, noise_per_op: Math.round(Math.abs(base1 - base2) / N), per_op: perOp };
}

const lines = ["| construct (banned) | replacement | " + Object.keys(results).map((v) => `${v}: banned / replacement (instructions per op)`).join(" | ") + " |", `|---|---|${Object.keys(results).map(() => "---|").join("")}`];
for (const [banned, replacement] of PAIRS) {
  const cells = Object.values(results).map((r) => {
    const a = r.per_op[banned] ?? 0;
    const b = r.per_op[replacement] ?? 0;
    return `${a} / ${b} (${b > 0 ? (a / b).toFixed(1) : "?"}×)`;
  });
  lines.push(`| \`${banned}\` | \`${replacement}\` | ${cells.join(" | ")} |`);
}
lines.push("", `Noise (two identical base runs, per op): ${Object.values(results).map((r) => `${r.node} ±${r.noise_per_op}`).join(", ")}; n = ${N}.`);
process.stdout.write(`${lines.join("\n")}\n`);
const dir = join(REPO_ROOT, "bench", "results");
await mkdir(dir, { recursive: true });
await writeFile(join(dir, "lint-rules.json"), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write("wrote bench/results/lint-rules.json\n");
