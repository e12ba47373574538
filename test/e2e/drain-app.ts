/**
 * A small app for the SIGTERM drain test (drain.test.ts), run as a child process, built from
 * the public API only: `/ticks` streams `n` numbers `ms` apart (a generator that ignores its
 * signal: the worst case for a drain), `/wait` answers after `ms`. `DEADLINE_MS` is the
 * shutdown deadline. Prints `LISTENING <url>` once it listens.
 */
import { setTimeout as sleep } from "node:timers/promises";
import Fastify from "fastify";
import { RunnableLambda } from "../../src/index.js";
import { addRoutes, handleShutdownSignals, healthPlugin } from "../../src/server/index.js";

const ticks = RunnableLambda.from(async function* (input: { n: number; ms: number }) {
  for (let i = 0; i < input.n; i++) {
    await sleep(input.ms);
    yield i;
  }
});
const wait = RunnableLambda.from(async (input: { ms: number }) => {
  await sleep(input.ms);
  return "done";
});

const app = Fastify({ logger: { level: "info" } });
await app.register(healthPlugin);
await addRoutes(app, ticks, { path: "/ticks" });
await addRoutes(app, wait, { path: "/wait" });
handleShutdownSignals(app, { deadlineMs: Number(process.env.DEADLINE_MS ?? "4000") });
const url = await app.listen({ host: "127.0.0.1", port: 0 });
process.stdout.write(`LISTENING ${url}\n`);
