/**
 * The per-mount limits over real sockets: the run gate and its bounded queue (503 OVERLOADED
 * with Retry-After), the body limit (413 PAYLOAD_TOO_LARGE), the run timeout (504 TIMEOUT on
 * invoke and batch, a terminal `event: error` frame with code TIMEOUT on streams) and the
 * maximum stream duration; the load figures metrics read; bad limit options at boot.
 */
import { setTimeout as sleep } from "node:timers/promises";
import Fastify, { type FastifyInstance } from "fastify";
import { Agent, request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { RunnableLambda, type RunnableConfig } from "../../src/core/index.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { addRoutes, getMountedChains, type AddRoutesOptions } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A runnable whose runs wait until `release()`; `started` counts the runs that began. */
function held() {
  let open!: () => void;
  let gate = new Promise<void>((r) => (open = r));
  const state = {
    started: 0,
    release(): void {
      open();
      gate = new Promise<void>((r) => (open = r));
    },
    runnable: RunnableLambda.from(async (x: unknown) => {
      state.started++;
      await gate;
      return x;
    }),
  };
  return state;
}

async function serve(runnable: RunnableLambda<any, any>, options: Omit<AddRoutesOptions, "path">): Promise<string> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/r", ...options });
  return listenLocal(app);
}

function post(url: string, body: unknown) {
  return request(url, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } });
}

async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}

const load = () => getMountedChains(app as FastifyInstance)[0]?.load as { active(): number; queued(): number; rejected(): Record<string, number> };

describe("maxConcurrentRuns", () => {
  it("runs up to the limit, queues up to maxQueuedRuns, and refuses the next with 503 OVERLOADED and Retry-After", async () => {
    const h = held();
    const base = await serve(h.runnable, { maxConcurrentRuns: 1, maxQueuedRuns: 1, retryAfterSeconds: 3 });
    const first = post(`${base}/r/invoke`, { input: 1 });
    await until(() => h.started === 1);
    const second = post(`${base}/r/invoke`, { input: 2 });
    await until(() => load().queued() === 1);
    expect(load().active()).toBe(1);

    const third = await post(`${base}/r/invoke`, { input: 3 });
    expect(third.statusCode).toBe(503);
    expect(third.headers["retry-after"]).toBe("3");
    expect(await third.body.json()).toEqual({ detail: expect.any(String), message: expect.stringContaining("retry"), code: "OVERLOADED" });
    expect(load().rejected()).toEqual({ invoke: 1 });
    expect(h.started).toBe(1);

    h.release();
    const a = await first;
    expect(await a.body.json()).toMatchObject({ output: 1 });
    await until(() => h.started === 2);
    h.release();
    expect(await (await second).body.json()).toMatchObject({ output: 2 });
    await until(() => load().active() === 0);
    expect(load().queued()).toBe(0);
  });

  it("counts a stream as a run for as long as it is open, and refusals per endpoint", async () => {
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const runnable = RunnableLambda.from(async function* (x: number) {
      yield x;
      await gate;
      yield x + 1;
    });
    const base = await serve(runnable, { maxConcurrentRuns: 1, maxQueuedRuns: 0 });
    const stream = await post(`${base}/r/stream`, { input: 1 });
    await until(() => load().active() === 1);
    const refused = await post(`${base}/r/stream_log`, { input: 1 });
    expect(refused.statusCode).toBe(503);
    expect((await refused.body.json()) as { code: string }).toMatchObject({ code: "OVERLOADED" });
    const batch = await post(`${base}/r/batch`, { inputs: [1] });
    expect(batch.statusCode).toBe(503);
    await batch.body.dump();
    expect(load().rejected()).toEqual({ stream_log: 1, batch: 1 });
    open();
    expect(await stream.body.text()).toContain("event: end");
    await until(() => load().active() === 0);
    const after = await post(`${base}/r/batch`, { inputs: [5] });
    // The generator's chunks 5 and 6, concatenated.
    expect(await after.body.json()).toMatchObject({ output: [11] });
  });

  it("refuses a queued request with OVERLOADED when no slot frees within queueTimeoutMs", async () => {
    const h = held();
    const base = await serve(h.runnable, { maxConcurrentRuns: 1, queueTimeoutMs: 50 });
    const first = post(`${base}/r/invoke`, { input: 1 });
    await until(() => h.started === 1);
    const waited = await post(`${base}/r/invoke`, { input: 2 });
    expect(waited.statusCode).toBe(503);
    expect(((await waited.body.json()) as { code: string }).code).toBe("OVERLOADED");
    expect(load().queued()).toBe(0);
    h.release();
    await (await first).body.dump();
    expect(h.started).toBe(1);
  });

  it("drops a queued request whose client left, without running it", async () => {
    const h = held();
    const base = await serve(h.runnable, { maxConcurrentRuns: 1 });
    const first = post(`${base}/r/invoke`, { input: 1 });
    await until(() => h.started === 1);
    const leaving = new AbortController();
    const agent = new Agent();
    const gone = request(`${base}/r/invoke`, { method: "POST", body: '{"input":2}', signal: leaving.signal, dispatcher: agent }).catch(() => undefined);
    await until(() => load().queued() === 1);
    leaving.abort();
    await gone;
    await until(() => load().queued() === 0);
    h.release();
    await (await first).body.dump();
    await sleep(20);
    expect(h.started).toBe(1);
    expect(load().active()).toBe(0);
    await agent.destroy();
  });
});

describe("bodyLimit", () => {
  it("answers a body over the mount's limit with 413 PAYLOAD_TOO_LARGE, and other mounts keep the app's limit", async () => {
    app = Fastify();
    const echo = RunnableLambda.from((x: unknown) => x);
    await addRoutes(app, echo, { path: "/small", bodyLimit: 100 });
    await addRoutes(app, echo, { path: "/big" });
    const base = await listenLocal(app);
    const body = { input: "x".repeat(200) };
    for (const endpoint of ["invoke", "batch", "stream"]) {
      const res = await post(`${base}/small/${endpoint}`, endpoint === "batch" ? { inputs: [body.input] } : body);
      expect(res.statusCode).toBe(413);
      expect(await res.body.json()).toEqual({ detail: "Request body is too large", message: "Request body is too large", code: "PAYLOAD_TOO_LARGE" });
    }
    const ok = await post(`${base}/big/invoke`, body);
    expect(ok.statusCode).toBe(200);
    await ok.body.dump();
  });
});

describe("runTimeoutMs", () => {
  it.each(["invoke", "batch"])("answers %s with 504 TIMEOUT, aborts the run's signal and frees the slot, even when the run ignores its signal", async (endpoint) => {
    let reason: unknown;
    const never = RunnableLambda.from((_x: unknown, config: RunnableConfig) => {
      config.signal?.addEventListener("abort", () => (reason = config.signal?.reason));
      return new Promise(() => undefined);
    });
    const base = await serve(never, { runTimeoutMs: 100, maxConcurrentRuns: 1 });
    const res = await post(`${base}/r/${endpoint}`, endpoint === "batch" ? { inputs: [1] } : { input: 1 });
    expect(res.statusCode).toBe(504);
    expect(await res.body.json()).toEqual({ detail: "The run exceeded its timeout of 100 ms", message: "The run exceeded its timeout of 100 ms", code: "TIMEOUT" });
    expect((reason as { code?: string } | undefined)?.code).toBe("TIMEOUT");
    expect(load().active()).toBe(0);
  });

  it.each(["stream", "stream_log", "stream_events"])("ends %s with one terminal event: error frame with code TIMEOUT and a clean end", async (endpoint) => {
    const stuck = RunnableLambda.from(async function* (x: number) {
      yield x;
      await new Promise(() => undefined);
    });
    const base = await serve(stuck, { runTimeoutMs: 150 });
    const res = await post(`${base}/r/${endpoint}`, { input: 1 });
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(text.endsWith('event: error\r\ndata: {"status_code": 504, "message": "The run exceeded its timeout of 150 ms", "code": "TIMEOUT"}\r\n\r\n')).toBe(true);
    expect(text.match(/event: error/g)).toHaveLength(1);
    expect(text).toContain("event: data");
    expect(load().active()).toBe(0);
  });

  it("reaches chainserve's client as a TIMEOUT error on a stream", async () => {
    const stuck = RunnableLambda.from(async function* (x: number) {
      yield x;
      await new Promise(() => undefined);
    });
    const base = await serve(stuck, { runTimeoutMs: 100 });
    const remote = new RemoteRunnable<number, number>({ url: `${base}/r` });
    const chunks: number[] = [];
    const error = await (async () => {
      for await (const chunk of await remote.stream(1)) chunks.push(chunk);
    })().catch((e: unknown) => e);
    expect(chunks).toEqual([1]);
    expect(error).toMatchObject({ code: "TIMEOUT", status: 504 });
  });
});

describe("maxStreamDurationMs", () => {
  it("ends a stream that is still producing at the limit with a TIMEOUT frame, and leaves invokes alone", async () => {
    const ticking = RunnableLambda.from(async function* (n: number) {
      for (let i = 0; i < n; i++) {
        await sleep(20);
        yield i;
      }
    });
    const base = await serve(ticking, { maxStreamDurationMs: 200, runTimeoutMs: 60_000 });
    const text = await (await post(`${base}/r/stream`, { input: 1_000_000 })).body.text();
    expect(text).toMatch(/event: data\r\n/);
    expect(text.endsWith('data: {"status_code": 504, "message": "The stream exceeded its maximum duration of 200 ms", "code": "TIMEOUT"}\r\n\r\n')).toBe(true);
    const invoke = RunnableLambda.from(async (x: number) => {
      await sleep(300);
      return x;
    });
    await app?.close();
    const base2 = await serve(invoke, { maxStreamDurationMs: 100 });
    expect(await (await post(`${base2}/r/invoke`, { input: 7 })).body.json()).toMatchObject({ output: 7 });
  });
});

describe("limit options", () => {
  it.each([
    [{ maxConcurrentRuns: 0 }, "maxConcurrentRuns"],
    [{ maxConcurrentRuns: 1.5 }, "maxConcurrentRuns"],
    [{ maxQueuedRuns: 3 }, "maxQueuedRuns"],
    [{ bodyLimit: -1 }, "bodyLimit"],
    [{ runTimeoutMs: 0 }, "runTimeoutMs"],
    [{ maxStreamDurationMs: Number.NaN }, "maxStreamDurationMs"],
    [{ queueTimeoutMs: "1s" }, "queueTimeoutMs"],
  ])("rejects %j at boot with INVALID_OPTIONS", async (options, name) => {
    const bad = Fastify();
    await expect(addRoutes(bad, RunnableLambda.from((x: unknown) => x), { path: "/r", ...(options as object) })).rejects.toMatchObject({
      code: "INVALID_OPTIONS",
      message: expect.stringContaining(name),
    });
    await bad.close();
  });
});
