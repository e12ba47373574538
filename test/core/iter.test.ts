import { describe, expect, it } from "vitest";
import { deferredIterator, tapIterator } from "../../src/core/utils/iter.js";

async function* counting(n: number, log: string[]): AsyncGenerator<number> {
  try {
    for (let i = 0; i < n; i++) yield i;
  } finally {
    log.push("source closed");
  }
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe("deferredIterator", () => {
  it("starts on the first next() and then yields the inner items", async () => {
    const log: string[] = [];
    const it = deferredIterator(async () => {
      log.push("started");
      return counting(3, log);
    });
    expect(log).toEqual([]);
    expect(await collect(it)).toEqual([0, 1, 2]);
    expect(log).toEqual(["started", "source closed"]);
  });

  it("closes the inner iterator when the consumer breaks", async () => {
    const log: string[] = [];
    const it = deferredIterator(async () => counting(10, log));
    for await (const item of it) if (item === 1) break;
    expect(log).toEqual(["source closed"]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("never starts after return() before the first next()", async () => {
    let started = false;
    const it = deferredIterator(async () => {
      started = true;
      return counting(1, []);
    });
    await it.return(undefined);
    expect(await it.next()).toEqual({ done: true, value: undefined });
    expect(started).toBe(false);
  });

  it("rejects next() with the start's failure, then is done", async () => {
    const it = deferredIterator<number>(() => Promise.reject(new Error("input failed")));
    await expect(it.next()).rejects.toThrow("input failed");
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("keeps order when next() is called twice before the start settles", async () => {
    const it = deferredIterator(async () => counting(2, []));
    const [a, b] = await Promise.all([it.next(), it.next()]);
    expect([a.value, b.value]).toEqual([0, 1]);
  });
});

describe("tapIterator", () => {
  it("applies fn to each item in order and forwards return()", async () => {
    const log: string[] = [];
    const seen: number[] = [];
    const it = tapIterator(counting(5, log), (n) => seen.push(n));
    for await (const item of it) if (item === 2) break;
    expect(seen).toEqual([0, 1, 2]);
    expect(log).toEqual(["source closed"]);
  });

  it("passes the source's failure through", async () => {
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error("boom");
    }
    const it = tapIterator(failing(), () => undefined);
    expect(await it.next()).toEqual({ done: false, value: 1 });
    await expect(it.next()).rejects.toThrow("boom");
  });
});
