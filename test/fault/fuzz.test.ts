/**
 * Fuzz: generated bad requests against the example app on a real socket → no 5xx (but `/boom`'s
 * designed failure), every 4xx a JSON error with a message, no prototype pollution, and the
 * server alive and quick afterwards. `FUZZ_RUNS` sets the count (`npm run fuzz`: 10,000).
 */
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../routes/app.js";
import { listenLocal } from "../e2e/listen.js";
import { getMountedChains } from "../../src/server/index.js";
import { fuzzRequest, MOUNTS, type FuzzRequest } from "./fuzz-requests.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 1_500);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

let app: FastifyInstance;
let pool: Pool;

beforeAll(async () => {
  app = await buildApp({ logger: false, env: {} });
  const base = await listenLocal(app);
  pool = new Pool(base, { connections: 4 });
});

afterAll(async () => {
  await pool.close();
  await app.close();
});

interface Outcome {
  status: number;
  contentType: string;
  text: string;
}

async function send(req: FuzzRequest): Promise<Outcome> {
  const res = await pool.request({ path: req.path, method: req.method as "POST", headers: req.headers, body: req.body });
  const text = await res.body.text();
  return { status: res.statusCode, contentType: String(res.headers["content-type"] ?? ""), text };
}

function problem(req: FuzzRequest, out: Outcome): string | undefined {
  if (out.status >= 500) {
    // /boom throws on every run by design: a well-formed request to it may get its 500.
    const designed = req.mount === "/boom" && reachesRun(req) && out.status === 500 && out.text.includes('"code":"INTERNAL"');
    if (!designed) return `status ${out.status}`;
  }
  if (out.status >= 400 && req.method !== "HEAD") {
    if (!out.contentType.startsWith("application/json")) return `4xx with content-type ${out.contentType}`;
    let body: { message?: unknown };
    try {
      body = JSON.parse(out.text) as { message?: unknown };
    } catch {
      return "4xx body is not JSON";
    }
    if (typeof body.message !== "string" || body.message === "") return "4xx without a message";
  }
  return undefined;
}

// Whether the request is one the server must run: POST to a run endpoint, a JSON
// object with `input` (or a list of `inputs` on batch).
function reachesRun(req: FuzzRequest): boolean {
  if (!req.wellFormed || req.body === undefined) return false;
  let body: unknown;
  try {
    body = JSON.parse(req.body.toString("utf8"));
  } catch {
    return false;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  return req.path.endsWith("/batch") ? Array.isArray((body as { inputs?: unknown }).inputs) : "input" in body;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

describe("fuzz", () => {
  it("covers every chain the example app mounts", () => {
    expect(getMountedChains(app).map((chain) => chain.path).sort()).toEqual([...MOUNTS].sort());
  });

  it(`answers ${RUNS} generated bad requests without a 5xx, every 4xx a JSON error with a message`, async () => {
    const byKind = new Map<string, number>();
    const byStatus = new Map<string, number>();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (req) => {
        const out = await send(req);
        byKind.set(req.kind.replace(/\+.*/, "+…"), (byKind.get(req.kind.replace(/\+.*/, "+…")) ?? 0) + 1);
        const status = out.status === 500 && req.mount === "/boom" ? "500 (/boom's designed failure)" : String(out.status);
        byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
        const bad = problem(req, out);
        if (bad !== undefined) throw new Error(`${bad}: ${req.method} ${req.path.slice(0, 120)} (${req.kind}) → ${out.text.slice(0, 200)}`);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `fuzz: ${RUNS} requests in ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}; kinds ${JSON.stringify(Object.fromEntries(byKind))}`,
    );
    expect([...byStatus.keys()].filter((s) => s.startsWith("5") && !s.includes("/boom"))).toEqual([]);
  }, 600_000);

  it("left Object.prototype untouched", () => {
    expect(Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN_OBJECT_KEYS.has(k))).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Array.prototype).not.toHaveProperty("polluted");
  });

  it("is alive and answers quickly afterwards", async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      const res = await pool.request({ path: "/chat/invoke", method: "POST", body: '{"input":{"topic":"bears"}}', headers: { "content-type": "application/json" } });
      const body = (await res.body.json()) as { output?: { content?: string } };
      latencies.push(performance.now() - t);
      expect(res.statusCode).toBe(200);
      expect(body.output?.content).toContain("bear feet");
    }
    latencies.sort((a, b) => a - b);
    console.log(`after fuzz: 200 /chat/invoke, p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms`);
    // Loose: the machine is shared; a wedged server would take seconds.
    expect(percentile(latencies, 99)).toBeLessThan(1_000);
  });
});

const BUILTIN_OBJECT_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
