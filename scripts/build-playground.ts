/**
 * `npm run build:playground`: builds the playground page (playground/, Vite) into
 * dist/playground/. It builds into a scratch folder and swaps it in with two renames, so a
 * server serving dist/playground (a test run while `npm pack` rebuilds) never sees it empty.
 * `--if-stale` (npm start, the test setup) skips the build when the page is newer than its
 * sources, so starting the app costs a directory scan, not a build.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TARGET = join(ROOT, "dist/playground");
// The page bundles the client, which imports core and serde.
const SOURCES = ["playground", "src/client", "src/core", "src/serde", "package-lock.json"].map((path) => join(ROOT, path));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Whether dist/playground is missing or older than a source file. */
export function playgroundStale(): boolean {
  const index = join(TARGET, "index.html");
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  return SOURCES.some((path) => existsSync(path) && newest(path) > built);
}

/**
 * Build the page into `dist/playground` (with `ifStale`, only when {@link playgroundStale}).
 * @example
 * await buildPlayground({ ifStale: true });
 */
export async function buildPlayground(options: { ifStale?: boolean } = {}): Promise<void> {
  if (options.ifStale === true && !playgroundStale()) return;
  // Loaded only when building: the freshness check alone stays fast.
  const { build } = await import("vite");
  const scratch = `${TARGET}.${process.pid}.tmp`;
  const old = `${TARGET}.${process.pid}.old`;
  await build({ configFile: join(ROOT, "playground/vite.config.ts"), logLevel: "warn", build: { outDir: scratch, emptyOutDir: true } });
  if (existsSync(TARGET)) await rename(TARGET, old);
  await rename(scratch, TARGET);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildPlayground({ ifStale: process.argv.includes("--if-stale") });
}
