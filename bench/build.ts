/**
 * Builds the benchmark's child entries into plain ES modules with esbuild, so the servers run
 * as deployed code does (compiled JavaScript) rather than through tsx. tsx compiles with
 * esbuild's `keepNames`, which wraps every nested function it creates in a `__name()` call
 * (an `Object.defineProperty` per closure, per call): a cost that lands on chainserve's
 * closures and hardly on the baseline's, and shows up in profiles as hot spots that do not
 * exist in a `tsc` build.
 *
 * The output goes to `node_modules/.cache/` (ignored by git, and two levels under the root
 * like `dist/server/`, so `createRequire(import.meta.url)("../../package.json")` still finds
 * the package). Dependencies stay external and resolve from `node_modules`.
 */
import { build } from "esbuild";
import { join } from "node:path";
import { REPO_ROOT } from "./children.js";

/** Where the built entries go. */
export const BUILD_DIR = join(REPO_ROOT, "node_modules", ".cache");

/** The built file of `bench/<name>.ts`. */
export function builtEntry(name: "server-main" | "load-main"): string {
  return join(BUILD_DIR, `chainserve-bench-${name}.mjs`);
}

/** Build both child entries (about a second). */
export async function buildBenchEntries(): Promise<void> {
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: ["bench/server-main.ts", "bench/load-main.ts"],
    outdir: BUILD_DIR,
    entryNames: "chainserve-bench-[name]",
    outExtension: { ".js": ".mjs" },
    bundle: true,
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    // Same output as tsc for our purposes: no minification, no keepNames.
    logLevel: "warning",
  });
}
