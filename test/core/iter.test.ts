import { describe, expect, it } from "vitest";
import { concatIterators, deferredIterator, mapIterator, singleton, tapIterator, tee } from "../../src/core/utils/iter.js";

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

describe("mapIterator", () => {
  it("maps each item and forwards return() to the source", async () => {
    const log: string[] = [];
    const it = mapIterator(counting(5, log), (n) => n * 10);
    const seen: number[] = [];
    for await (const item of it) {
      seen.push(item);
      if (item === 20) break;
    }
    expect(seen).toEqual([0, 10, 20]);
    expect(log).toEqual(["source closed"]);
  });

  it("rejects when fn throws, closes the source, and is done after", async () => {
    const log: string[] = [];
    const it = mapIterator(counting(5, log), (n) => {
      if (n === 1) throw new Error("bad chunk");
      return n;
    });
    expect(await it.next()).toEqual({ done: false, value: 0 });
    await expect(it.next()).rejects.toThrow("bad chunk");
    await Promise.resolve();
    expect(log).toEqual(["source closed"]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });
});

describe("concatIterators", () => {
  it("yields the head's items, then the tail's, the started call first", async () => {
    const tail = counting(3, []);
    const started = tail.next();
    expect(await collect(concatIterators(counting(2, []), tail, started))).toEqual([0, 1, 0, 1, 2]);
  });

  it("closes the tail (before resolving) when the consumer stops during the head", async () => {
    const log: string[] = [];
    async function* slowTail(): AsyncGenerator<number> {
      try {
        yield 99;
      } finally {
        await new Promise((resolve) => setTimeout(resolve, 5));
        log.push("tail closed");
      }
    }
    const tail = slowTail();
    const started = tail.next();
    const it = concatIterators(counting(5, log), tail, started);
    expect((await it.next()).value).toBe(0);
    await it.return(undefined);
    expect(log).toEqual(["tail closed", "source closed"]);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it("closes the tail when the head fails", async () => {
    const log: string[] = [];
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw new Error("head failed");
    }
    const tail = counting(3, log);
    const started = tail.next();
    const it = concatIterators(failing(), tail, started);
    expect((await it.next()).value).toBe(1);
    await expect(it.next()).rejects.toThrow("head failed");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(log).toEqual(["source closed"]);
  });
});

describe("singleton and tee", () => {
  it("a singleton yields its value once", async () => {
    expect(await collect(singleton("x"))).toEqual(["x"]);
  });

  it("tee gives every copy an unread singleton's value", async () => {
    const [a, b, c] = tee(singleton({ k: 1 }), 3) as [AsyncGenerator<unknown>, AsyncGenerator<unknown>, AsyncGenerator<unknown>];
    expect(await collect(b)).toEqual([{ k: 1 }]);
    expect(await collect(a)).toEqual([{ k: 1 }]);
    expect(await collect(c)).toEqual([{ k: 1 }]);
  });

  it("tee of a singleton already read gives empty copies", async () => {
    const source = singleton(1);
    await source.next();
    const copies = tee(source, 2);
    expect(await collect(copies[0] as AsyncGenerator<number>)).toEqual([]);
    expect(await collect(copies[1] as AsyncGenerator<number>)).toEqual([]);
  });
});

describe("tee of a stream", () => {
  async function* failing(log: string[]): AsyncGenerator<number> {
    try {
      yield 1;
      throw new Error("boom");
    } finally {
      log.push("source closed");
    }
  }

  it("gives every copy every item, pulling the source once per item", async () => {
    let pulls = 0;
    const log: string[] = [];
    const source = mapIterator(counting(3, log), (x) => {
      pulls++;
      return x;
    });
    const [a, b] = tee(source, 2) as [AsyncGenerator<number>, AsyncGenerator<number>];
    expect(await collect(a)).toEqual([0, 1, 2]);
    expect(await collect(b)).toEqual([0, 1, 2]);
    expect(pulls).toBe(3);
    expect(log).toEqual(["source closed"]);
  });

  it("keeps order when one copy's next() is called several times at once", async () => {
    const [a, b] = tee(counting(3, []), 2) as [AsyncGenerator<number>, AsyncGenerator<number>];
    const results = await Promise.all([a.next(), a.next(), a.next(), a.next()]);
    expect(results).toEqual([
      { done: false, value: 0 },
      { done: false, value: 1 },
      { done: false, value: 2 },
      { done: true, value: undefined },
    ]);
    expect(await collect(b)).toEqual([0, 1, 2]);
  });

  it("closes the source only when the last copy stops early", async () => {
    const log: string[] = [];
    const [a, b] = tee(counting(5, log), 2) as [AsyncGenerator<number>, AsyncGenerator<number>];
    expect(await a.next()).toEqual({ done: false, value: 0 });
    expect(await a.return(undefined)).toEqual({ done: true, value: undefined });
    expect(log).toEqual([]);
    expect(await a.next()).toEqual({ done: true, value: undefined });
    expect(await b.next()).toEqual({ done: false, value: 0 });
    expect(await b.next()).toEqual({ done: false, value: 1 });
    await b.return(undefined);
    expect(log).toEqual(["source closed"]);
  });

  it("throw() on a copy stops it and rejects with the error", async () => {
    const log: string[] = [];
    const [a, b] = tee(counting(2, log), 2) as [AsyncGenerator<number>, AsyncGenerator<number>];
    await expect(a.throw(new Error("stop"))).rejects.toThrow("stop");
    expect(await a.next()).toEqual({ done: true, value: undefined });
    expect(await collect(b)).toEqual([0, 1]);
    expect(log).toEqual(["source closed"]);
  });

  it("hands the source's failure to every copy after the items before it, then is done", async () => {
    const log: string[] = [];
    const [a, b] = tee(failing(log), 2) as [AsyncGenerator<number>, AsyncGenerator<number>];
    const seenA: number[] = [];
    await expect(
      (async () => {
        for await (const x of a) seenA.push(x);
      })(),
    ).rejects.toThrow("boom");
    expect(seenA).toEqual([1]);
    expect(await b.next()).toEqual({ done: false, value: 1 });
    await expect(b.next()).rejects.toThrow("boom");
    expect(await b.next()).toEqual({ done: true, value: undefined });
    expect(log).toEqual(["source closed"]);
  });
});
