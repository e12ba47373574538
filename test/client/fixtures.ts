/**
 * A real chainserve server on 127.0.0.1:0 with small fake chains, for the client tests:
 * `/echo` (identity), `/chat` (prompt → FakeChatModel telling {@link JOKE}), `/boom`
 * (throws), `/picky` (upper-cases, throws on "bad"), `/half` (streams two chunks, then
 * throws), `/slow` (streams "a", then waits for an abort and records it), `/quiet` (streams
 * "a", then stays silent for `ms`; `/pinged` is the same with pings every 50 ms) and
 * `/headers` (returns the request headers it saw).
 */
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { ChatPromptTemplate, FakeChatModel, RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

/** The fake model's joke (the captures' joke). */
export const JOKE = "Why don't bears wear shoes? Because they have bear feet!";

/** A running test server. */
export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /**
   * Call before a `/slow` request: resolves when that run's signal fires on the server (the
   * server noticed the client leave).
   */
  nextSlowAbort: () => Promise<void>;
  /** Stop the server. */
  close: () => Promise<void>;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Start the server; call `close()` in `afterAll`. */
export async function startTestServer(): Promise<TestServer> {
  const app: FastifyInstance = Fastify({ logger: false });
  const waiters: (() => void)[] = [];

  const chat = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [JOKE] }));
  const slow = RunnableLambda.from(async function* (_input: unknown, config: RunnableConfig) {
    yield "a";
    await new Promise<void>((resolve) => config.signal?.addEventListener("abort", () => resolve()));
    waiters.shift()?.();
  });
  const quiet = RunnableLambda.from(async function* (input: { ms: number }, config: RunnableConfig) {
    yield "a";
    await sleep(input.ms, config.signal);
    yield "b";
  });
  const half = RunnableLambda.from(async function* () {
    yield "one";
    yield "two";
    throw new Error("half-way failure");
  });
  await addRoutes(app, RunnableLambda.from((input: unknown) => input), { path: "/echo" });
  await addRoutes(app, chat, { path: "/chat", inputSchema: z.object({ topic: z.string() }) });
  await addRoutes(app, RunnableLambda.from((_input: unknown): unknown => { throw new Error("boom"); }), { path: "/boom" });
  await addRoutes(app, half, { path: "/half" });
  const picky = RunnableLambda.from((input: string) => {
    if (input === "bad") throw new Error("bad input");
    return input.toUpperCase();
  });
  await addRoutes(app, picky, { path: "/picky" });
  await addRoutes(app, slow, { path: "/slow" });
  await addRoutes(app, quiet, { path: "/quiet", pingIntervalMs: 0 });
  await addRoutes(app, quiet, { path: "/pinged", pingIntervalMs: 50 });
  app.post("/headers/invoke", async (request) => ({ output: request.headers, metadata: { run_id: "h", feedback_tokens: [] } }));
  const base = await listenLocal(app);
  return {
    base,
    nextSlowAbort: () => new Promise<void>((resolve) => waiters.push(resolve)),
    close: () => app.close(),
  };
}
