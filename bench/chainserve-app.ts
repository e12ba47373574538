/**
 * The server under test in the server benchmark: the example app (`routes/app.ts`) plus a
 * `/slow` chain for the `idle_streams` scenario, mounted with the public `addRoutes`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { FastifyInstance } from "fastify";
import { RunnableLambda } from "../src/index.js";
import { addRoutes } from "../src/server/index.js";
import { buildApp } from "../routes/app.js";

/** Tokens of the `/slow` chain, one per second. */
const SLOW_TOKENS = ["one", " two", " three", " four", " five"];

/**
 * `/slow`: streams five tokens a second apart — a model that keeps a stream open and
 * mostly idle. The wait honours `config.signal`, so a client that disconnects frees the run.
 */
export const slow = RunnableLambda.from(async function* (_input: unknown, config) {
  for (let i = 0; i < SLOW_TOKENS.length; i++) {
    if (i > 0) await sleep(1000, undefined, { signal: config.signal });
    yield SLOW_TOKENS[i] as string;
  }
});

/**
 * The example app with `/slow` added (not listening). Logging is off, as in the baseline:
 * the benchmark measures the server, not pino writing two lines per request to a pipe; and
 * `env: {}` keeps the fake chat model even when OPENAI_API_KEY is set.
 */
export async function createChainserveApp(): Promise<FastifyInstance> {
  const app = await buildApp({ logger: false, env: {} });
  await addRoutes(app, slow, { path: "/slow" });
  return app;
}
