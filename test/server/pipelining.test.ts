import net from "node:net";
import Fastify, { type FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { Runnable, type RunnableConfig } from "../../src/core/index.js";
import { addRoutes, type AddRoutesOptions } from "../../src/server/index.js";
import { listenLocal } from "../e2e/listen.js";

/** Streams `chunks` strings of 1 kB (or answers invoke after `holdMs`), counting runs started. */
class Counted extends Runnable<unknown, string> {
  started = 0;
  running = 0;
  maxRunning = 0;
  constructor(readonly chunks: number, readonly holdMs = 0) {
    super();
  }
  override async invoke(): Promise<string> {
    this.enter();
    await new Promise((r) => setTimeout(r, this.holdMs));
    this.running--;
    return "done";
  }
  override async *_streamIterator(_input: unknown, _config?: RunnableConfig): AsyncGenerator<string> {
    this.enter();
    try {
      for (let i = 0; i < this.chunks; i++) yield "x".repeat(1024);
    } finally {
      this.running--;
    }
  }
  private enter(): void {
    this.started++;
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
  }
}

let app: FastifyInstance;
afterEach(async () => {
  await app.close();
});

async function serve(runnable: Runnable, options: Partial<AddRoutesOptions> = {}): Promise<number> {
  app = Fastify();
  await addRoutes(app, runnable, { path: "/p", ...options });
  return Number(new URL(await listenLocal(app)).port);
}

function pipelined(path: string, count: number): string {
  const body = '{"input":"go"}';
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`.repeat(count);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pipelined requests", () => {
  it("start one run at a time on a connection whose client does not read", async () => {
    // 20 MB per stream: far more than the socket buffers hold, so the first stream blocks.
    const runnable = new Counted(20_000);
    const port = await serve(runnable);
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.pause();
    socket.write(pipelined("/p/stream", 100));
    await sleep(1_500);
    expect(runnable.started).toBe(1);
    expect(runnable.maxRunning).toBe(1);
    socket.destroy();
  });

  it("answer in order, each run starting after the previous answer was written", async () => {
    const runnable = new Counted(0, 20);
    const port = await serve(runnable);
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    socket.write(pipelined("/p/invoke", 10));
    const deadline = Date.now() + 10_000;
    while ((text.match(/HTTP\/1\.1 200/g) ?? []).length < 10 && Date.now() < deadline) await sleep(10);
    expect((text.match(/HTTP\/1\.1 200/g) ?? []).length).toBe(10);
    expect(runnable.maxRunning).toBe(1);
    socket.destroy();
  });

  it("refuse requests beyond maxPipelinedRequests waiting with 503 OVERLOADED and close the connection", async () => {
    const runnable = new Counted(0, 1_000);
    const port = await serve(runnable, { maxPipelinedRequests: 4 });
    const socket = net.connect(port, "127.0.0.1");
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString("latin1")));
    const closed = new Promise((r) => socket.once("close", r));
    socket.write(pipelined("/p/invoke", 40));
    await closed;
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
    // The first runs at once, four wait their turn, the sixth is refused and ends the connection.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 503]);
    expect(text).toMatch(/retry-after: 1/i);
    expect(text).toContain('"code":"OVERLOADED"');
    expect(runnable.started).toBe(5);
  });

  it("start no run for requests still waiting when the client goes away", async () => {
    const runnable = new Counted(20_000);
    const port = await serve(runnable);
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((r) => socket.once("connect", r));
    socket.pause();
    socket.write(pipelined("/p/stream", 10));
    await sleep(500);
    socket.destroy();
    await sleep(500);
    expect(runnable.started).toBe(1);
    expect(runnable.running).toBe(0);
  });
});
