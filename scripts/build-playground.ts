/**
 * `npm run build:playground`: builds the playground page (playground/, Vite) into
 * dist/playground/. It builds into a scratch folder and swaps it in with two renames, so a
 * server serving dist/playground (a test run while `npm pack` rebuilds) never sees it empty.
 */
import { existsSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Build the page into `dist/playground`.
 * @example
 * await buildPlayground();
 */
export async function buildPlayground(): Promise<void> {
  const target = join(ROOT, "dist/playground");
  const scratch = `${target}.${process.pid}.tmp`;
  const old = `${target}.${process.pid}.old`;
  await build({ configFile: join(ROOT, "playground/vite.config.ts"), logLevel: "warn", build: { outDir: scratch, emptyOutDir: true } });
  if (existsSync(target)) await rename(target, old);
  await rename(scratch, target);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await buildPlayground();
