/**
 * Disconnect storm: 1,000 streams aborted by their clients at random points (before the
 * headers, or after 0–10 events) → every run's signal fired, p99 abort → signal reported (target
 * < 100 ms, asserted loosely), no run left pulling, no handle or listener left behind, heap
 * within +10% after GC.
 */
import { loadavg } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import Fastify, { type FastifyInstance } from "fastify";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addRoutes } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";
import { SlowStream } from "./storm-runnable.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const STREAMS = 1_000;
const CONCURRENT = 50;
const ENDPOINTS = ["stream", "stream_log", "stream_events"] as const;

let app: FastifyInstance;
let base: string;
// A token every 20 ms: 100 streams at once stay within what the shared machine can serve.
const model = new SlowStream(1_000, 20);

beforeAll(async () => {
  app = Fastify();
  await addRoutes(app, model, { path: "/m" });
  base = await listenLocal(app);
});

afterAll(async () => {
  await app.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settledHeap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
  return process.memoryUsage().heapUsed;
}

/** One stream, aborted after `events` events (or before its headers when -1); resolves with the abort time. */
async function abortedStream(pool: Pool, id: number, endpoint: string, events: number): Promise<number> {
  const controller = new AbortController();
  const body = JSON.stringify({ input: { id } });
  if (events < 0) {
    const pending = pool.request({ path: `/m/${endpoint}`, method: "POST", body, headers: { "content-type": "application/json" }, signal: controller.signal });
    pending.catch(() => undefined);
    await sleep(Math.random() * 3);
    const at = performance.now();
    controller.abort();
    await pending.catch(() => undefined);
    return at;
  }
  const res = await pool.request({ path: `/m/${endpoint}`, method: "POST", body, headers: { "content-type": "application/json" }, signal: controller.signal });
  let seen = 0;
  try {
    for await (const chunk of res.body) {
      seen += (String(chunk).match(/\r\n\r\n/g) ?? []).length;
      if (seen > events) break;
    }
  } catch {
    // aborted
  }
  const at = performance.now();
  controller.abort();
  res.body.destroy();
  return at;
}

describe("disconnect storm", () => {
  it(`fires the signal of every run of ${STREAMS} aborted streams, quickly, and leaks nothing`, async () => {
    const warm = new Pool(base, { connections: CONCURRENT });
    await Promise.all(Array.from({ length: 50 }, (_, i) => abortedStream(warm, -1 - i, "stream", 2)));
    await warm.close();
    await sleep(200);
    const handlesBefore = process.getActiveResourcesInfo().length;
    const heapBefore = await settledHeap();
    model.runs.clear();

    const pool = new Pool(base, { connections: CONCURRENT });
    const abortedAt = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (next < STREAMS) {
          const id = next++;
          const events = Math.random() < 0.1 ? -1 : Math.floor(Math.random() * 11);
          abortedAt.set(id, await abortedStream(pool, id, ENDPOINTS[id % ENDPOINTS.length] as string, events));
        }
      }),
    );
    await pool.close();
    const deadline = Date.now() + 5_000;
    while ([...model.runs.values()].some((r) => !r.finished) && Date.now() < deadline) await sleep(20);

    const runs = [...model.runs.entries()];
    const fired = runs.filter(([, r]) => r.abortedAt !== undefined);
    const delays = fired.map(([id, r]) => Math.max(0, (r.abortedAt as number) - (abortedAt.get(id) as number))).sort((a, b) => a - b);
    const p = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? Number.NaN;
    const pulled = runs.reduce((n, [, r]) => n + r.pulledAfterAbort, 0);
    const pulledBy = ENDPOINTS.map((e, k) => `${e} ${runs.filter(([id]) => id % ENDPOINTS.length === k).reduce((n, [, r]) => n + r.pulledAfterAbort, 0)}`).join(", ");
    console.log(`pulled after abort by endpoint: ${pulledBy}`);
    await sleep(200);
    const heapAfter = await settledHeap();
    const handlesAfter = process.getActiveResourcesInfo().length;
    console.log(
      `storm: ${STREAMS} streams, ${runs.length} runs started, ${fired.length} signals fired, abort→signal p50 ${p(0.5).toFixed(1)} / p99 ${p(0.99).toFixed(1)} / max ${p(1).toFixed(1)} ms; chunks pulled after abort ${pulled}; heap ${(heapBefore / 1e6).toFixed(1)} → ${(heapAfter / 1e6).toFixed(1)} MB; handles ${handlesBefore} → ${handlesAfter}; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    expect(runs.length).toBeGreaterThan(STREAMS * 0.8);
    expect(fired.length).toBe(runs.length);
    expect(runs.every(([, r]) => r.finished)).toBe(true);
    expect(pulled).toBe(0);
    // The target is 100 ms; asserted loosely because client and server share one event loop on
    // a shared machine (the log line gives the figure and the load). A broken abort path would
    // leave signals unfired or fire them only when the run ends (seconds here).
    expect(p(0.99)).toBeLessThan(2_000);
    expect(handlesAfter).toBeLessThanOrEqual(handlesBefore);
    expect(heapAfter).toBeLessThan(heapBefore * 1.1);
  }, 120_000);
});
