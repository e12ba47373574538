/**
 * The run's `config.signal` on the non-streaming endpoints, over real sockets. The server builds
 * the signal only when the run reads it (src/server/request-signal.ts), so each test reads it
 * at a different moment: before the client leaves, after it left, after the response finished.
 */
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { ChainserveError } from "../../src/core/errors.js";
import { addRoutes } from "../../src/server/index.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function listen(runnable: RunnableLambda<any, any>): Promise<string> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/r" });
  return app.listen({ port: 0, host: "127.0.0.1" });
}

/** POSTs and disconnects after `ms`, before the answer. */
async function postAndLeave(url: string, body: unknown, ms: number): Promise<void> {
  const client = new AbortController();
  const pending = request(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, signal: client.signal });
  await sleep(ms);
  client.abort();
  await pending.then((res) => res.body.dump()).catch(() => undefined);
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(2);
  }
}

describe("the run's signal on invoke and batch", () => {
  it.each(["invoke", "batch"])("fires on %s within 100 ms of a disconnect when the run listens from the start", async (endpoint) => {
    let abortedAt: number | undefined;
    let reason: unknown;
    const base = await listen(RunnableLambda.from(async (_x: unknown, config: RunnableConfig) => {
      config.signal?.addEventListener("abort", () => {
        abortedAt = performance.now();
        reason = config.signal?.reason;
      });
      await sleep(400);
      return 1;
    }));
    const body = endpoint === "batch" ? { inputs: [1] } : { input: 1 };
    const leave = postAndLeave(`${base}/r/${endpoint}`, body, 50);
    await sleep(50);
    const leftAt = performance.now();
    await leave;
    await until(() => abortedAt !== undefined);
    expect(abortedAt! - leftAt).toBeLessThan(100);
    expect(reason).toBeInstanceOf(ChainserveError);
    expect((reason as ChainserveError).code).toBe("ABORTED");
  });

  it("reads as aborted when the run first looks after the client left", async () => {
    let seen: { aborted: boolean; reason: unknown; isSignal: boolean } | undefined;
    const base = await listen(RunnableLambda.from(async (_x: unknown, config: RunnableConfig) => {
      await sleep(200); // the client leaves meanwhile; nothing has read the signal yet
      const signal = config.signal;
      seen = { aborted: signal?.aborted === true, reason: signal?.reason, isSignal: signal instanceof AbortSignal };
      return 1;
    }));
    await postAndLeave(`${base}/r/invoke`, { input: 1 }, 50);
    await until(() => seen !== undefined);
    expect(seen).toMatchObject({ aborted: true, isSignal: true });
    expect((seen!.reason as ChainserveError).code).toBe("ABORTED");
  });

  it("stops a sequence between steps when the client left and no step read the signal", async () => {
    const steps: string[] = [];
    const first = RunnableLambda.from(async (x: number) => {
      steps.push("first");
      await sleep(200);
      return x + 1;
    });
    const second = RunnableLambda.from((x: number) => {
      steps.push("second");
      return x + 1;
    });
    await listen(first.pipe(second) as unknown as RunnableLambda<any, any>);
    const base = `http://127.0.0.1:${(app!.server.address() as { port: number }).port}`;
    await postAndLeave(`${base}/r/invoke`, { input: 1 }, 50);
    await sleep(300);
    expect(steps).toEqual(["first"]);
  });

  it("stays quiet for a run that finished before its connection closed", async () => {
    let kept: RunnableConfig | undefined;
    const base = await listen(RunnableLambda.from((x: number, config: RunnableConfig) => {
      kept = config; // not read now
      return x;
    }));
    const res = await request(`${base}/r/invoke`, { method: "POST", body: '{"input":1}', headers: { "content-type": "application/json", connection: "close" } });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    await sleep(50); // the socket is closed by now
    expect(kept?.signal).toBeInstanceOf(AbortSignal);
    expect(kept?.signal?.aborted).toBe(false);
  });
});
