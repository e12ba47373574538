/**
 * Vitest global setup: builds the playground page (dist/playground, not committed) when it is
 * missing or older than its sources, so `npm test` works on a fresh clone. The browser and
 * server tests then serve the same files `npm pack` ships.
 */
import { buildPlayground } from "../scripts/build-playground.js";

/** Runs once before all test files. */
export default async function setup(): Promise<void> {
  await buildPlayground({ ifStale: true });
}
