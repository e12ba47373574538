import Fastify, { type FastifyInstance } from "fastify";
import { request } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { Runnable, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

/** Waits a little (or until aborted), counting the items in flight and keeping every signal it saw. */
class Tracker extends Runnable<number, number> {
  inFlight = 0;
  maxInFlight = 0;
  readonly signals: AbortSignal[] = [];
  constructor(readonly holdMs: number) {
    super();
  }
  override async invoke(input: number, config?: RunnableConfig): Promise<number> {
    const signal = config?.signal as AbortSignal;
    this.signals.push(signal);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, this.holdMs);
        signal.addEventListener("abort", () => {
          clearTimeout(timer);
          reject(signal.reason as Error);
        }, { once: true });
      });
      return input * 2;
    } finally {
      this.inFlight--;
    }
  }
}

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

async function mount(runnable: Runnable, options: Partial<AddRoutesOptions> = {}): Promise<void> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/t", ...options });
}

const batch = (inputs: unknown[], config?: unknown) =>
  app.inject({ method: "POST", url: "/t/batch", payload: JSON.stringify({ inputs, config }), headers: { "content-type": "application/json" } });

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("batch limits", () => {
  it("refuses more than maxBatchSize inputs with a 422 that says so", async () => {
    await mount(new Tracker(0));
    const res = await batch(range(1001));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: "BAD_REQUEST" });
    expect(res.json().message).toContain("at most 1000 inputs (maxBatchSize); got 1001");
    expect((await batch(range(1000))).statusCode).toBe(200);
  });

  it("refuses 100,000 inputs at once, before any run starts", async () => {
    const tracker = new Tracker(0);
    await mount(tracker);
    const res = await batch(range(100_000));
    expect(res.statusCode).toBe(422);
    expect(tracker.signals).toHaveLength(0);
  });

  it("runs at most maxBatchConcurrency items at once, outputs in order", async () => {
    const tracker = new Tracker(2);
    await mount(tracker);
    const res = await batch(range(200));
    expect(res.statusCode).toBe(200);
    expect(res.json().output).toEqual(range(200).map((i) => i * 2));
    expect(tracker.maxInFlight).toBe(16);
  });

  it("lets a client's max_concurrency lower the cap but never raise it", async () => {
    const low = new Tracker(2);
    await mount(low, { configKeys: ["max_concurrency"], maxBatchConcurrency: 8 });
    await batch(range(60), { max_concurrency: 3 });
    expect(low.maxInFlight).toBe(3);
    await app.close();
    const high = new Tracker(2);
    await mount(high, { configKeys: ["max_concurrency"], maxBatchConcurrency: 8 });
    await batch(range(60), { max_concurrency: 1000 });
    expect(high.maxInFlight).toBe(8);
  });

  it("gives every item its own signal, and fires each one when the client leaves", async () => {
    const tracker = new Tracker(60_000);
    await mount(tracker, { maxBatchConcurrency: 50 });
    const base = await listenLocal(app);
    const controller = new AbortController();
    const pending = request(`${base}/t/batch`, {
      method: "POST",
      body: JSON.stringify({ inputs: range(100) }),
      headers: { "content-type": "application/json" },
      signal: controller.signal,
    }).catch((error: unknown) => error);
    while (tracker.signals.length < 50) await new Promise((r) => setTimeout(r, 5));
    expect(new Set(tracker.signals).size).toBe(50);
    controller.abort();
    await pending;
    const deadline = Date.now() + 5_000;
    while (tracker.signals.some((s) => !s.aborted) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(tracker.signals.every((s) => s.aborted)).toBe(true);
    expect(tracker.signals.every((s) => (s.reason as { code?: string }).code === "ABORTED")).toBe(true);
    // The items not started yet never start: the batch failed with the first abort.
    await new Promise((r) => setTimeout(r, 50));
    expect(tracker.signals).toHaveLength(50);
  });

  it("rejects a bad maxBatchSize or maxBatchConcurrency at boot", async () => {
    app = Fastify();
    await expect(addRoutes(app, new Tracker(0), { path: "/a", maxBatchSize: -1 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
    await expect(addRoutes(app, new Tracker(0), { path: "/b", maxBatchConcurrency: 1.5 })).rejects.toMatchObject({ code: "INVALID_OPTIONS" });
  });
});
