import { describe, expect, it } from "vitest";
import {
  Runnable,
  RunnableBranch,
  RunnableLambda,
  RunnableMap,
  RunnableParallel,
  RunnablePassthrough,
  RunnablePick,
  RunnableSequence,
  isAbortError,
  isTimeoutError,
  type RunnableConfig,
} from "../../src/core/index.js";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Every chunk of the stream, pushed to `out` as it arrives (so a failing stream leaves what came before). */
async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>, out: T[] = []): Promise<T[]> {
  for await (const chunk of await iterable) out.push(chunk);
  return out;
}

describe("RunnableLambda", () => {
  it("wraps sync and async functions", async () => {
    expect(await RunnableLambda.from((x: number) => x + 1).invoke(1)).toBe(2);
    expect(await RunnableLambda.from(async (x: number) => x * 2).invoke(4)).toBe(8);
  });

  it("streams async generators and accumulates them on invoke", async () => {
    const gen = RunnableLambda.from(async function* (_: string) {
      yield "a";
      yield "b";
      yield "c";
    });
    expect(await gen.invoke("x")).toBe("abc");
    expect(await collect(gen.stream("x"))).toEqual(["a", "b", "c"]);
  });

  it("streams sync generators too", async () => {
    const gen = RunnableLambda.from(function* (_: string) {
      yield [1];
      yield [2];
    });
    expect(await gen.invoke("x")).toEqual([1, 2]);
    expect(await collect(gen.stream("x"))).toEqual([[1], [2]]);
  });

  it("runs a returned runnable with the same input", async () => {
    const outer = RunnableLambda.from((_q: string) => RunnableLambda.from((x: string) => `inner got ${x}`));
    expect(await outer.invoke("Q")).toBe("inner got Q");
    expect(await collect(outer.stream("Q"))).toEqual(["inner got Q"]);
  });

  it("trips the recursion limit as Python does (limit 4 allows 5 calls)", async () => {
    let calls = 0;
    const self: RunnableLambda<string, string> = RunnableLambda.from((_: string) => {
      calls += 1;
      return self;
    }) as RunnableLambda<string, string>;
    await expect(self.invoke("x", { recursionLimit: 4 })).rejects.toThrow("Recursion limit reached.");
    expect(calls).toBe(5);
  });

  it("is named RunnableLambda whatever the function is called", () => {
    const namedFunction = (x: number): number => x;
    expect(RunnableLambda.from(namedFunction).getName()).toBe("RunnableLambda");
    expect(RunnableLambda.from(namedFunction).withConfig({ runName: "Mine" }).getName()).toBe("RunnableLambda");
  });
});

describe("RunnableSequence", () => {
  it("pipes outputs into inputs and flattens nested sequences", async () => {
    const chain = RunnableLambda.from((x: number) => x + 1)
      .pipe((x: number) => x * 2)
      .pipe(RunnableLambda.from((x: number) => x - 3).pipe((x: number) => `${x}`));
    expect(await chain.invoke(1)).toBe("1");
    expect((chain as RunnableSequence).steps).toHaveLength(4);
  });

  it("streams from the last step that produces a stream, restarting at buffering steps", async () => {
    const chain = RunnableSequence.from([
      async function* (_: string) {
        yield "a";
        yield "b";
      },
      (s: string) => s.toUpperCase(),
      async function* (s: string) {
        for (const ch of s) yield `${ch}!`;
      },
    ]);
    expect(await collect(chain.stream("x"))).toEqual(["A!", "B!"]);
  });

  it("passes a child config with inherited tags and metadata and no runName", async () => {
    let seen: RunnableConfig | undefined;
    const chain = RunnableLambda.from((x: number) => x).pipe((x: number, config: RunnableConfig) => {
      seen = config;
      return x;
    });
    await chain.withConfig({ tags: ["bound"], metadata: { b: 1 } }).invoke(1, {
      tags: ["call"],
      metadata: { c: 2 },
      configurable: { user: "u" },
      runName: "Top",
    });
    expect(seen?.tags).toEqual(["bound", "call"]);
    expect(seen?.metadata).toEqual({ b: 1, c: 2, user: "u" });
    expect(seen?.configurable).toEqual({ user: "u" });
    expect(seen?.runName).toBeUndefined();
    expect(seen?.recursionLimit).toBe(25);
  });

  it("batches step-wise and skips failed items in later steps with returnExceptions", async () => {
    const secondStepInputs: unknown[] = [];
    const chain = RunnableLambda.from((x: number) => {
      if (x === 2) throw new Error("bad2");
      return x * 10;
    }).pipe((x: number) => {
      secondStepInputs.push(x);
      return x;
    });
    const results = await chain.batch([1, 2, 3], undefined, { returnExceptions: true });
    expect(results[0]).toBe(10);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toBe("bad2");
    expect(results[2]).toBe(30);
    expect(secondStepInputs.sort()).toEqual([10, 30]);
  });
});

describe("RunnableParallel and assign", () => {
  it("runs the documentation example", async () => {
    const chain = RunnableParallel.from({
      extra: RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
      modified: (x: { num: number }) => x.num + 1,
    });
    const output = await chain.invoke({ num: 1 });
    expect(output).toEqual({ extra: { num: 1, mult: 3 }, modified: 2 });
    expect(Object.keys(output)).toEqual(["extra", "modified"]);
    expect(await collect(chain.stream({ num: 1 }))).toEqual([{ extra: { num: 1 } }, { modified: 2 }, { extra: { mult: 3 } }]);
  });

  it("keeps declaration order on invoke even when a later branch finishes first", async () => {
    const map = RunnableMap.from({
      slow: async () => {
        await sleep(20);
        return 1;
      },
      fast: () => 2,
    });
    expect(Object.keys(await map.invoke(null))).toEqual(["slow", "fast"]);
  });

  it("emits one-key partial objects as each branch yields", async () => {
    const map = RunnableParallel.from({
      x: async function* (_: string) {
        yield "1";
        await sleep(10);
        yield "2";
      },
      y: (s: string) => s,
    });
    expect(await collect(map.stream("in"))).toEqual([{ y: "in" }, { x: "1" }, { x: "2" }]);
  });

  it("fails a stream with a branch's error and closes the other branches", async () => {
    let closed = false;
    const map = RunnableParallel.from({
      slow: async function* (_: string) {
        try {
          yield "a";
          await sleep(50);
          yield "b";
        } finally {
          closed = true;
        }
      },
      failing: async function* (_: string) {
        await sleep(5);
        yield "x";
        throw new Error("branch failed");
      },
    });
    const seen: unknown[] = [];
    await expect(collect(map.stream("in"), seen)).rejects.toThrow("branch failed");
    expect(seen).toEqual([{ slow: "a" }, { failing: "x" }]);
    await sleep(80);
    expect(closed).toBe(true);
  });

  it("closes every branch when the consumer stops early", async () => {
    const closed: string[] = [];
    const endless = (name: string) =>
      async function* (_: string) {
        try {
          for (let i = 0; ; i++) {
            await sleep(1);
            yield `${name}${i}`;
          }
        } finally {
          closed.push(name);
        }
      };
    const map = RunnableParallel.from({ p: endless("p"), q: endless("q") });
    let n = 0;
    for await (const _ of await map.stream("in")) if (++n === 5) break;
    await sleep(20);
    expect(closed.sort()).toEqual(["p", "q"]);
  });

  it("streams a one-branch map chunk by chunk under its key and closes the branch on an early stop", async () => {
    let closed = false;
    const map = RunnableParallel.from({
      only: async function* (s: string) {
        try {
          yield `${s}1`;
          yield `${s}2`;
          yield `${s}3`;
        } finally {
          closed = true;
        }
      },
    });
    expect(await collect(map.stream("a"))).toEqual([{ only: "a1" }, { only: "a2" }, { only: "a3" }]);
    closed = false;
    for await (const chunk of await map.stream("b")) if ((chunk as { only: string }).only === "b1") break;
    expect(closed).toBe(true);
  });

  it("fails a one-branch map's stream with the branch's error", async () => {
    const map = RunnableParallel.from({
      only: async function* (_: string) {
        yield "x";
        throw new Error("branch failed");
      },
    });
    const seen: unknown[] = [];
    await expect(collect(map.stream("in"), seen)).rejects.toThrow("branch failed");
    expect(seen).toEqual([{ only: "x" }]);
  });

  it("assign streams the input first, then the mapper's chunks, and closes the mapper on an early stop", async () => {
    let mapperClosed = false;
    const assigned = RunnablePassthrough.assign({
      out: async function* (x: { q: string }) {
        try {
          yield `${x.q}!`;
          yield "?";
        } finally {
          mapperClosed = true;
        }
      },
    });
    expect(await collect(assigned.stream({ q: "hi" }))).toEqual([{ q: "hi" }, { out: "hi!" }, { out: "?" }]);
    mapperClosed = false;
    for await (const _ of await assigned.stream({ q: "hi" })) break;
    await sleep(5);
    expect(mapperClosed).toBe(true);
  });

  it("assign fails its stream on non-object input", async () => {
    const assigned = RunnablePassthrough.assign({ d: () => 1 });
    await expect(collect(assigned.stream("str" as never))).rejects.toThrow("RunnableAssign can only be used with objects as input, got string");
  });

  it("assign adds keys and rejects non-object input", async () => {
    const assigned = RunnablePassthrough.assign({ d: (x: { a: number; b: number }) => x.a + x.b });
    expect(await assigned.invoke({ a: 1, b: 2, c: 3 } as never)).toEqual({ a: 1, b: 2, c: 3, d: 3 });
    await expect(assigned.invoke("str" as never)).rejects.toThrow("RunnableAssign can only be used with objects as input, got string");
  });

  it("names maps and assigns after their keys", () => {
    expect(RunnableParallel.from({ context: () => 1, question: new RunnablePassthrough() }).getName()).toBe("RunnableParallel<context,question>");
    expect(RunnablePassthrough.assign({ output: () => 1 }).getName()).toBe("RunnableAssign<output>");
  });

  it("streams the rag shape in order: question, then context, then output tokens, none buffered", async () => {
    let retrieved = false;
    const retriever = RunnableLambda.from(async (q: string) => {
      await sleep(30);
      retrieved = true;
      return [`doc about ${q}`];
    });
    const model = RunnableLambda.from(async function* (_: unknown) {
      for (const token of ["", "H", "e", "llo"]) {
        await sleep(5);
        yield token;
      }
    });
    const chain = RunnableParallel.from({ context: retriever, question: new RunnablePassthrough() }).pipe(
      RunnablePassthrough.assign({ output: RunnableLambda.from((x: { question: string }) => x.question).pipe(model) }),
    );
    const started = Date.now();
    const arrivals: { chunk: unknown; at: number; retrieved: boolean }[] = [];
    for await (const chunk of await chain.stream("q")) arrivals.push({ chunk, at: Date.now() - started, retrieved });
    expect(arrivals.map((a) => a.chunk)).toEqual([
      { question: "q" },
      { context: ["doc about q"] },
      { output: "" },
      { output: "H" },
      { output: "e" },
      { output: "llo" },
    ]);
    // Not buffered: the question arrives before the 30 ms retriever finishes (an order, not a
    // wall-clock bound, so a loaded machine cannot fail it), tokens arrive spaced out.
    expect(arrivals[0]?.retrieved).toBe(false);
    expect(arrivals[1]?.retrieved).toBe(true);
    expect((arrivals[5]?.at ?? 0) - (arrivals[2]?.at ?? 0)).toBeGreaterThanOrEqual(10);
  });
});

describe("RunnablePick and RunnableBranch", () => {
  it("picks one key, several keys, or nothing", async () => {
    expect(await new RunnablePick("a").invoke({ a: 1, b: 2, c: 3 })).toBe(1);
    expect(await new RunnablePick(["a", "c"]).invoke({ a: 1, b: 2, c: 3 })).toEqual({ a: 1, c: 3 });
    expect(await new RunnablePick(["zz"]).invoke({ a: 1 })).toBeUndefined();
  });

  it("drops empty picks while streaming", async () => {
    const source = RunnableLambda.from(async function* (_: null) {
      yield { a: 1 };
      yield { b: 2 };
      yield { a: 3, c: 4 };
    });
    expect(await collect(source.pick(["a"]).stream(null))).toEqual([{ a: 1 }, { a: 3 }]);
  });

  it("chooses the first true branch and returns falsy outputs as they are", async () => {
    const branch = RunnableBranch.from([
      [(x: { topic: string }) => x.topic === "a", (x: { topic: string }) => `A:${x.topic}`],
      [(x: { topic: string }) => x.topic === "b", () => ""],
      (x: { topic: string }) => `default:${x.topic}`,
    ]);
    expect(await branch.invoke({ topic: "a" })).toBe("A:a");
    expect(await branch.invoke({ topic: "b" })).toBe("");
    expect(await branch.invoke({ topic: "z" })).toBe("default:z");
    expect(await collect(branch.stream({ topic: "a" }))).toEqual(["A:a"]);
  });
});

describe("batch", () => {
  it("never has more than maxConcurrency calls in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const slow = RunnableLambda.from(async (x: number) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(5);
      inFlight -= 1;
      return x;
    });
    expect(await slow.batch([1, 2, 3, 4, 5, 6], { maxConcurrency: 2 })).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
    peak = 0;
    await slow.batch([1, 2, 3, 4], undefined, { maxConcurrency: 3 });
    expect(peak).toBe(3);
  });

  it("rejects with the first error, or returns errors in place with returnExceptions", async () => {
    const doubler = RunnableLambda.from((x: number) => {
      if (x === 3) throw new Error("boom3");
      return x * 2;
    });
    await expect(doubler.batch([1, 2, 3])).rejects.toThrow("boom3");
    const results = await doubler.batch([1, 2, 3, 4, 5], undefined, { returnExceptions: true });
    expect(results.map((r) => (r instanceof Error ? r.message : r))).toEqual([2, 4, "boom3", 8, 10]);
  });

  it("requires one config per input when given a list", async () => {
    await expect(RunnableLambda.from((x: number) => x).batch([1, 2], [{}])).rejects.toThrow(
      'Passed "options" must be an array with the same length as the inputs, but got 1 options for 2 inputs',
    );
  });
});

describe("cancellation", () => {
  it("rejects promptly when the signal aborts during invoke", async () => {
    const controller = new AbortController();
    const slow = RunnableLambda.from(async (x: number) => {
      await sleep(500);
      return x;
    });
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    const error = await slow.invoke(1, { signal: controller.signal }).catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(200);
  });

  it("rejects with a TimeoutError after timeout", async () => {
    const slow = RunnableLambda.from(async () => {
      await sleep(200);
      return 1;
    });
    const error = await slow.invoke(null, { timeout: 30 }).catch((e: unknown) => e);
    expect(isTimeoutError(error)).toBe(true);
  });

  it("stops pulling from upstream iterators when a stream is aborted", async () => {
    const controller = new AbortController();
    let pulled = 0;
    let closed = false;
    const source = RunnableLambda.from(async function* (_: null) {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled += 1;
          await sleep(5);
          yield i;
        }
      } finally {
        closed = true;
      }
    });
    const chain = source.pipe(new RunnablePassthrough());
    const seen: number[] = [];
    const error = await (async () => {
      for await (const chunk of await chain.stream(null, { signal: controller.signal })) {
        seen.push(chunk as number);
        if (seen.length === 3) controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    await sleep(30);
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(6);
  });

  it("rejects stream() itself when the first chunk fails", async () => {
    const failing = RunnableLambda.from(() => {
      throw new Error("early");
    });
    await expect(failing.stream(null)).rejects.toThrow("early");
  });
});

describe("withRetry and withFallbacks", () => {
  it("retries until success and reports failed attempts", async () => {
    let calls = 0;
    const failures: [string, unknown][] = [];
    const flaky = RunnableLambda.from((_x: number) => {
      calls += 1;
      if (calls < 3) throw new Error(`flaky${calls}`);
      return `ok after ${calls}`;
    }).withRetry({ stopAfterAttempt: 3, backoffMs: () => 1, onFailedAttempt: (e, input) => void failures.push([(e as Error).message, input]) });
    expect(await flaky.invoke(7)).toBe("ok after 3");
    expect(failures).toEqual([["flaky1", 7], ["flaky2", 7]]);
  });

  it("throws the last error after the last attempt", async () => {
    let calls = 0;
    const flaky = RunnableLambda.from(() => {
      calls += 1;
      throw new Error(`flaky${calls}`);
    }).withRetry({ stopAfterAttempt: 2, backoffMs: () => 1 });
    await expect(flaky.invoke(7)).rejects.toThrow("flaky2");
  });

  it("retries only the failed batch items", async () => {
    const calls: Record<number, number> = {};
    const flaky = RunnableLambda.from((x: number) => {
      calls[x] = (calls[x] ?? 0) + 1;
      if (x === 2 && calls[x] === 1) throw new Error("once");
      return x;
    }).withRetry({ backoffMs: () => 1 });
    expect(await flaky.batch([1, 2, 3])).toEqual([1, 2, 3]);
    expect(calls).toEqual({ 1: 1, 2: 2, 3: 1 });
  });

  it("falls back in order and throws the first error when all fail", async () => {
    const primary = RunnableLambda.from<string, string>((_: string) => {
      throw new Error("primary failed");
    });
    expect(await primary.withFallbacks([RunnableLambda.from((x: string) => `fallback:${x}`)]).invoke("in")).toBe("fallback:in");
    const second = RunnableLambda.from<string, string>((_: string) => {
      throw new Error("second failed");
    });
    await expect(primary.withFallbacks([second]).invoke("in")).rejects.toThrow("primary failed");
    expect(await collect(primary.withFallbacks([RunnableLambda.from((x: string) => `fb:${x}`)]).stream("s"))).toEqual(["fb:s"]);
  });
});

describe("configurable", () => {
  it("overrides fields and chooses alternatives from config.configurable", async () => {
    const base = RunnableLambda.from((x: string) => `a:${x}`);
    const alt = base.configurableAlternatives({
      which: { id: "impl", description: "which implementation" },
      defaultKey: "a",
      alternatives: { b: RunnableLambda.from((x: string) => `b:${x}`) },
    });
    expect(await alt.invoke("1")).toBe("a:1");
    expect(await alt.invoke("1", { configurable: { impl: "b" } })).toBe("b:1");
    expect(alt.getConfigurableSpecs().map((s) => [s.id, s.default])).toEqual([["impl", "a"]]);

    class Greeter extends Runnable<string, string> {
      greeting = "hello";
      override invoke(input: string, config?: RunnableConfig): Promise<string> {
        return this._callWithConfig((x: string) => `${this.greeting} ${x}`, input, config);
      }
    }
    const greeter = new Greeter().configurableFields({ greeting: { id: "greeting" } });
    expect(await greeter.invoke("bob")).toBe("hello bob");
    expect(await greeter.invoke("bob", { configurable: { greeting: "hi" } })).toBe("hi bob");
  });
});

describe("tracing when nobody listens", () => {
  it("creates no runs and no run ids on plain invoke, batch and stream", async () => {
    const chain = RunnableParallel.from({ a: (x: number) => x + 1, b: new RunnablePassthrough() })
      .pipe(RunnablePassthrough.assign({ c: (x: { a: number }) => x.a * 2 }))
      .pipe(async function* (x: Record<string, any>) {
        yield x.a;
        yield x.c;
      });
    const original = globalThis.crypto.randomUUID.bind(globalThis.crypto);
    let calls = 0;
    globalThis.crypto.randomUUID = () => {
      calls += 1;
      return original();
    };
    try {
      expect(await chain.invoke(1)).toBe(6);
      expect(await chain.batch([1, 2])).toEqual([6, 9]);
      expect(await collect(chain.stream(1))).toEqual([2, 4]);
    } finally {
      globalThis.crypto.randomUUID = original;
    }
    expect(calls).toBe(0);
  });

  it("shares the caller's config object with children when nothing changes", async () => {
    const seen: RunnableConfig[] = [];
    const record = (x: number, config: RunnableConfig): number => {
      seen.push(config);
      return x;
    };
    await RunnableSequence.from([record, record, record]).invoke(1, { tags: ["t"] });
    expect(seen[0]).toBe(seen[1]);
    expect(seen[1]).toBe(seen[2]);
  });
});

describe("configurable specs of composites", () => {
  it("are collected from nested steps so a server can validate and describe them", () => {
    const inner = RunnableLambda.from((x: any) => x).configurableAlternatives({
      which: { id: "impl" },
      alternatives: { other: RunnableLambda.from((x: any) => x) },
    });
    const chain = RunnableParallel.from({ a: inner, b: (x: string) => x }).pipe(RunnablePassthrough.assign({ c: inner }));
    expect(chain.getConfigurableSpecs().map((s) => s.id)).toEqual(["impl"]);
    expect(inner.withRetry().getConfigurableSpecs().map((s) => s.id)).toEqual(["impl"]);
  });
});

describe("stream() cleanup", () => {
  it("closes the source when the consumer stops right after the first chunk", async () => {
    let closed = false;
    const source = RunnableLambda.from(async function* (_: null) {
      try {
        yield 1;
        yield 2;
        yield 3;
      } finally {
        closed = true;
      }
    });
    for await (const chunk of await source.stream(null)) {
      expect(chunk).toBe(1);
      break;
    }
    expect(closed).toBe(true);
  });
});
