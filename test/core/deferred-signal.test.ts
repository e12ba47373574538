import { describe, expect, it } from "vitest";
import { childConfig, copyConfig, ensureConfig, mergeConfigs, SIGNAL_RACED, withDeferredSignal, type DeferredSignal, type RunnableConfig } from "../../src/core/config.js";
import { RunnableLambda } from "../../src/core/index.js";

/** A deferred signal that counts how often it was built. */
class Counting implements DeferredSignal {
  builds = 0;
  #controller: AbortController | undefined;
  #aborted = false;
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.builds++;
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(new Error("gone"));
    }
    return this.#controller.signal;
  }
  get created(): boolean {
    return this.#controller !== undefined;
  }
  get aborted(): boolean {
    return this.#aborted;
  }
  get reason(): unknown {
    return this.#aborted ? new Error("gone") : undefined;
  }
  abort(): void {
    this.#aborted = true;
    this.#controller?.abort(new Error("gone"));
  }
}

/** A config as the server makes it: the deferred signal is marked raced by the caller. */
function deferred(raced = true): { source: Counting; config: RunnableConfig } {
  const source = new Counting();
  const config: RunnableConfig = withDeferredSignal(ensureConfig({ runName: "root", runId: "r1" }), source);
  if (raced) config[SIGNAL_RACED] = source;
  return { source, config };
}

describe("a deferred signal on a config", () => {
  it("is built on first read, once, and every copy reads the same signal", () => {
    const { source, config } = deferred();
    const child = childConfig(config);
    const copy = copyConfig(config, ["version"]);
    expect(source.builds).toBe(0);
    expect(Object.keys(child)).toContain("signal");
    expect(child.runId).toBeUndefined();
    const signal = config.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(child.signal).toBe(signal);
    expect(copy.signal).toBe(signal);
    expect(source.builds).toBe(1);
  });

  it("is read by a spread copy, which then holds the real signal", () => {
    const { source, config } = deferred();
    const spread = { ...config };
    expect(source.builds).toBe(1);
    expect(spread.signal).toBe(config.signal);
  });

  it("stays unbuilt through a sequence of lambdas that never read it", async () => {
    const { source, config } = deferred();
    const chain = RunnableLambda.from((x: number) => x + 1).pipe(RunnableLambda.from((x: number) => x * 2));
    expect(await chain.invoke(1, config)).toBe(4);
    const chunks: number[] = [];
    for await (const chunk of await chain.stream(1, config)) chunks.push(chunk);
    expect(chunks).toEqual([4]);
    expect(await chain.withConfig({ tags: ["t"] }).invoke(1, config)).toBe(4);
    expect(source.builds).toBe(0);
  });

  it("stays unbuilt through a lambda that returns a runnable (the routing pattern)", async () => {
    const { source, config } = deferred();
    const inner = RunnableLambda.from((x: number, c: RunnableConfig) => ({ x, limit: c.recursionLimit }));
    const route = RunnableLambda.from(() => inner);
    expect(await route.invoke(1, config)).toEqual({ x: 1, limit: 24 });
    expect(await route.stream(2, config).then(async (s) => (await s.next()).value)).toEqual({ x: 2, limit: 24 });
    expect(source.builds).toBe(0);
  });

  it("is what a lambda gets when it reads config.signal", async () => {
    const { source, config } = deferred();
    let seen: AbortSignal | undefined;
    await RunnableLambda.from((_x: number, c: RunnableConfig) => (seen = c.signal)).invoke(1, config);
    expect(seen).toBe(config.signal);
    expect(source.builds).toBe(1);
  });

  it("stops a sequence between steps once aborted, still unbuilt", async () => {
    const { source, config } = deferred();
    const steps: string[] = [];
    const chain = RunnableLambda.from((x: number) => {
      steps.push("first");
      source.abort();
      return x;
    }).pipe(RunnableLambda.from((x: number) => (steps.push("second"), x)));
    await expect(chain.invoke(1, config)).rejects.toThrow("gone");
    expect(steps).toEqual(["first"]);
    expect(source.builds).toBe(0);
  });

  it("is built and raced when no caller races it: an abort ends the call at once", async () => {
    const { source, config } = deferred(false);
    const hung = RunnableLambda.from(() => new Promise<number>(() => undefined));
    const call = hung.invoke(1, config);
    expect(source.builds).toBe(1);
    source.abort();
    await expect(call).rejects.toThrow("gone");
  });

  it("is replaced by an assigned signal", () => {
    const { source, config } = deferred();
    const mine = new AbortController().signal;
    config.signal = mine;
    expect(config.signal).toBe(mine);
    expect(childConfig(config).signal).toBe(mine);
    expect(source.builds).toBe(0);
  });

  it("survives mergeConfigs alone and is combined with a second signal", () => {
    const { source, config } = deferred();
    const merged = mergeConfigs<RunnableConfig>({ tags: ["a"] }, config);
    expect(source.builds).toBe(0);
    expect(merged.signal).toBe(config.signal);
    const other = new AbortController();
    const combined = mergeConfigs<RunnableConfig>({ signal: other.signal }, config);
    expect(combined.signal).not.toBe(other.signal);
    other.abort();
    expect(combined.signal?.aborted).toBe(true);
  });

  it("is combined with a timeout when a config is normalised", async () => {
    const { source, config } = deferred();
    const withTimeout = ensureConfig(Object.assign(copyConfig(config), { timeout: 10, [Symbol.for("chainserve.normalised")]: undefined }));
    expect(withTimeout.signal).toBeInstanceOf(AbortSignal);
    expect(source.builds).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(withTimeout.signal?.aborted).toBe(true);
    expect(config.signal?.aborted).toBe(false);
  });
});
