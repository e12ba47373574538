import { EventEmitter } from "node:events";
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { SseWriter } from "../../src/server/sse-writer.js";

/** What reached the "socket" of a fake response: one entry per write, the head marked. */
class FakeResponse extends EventEmitter {
  readonly writes: string[] = [];
  /** The encoding of each entry of `writes` (`<end>` has none). */
  readonly encodings: (string | undefined)[] = [];
  headFlushedAlone = false;
  writeHead(): this {
    return this;
  }
  flushHeaders(): void {
    this.headFlushedAlone = true;
  }
  write(data: string, encoding?: string): boolean {
    this.writes.push(data);
    this.encodings.push(encoding);
    return true;
  }
  end(data?: string, encoding?: string): this {
    if (data !== undefined) {
      this.writes.push(data);
      this.encodings.push(encoding);
    }
    this.writes.push("<end>");
    this.encodings.push(undefined);
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

  it("writes latin1 only when every frame of the write was declared ASCII", async () => {
    const raw = new FakeResponse();
    const writer = new SseWriter(raw as unknown as ServerResponse, { pingIntervalMs: 0 });
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    writer.open(200, {});
    writer.write("event: data\r\ndata: 1\r\n\r\n", true);
    writer.write("event: data\r\ndata: 2\r\n\r\n", true);
    await turn();
    writer.write("event: data\r\ndata: 3\r\n\r\n", true);
    writer.write('event: data\r\ndata: "caf\u00e9"\r\n\r\n');
    await turn();
    // A write after a UTF-8 one starts ASCII again; an undeclared frame is UTF-8.
    writer.write("event: data\r\ndata: 4\r\n\r\n", true);
    await turn();
    writer.write("event: data\r\ndata: 5\r\n\r\n");
    await turn();
    writer.write("event: data\r\ndata: 6\r\n\r\n", true);
    writer.end('event: error\r\ndata: "\u00fc"\r\n\r\n', false);
    expect(raw.encodings).toEqual(["latin1", "utf8", "latin1", "utf8", "utf8", undefined]);
    const ascii = new FakeResponse();
    const other = new SseWriter(ascii as unknown as ServerResponse, { pingIntervalMs: 0 });
    other.open(200, {});
    other.write("event: data\r\ndata: 1\r\n\r\n", true);
    other.end("event: end\r\n\r\n", true);
    expect(ascii.encodings).toEqual(["latin1", undefined]);
  });
});
