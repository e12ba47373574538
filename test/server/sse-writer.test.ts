import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { SseWriter } from "../../src/server/sse-writer.js";

/** What reached the "socket" of a fake response: one entry per write, the head marked. */
class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  headFlushedAlone = false;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {
    this.headFlushedAlone = true;
  }
  write(data: string): boolean {
    this.writes.push(data);
    return true;
  }
  end(data?: string): this {
    if (data !== undefined) this.writes.push(data);
    this.writes.push("<end>");
    return this;
  }
}

async function* frames(n: number): AsyncGenerator<string> {
  for (let i = 0; i < n; i++) yield `event: data\r\ndata: ${i}\r\n\r\n`;
}

/** Opens a writer and writes `n` frames from an async generator that never waits on I/O. */
async function run(raw: FakeResponse, n: number): Promise<void> {
  const writer = new SseWriter(raw as unknown as ServerResponse, { pingIntervalMs: 0 });
  writer.open(200, {});
  for await (const frame of frames(n)) writer.write(frame);
  // Still this turn: the head and the frames are pending together.
  await new Promise((resolve) => setImmediate(resolve));
  writer.end();
}

describe("SseWriter", () => {
  it("sends the head with the first frames when opened from a nextTick callback", async () => {
    // Fastify calls handlers from the request's `end` event, itself a nextTick callback: a flush
    // queued with nextTick there would run before the promise jobs that produce the frames.
    const raw = new FakeResponse();
    await new Promise<void>((resolve, reject) => process.nextTick(() => run(raw, 3).then(resolve, reject)));
    expect(raw.headFlushedAlone).toBe(false);
    expect(raw.writes).toEqual(["event: data\r\ndata: 0\r\n\r\nevent: data\r\ndata: 1\r\n\r\nevent: data\r\ndata: 2\r\n\r\n", "<end>"]);
  });

  it("sends the head with the first frames when opened from a promise job", async () => {
    const raw = new FakeResponse();
    await Promise.resolve().then(() => run(raw, 2));
    expect(raw.headFlushedAlone).toBe(false);
    expect(raw.writes).toHaveLength(2);
  });

  it("sends the head alone at the end of the turn when no frame is ready", async () => {
    const raw = new FakeResponse();
    const writer = new SseWriter(raw as unknown as ServerResponse, { pingIntervalMs: 0 });
    writer.open(200, {});
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw.headFlushedAlone).toBe(true);
    writer.end();
  });
});
