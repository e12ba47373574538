/**
 * Vitest global setup: builds the playground page (dist/playground, not committed) when it is
 * missing or older than its sources, so `npm test` works on a fresh clone. The browser and
 * server tests then serve the same files `npm pack` ships.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildPlayground } from "../scripts/build-playground.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUTPUT = join(ROOT, "dist/playground/index.html");
// The page bundles the client, which imports core and serde.
const SOURCES = ["playground", "src/client", "src/core", "src/serde"].map((dir) => join(ROOT, dir));

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** Runs once before all test files. */
export default async function setup(): Promise<void> {
  const built = existsSync(OUTPUT) ? statSync(OUTPUT).mtimeMs : 0;
  if (SOURCES.every((dir) => newest(dir) <= built)) return;
  await buildPlayground();
}
