/**
 * A client that leaves aborts the LangChain.js run: the `signal` LangChain.js hands its
 * model and lambdas fires, and the model stops producing, on invoke and on every streaming
 * endpoint, whether the client is undici, chainserve's or LangChain.js's `RemoteRunnable`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeChatModelClass, JOKE, loadLangChain } from "./langchain-chains.js";
import { serveLangChain, type LangChainServer } from "./langchain-serve.js";

const TOKENS = JOKE.split(/(\s)/).filter((t) => t !== "").length;

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(5);
  }
}

/** What the LangChain.js side saw of one call. */
interface Seen {
  signal?: AbortSignal;
  produced: number;
}

describe.each(["1", "0.3"] as const)("a client leaving a @langchain/core %s run", (version) => {
  let server: LangChainServer;
  let seen: Seen;
  beforeAll(async () => {
    const lc = await loadLangChain(version);
    const Model = fakeChatModelClass(lc);
    class RecordingModel extends Model {
      async *_streamResponseChunks(messages: unknown, options: { signal?: AbortSignal }, runManager?: unknown): AsyncGenerator<unknown> {
        seen.signal = options.signal;
        for await (const chunk of super._streamResponseChunks(messages, options, runManager)) {
          seen.produced++;
          yield chunk;
        }
      }
    }
    const slow = lc.runnables.RunnableLambda.from(async (_x: unknown, config: { signal?: AbortSignal }) => {
      seen.signal = config.signal;
      await sleep(5000, undefined, { signal: config.signal });
      return "late";
    });
    const chat = lc.prompts.ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new RecordingModel(JOKE, { delayMs: 40 }));
    server = await serveLangChain([
      { path: "/chat", runnable: chat },
      { path: "/slow", runnable: slow },
    ]);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** POSTs, reads until `chunks` SSE data frames arrived (0: none), then disconnects. */
  async function leaveAfter(path: string, body: unknown, chunks: number): Promise<void> {
    const client = new AbortController();
    const res = await request(`${server.base}${path}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, signal: client.signal });
    let frames = 0;
    try {
      for await (const piece of res.body) {
        frames += String(piece).split("event: data").length - 1;
        if (frames >= chunks) break;
      }
    } finally {
      client.abort();
    }
  }

  it("aborts a LangChain.js lambda's signal when the client leaves an invoke", async () => {
    seen = { produced: 0 };
    const client = new AbortController();
    const pending = request(`${server.base}/slow/invoke`, { method: "POST", body: '{"input":1}', headers: { "content-type": "application/json" }, signal: client.signal }).catch(() => undefined);
    await until(() => seen.signal !== undefined);
    client.abort();
    await pending;
    await until(() => seen.signal?.aborted === true);
  });

  it.each(["stream", "stream_log", "stream_events"])("stops the model when the client leaves %s mid-stream", async (endpoint) => {
    seen = { produced: 0 };
    await leaveAfter(`/chat/${endpoint}`, { input: { topic: "bears" } }, 3);
    await until(() => seen.signal?.aborted === true);
    const atAbort = seen.produced;
    await sleep(200);
    expect(seen.produced).toBe(atAbort);
    expect(seen.produced).toBeLessThan(TOKENS);
  });

  it("aborts through chainserve's client signal and LangChain.js's RemoteRunnable signal", async () => {
    for (const call of [
      (signal: AbortSignal) => server.client("/chat").stream({ topic: "bears" }, { signal }),
      (signal: AbortSignal) => server.lcClient("/chat").stream({ topic: "bears" }, { signal }),
    ]) {
      seen = { produced: 0 };
      const controller = new AbortController();
      const reading = (async () => {
        for await (const _chunk of await call(controller.signal)) if (seen.produced >= 2) controller.abort();
      })().catch((error: unknown) => error);
      await until(() => seen.signal?.aborted === true);
      await reading;
      const atAbort = seen.produced;
      await sleep(200);
      expect(seen.produced).toBe(atAbort);
      expect(seen.produced).toBeLessThan(TOKENS);
    }
  });
});
