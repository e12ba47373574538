/**
 * Slow clients: 100 readers that stop reading a long stream (server memory stays bounded, others
 * are served) and 300 slowloris connections trickling headers (normal requests still served),
 * both against the example app's Fastify options. Latencies are reported; the assertions are
 * loose because the machine is shared (targets: p99 < 50 ms).
 */
import net from "node:net";
import { loadavg } from "node:os";
import type { FastifyInstance } from "fastify";
import { Pool } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, SERVER_TIMEOUTS } from "../../routes/app.js";
import { listenLocal } from "../e2e/listen.js";
import { SlowStream } from "./storm-runnable.js";

// 50 MB per stream if nothing held it back: 5 GB for 100 readers.
const long = new SlowStream(50_000, 0, 1_024);

let app: FastifyInstance;
let port: number;
let pool: Pool;

beforeAll(async () => {
  app = await buildApp({
    logger: false,
    env: {},
    routes: [
      { runnable: long, options: { path: "/long" }, description: "a long stream" },
      { runnable: (await import("../../chains/echo.js")).echo, options: { path: "/echo" }, description: "echo" },
    ],
  });
  const base = await listenLocal(app);
  port = Number(new URL(base).port);
  pool = new Pool(base, { connections: 4 });
});

afterAll(async () => {
  await pool.close();
  await app.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function normalLatencies(count: number): Promise<{ p50: number; p99: number; ok: number }> {
  const latencies: number[] = [];
  let ok = 0;
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const res = await pool.request({ path: "/echo/invoke", method: "POST", body: `{"input":${i}}`, headers: { "content-type": "application/json" } });
    const body = (await res.body.json()) as { output?: unknown };
    latencies.push(performance.now() - t);
    if (res.statusCode === 200 && body.output === i) ok++;
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), ok };
}

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.once("error", reject);
  });
}

describe("slow clients", () => {
  it("run against the example app's socket timeouts", () => {
    expect(SERVER_TIMEOUTS).toEqual({ connectionTimeout: 60_000, requestTimeout: 30_000, keepAliveTimeout: 72_000 });
    expect(app.server.timeout).toBe(SERVER_TIMEOUTS.connectionTimeout);
    expect(app.server.requestTimeout).toBe(SERVER_TIMEOUTS.requestTimeout);
    expect(app.server.keepAliveTimeout).toBe(SERVER_TIMEOUTS.keepAliveTimeout);
  });

  it("holds bounded memory for 100 clients that stop reading a long stream, and serves the others", async () => {
    const before = await normalLatencies(100);
    const rssBefore = process.memoryUsage().rss;
    const sockets: net.Socket[] = [];
    for (let i = 0; i < 100; i++) {
      const body = `{"input":{"id":${i}}}`;
      const socket = await connect();
      socket.pause();
      socket.write(`POST /long/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      sockets.push(socket);
    }
    await sleep(3_000);
    const during = await normalLatencies(200);
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    const unfinished = [...long.runs.values()].filter((r) => !r.finished).length;
    console.log(
      `slow readers: 100 stuck streams, ${unfinished} runs paused mid-stream; RSS +${(rssGrowth / 1e6).toFixed(1)} MB; others p50 ${during.p50.toFixed(2)} / p99 ${during.p99.toFixed(2)} ms (before ${before.p50.toFixed(2)} / ${before.p99.toFixed(2)} ms); load average ${loadavg()[0]?.toFixed(1)}`,
    );
    for (const socket of sockets) socket.destroy();
    expect(during.ok).toBe(200);
    // Backpressure holds each stream at its socket buffers: the runs wait, unfinished.
    expect(unfinished).toBe(100);
    expect(rssGrowth).toBeLessThan(300e6);
    expect(during.p99).toBeLessThan(1_000);
  }, 60_000);

  it("keeps serving normal requests while 300 slowloris connections trickle their headers", async () => {
    const sockets: net.Socket[] = [];
    for (let i = 0; i < 300; i++) {
      const socket = await connect();
      socket.on("error", () => undefined);
      socket.write("POST /echo/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      sockets.push(socket);
    }
    let trickling = true;
    const trickle = (async () => {
      for (let n = 0; trickling; n++) {
        for (const socket of sockets) if (!socket.destroyed) socket.write(`X-Slow-${n}: 1\r\n`);
        await sleep(500);
      }
    })();
    await sleep(1_000);
    const during = await normalLatencies(200);
    trickling = false;
    await trickle;
    const open = sockets.filter((s) => !s.destroyed).length;
    for (const socket of sockets) socket.destroy();
    console.log(`slowloris: 300 connections trickling headers (${open} still open); normal requests ${during.ok}/200 OK, p50 ${during.p50.toFixed(2)} / p99 ${during.p99.toFixed(2)} ms; load average ${loadavg()[0]?.toFixed(1)}`);
    expect(during.ok).toBe(200);
    expect(during.p99).toBeLessThan(1_000);
  }, 60_000);
});
