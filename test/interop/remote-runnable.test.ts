/**
 * Interop: the LangChain.js client nobody here wrote — `RemoteRunnable` from
 * `@langchain/core@0.3.80` (installed as `lc03`; 1.x removed it) — against the example app
 * on a real port, through invoke, batch, stream, streamLog and streamEvents (v2).
 */
import type { FastifyInstance } from "fastify";
import fastJsonPatch from "fast-json-patch";
import { RemoteRunnable } from "lc03/runnables/remote";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JOKE } from "../../chains/chat.js";
import { RAG_ANSWER } from "../../chains/rag.js";
import { buildApp } from "../../routes/app.js";
import { listenLocal } from "../e2e/listen.js";

const TOKENS = JOKE.split(/(\s)/);
const QUESTION = "where did harrison work?";

let app: FastifyInstance;
let base: string;
const remote = (path: string): RemoteRunnable<any, any, any> => new RemoteRunnable({ url: `${base}${path}` });

beforeAll(async () => {
  app = await buildApp({ env: {}, logger: false });
  base = await listenLocal(app);
});
afterAll(async () => {
  await app.close();
});

async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of await iterable) out.push(item);
  return out;
}

/** streamLog's patches folded into the run state. Ops are cloned on receipt (runnable-semantics §B.7). */
async function runLogState(path: string, input: unknown, filters?: Record<string, string[]>): Promise<{ state: Record<string, any>; patches: number }> {
  let state: unknown = null;
  let patches = 0;
  for await (const patch of remote(path).streamLog(input, undefined, filters)) {
    patches++;
    state = fastJsonPatch.applyPatch(state, structuredClone(patch.ops) as fastJsonPatch.Operation[], false, false).newDocument;
  }
  return { state: state as Record<string, any>, patches };
}

async function events(path: string, input: unknown): Promise<{ event: string; name: string; data: any; run_id: string }[]> {
  return collect(remote(path).streamEvents(input, { version: "v2" }));
}

describe("LangChain.js RemoteRunnable 0.3.80 against /echo", () => {
  it("invokes and batches any JSON unchanged", async () => {
    expect(await remote("/echo").invoke({ a: 1 })).toEqual({ a: 1 });
    expect(await remote("/echo").batch([1, "x", [1, 2]])).toEqual([1, "x", [1, 2]]);
  });

  it("streams one chunk, and its run log and events name the run after the mount path", async () => {
    expect(await collect(remote("/echo").stream({ a: 1 }))).toEqual([{ a: 1 }]);
    const { state } = await runLogState("/echo", { a: 1 });
    expect(state).toMatchObject({ name: "/echo", final_output: { a: 1 }, streamed_output: [{ a: 1 }] });
    expect((await events("/echo", { a: 1 })).map((e) => `${e.event} ${e.name}`)).toEqual([
      "on_chain_start /echo",
      "on_chain_stream /echo",
      "on_chain_end /echo",
    ]);
  });
});

describe("LangChain.js RemoteRunnable 0.3.80 against /assign", () => {
  const seed = { extra: { num: 1, mult: 3 }, modified: 2 };

  it("invokes and batches the documentation example", async () => {
    expect(await remote("/assign").invoke({ num: 1 })).toEqual(seed);
    expect(await remote("/assign").batch([{ num: 1 }, { num: 2 }])).toEqual([seed, { extra: { num: 2, mult: 6 }, modified: 3 }]);
  });

  it("streams partial objects that merge into the output", async () => {
    const chunks = await collect(remote("/assign").stream({ num: 1 }));
    expect(chunks).toHaveLength(3);
    const merged = chunks.reduce<Record<string, any>>((acc, c) => {
      for (const [k, v] of Object.entries(c as Record<string, unknown>)) acc[k] = typeof v === "object" && v !== null ? { ...acc[k], ...v } : v;
      return acc;
    }, {});
    expect(merged).toEqual(seed);
  });

  it("streams a run log whose final output is the seed output, and v2 events ending with it", async () => {
    const { state } = await runLogState("/assign", { num: 1 });
    expect(state.final_output).toEqual(seed);
    expect(Object.keys(state.logs)).toEqual(expect.arrayContaining(["RunnableAssign<mult>", "RunnableLambda", "RunnableLambda:2"]));
    const evs = await events("/assign", { num: 1 });
    expect(evs.at(-1)).toMatchObject({ event: "on_chain_end", name: "/assign", data: { output: seed } });
  });
});

describe("LangChain.js RemoteRunnable 0.3.80 against /chat", () => {
  it("invokes and batches to AI messages telling the joke", async () => {
    const message = await remote("/chat").invoke({ topic: "bears" });
    expect(message.constructor.name).toBe("AIMessage");
    expect(message.content).toBe(JOKE);
    const batch = await remote("/chat").batch([{ topic: "bears" }, { topic: "cats" }]);
    expect(batch.map((m: { content: string }) => m.content)).toEqual([JOKE, JOKE]);
  });

  it("streams AIMessageChunks, one per token, that concatenate to the joke", async () => {
    const chunks = await collect(remote("/chat").stream({ topic: "bears" }));
    expect(chunks.every((c) => c.constructor.name === "AIMessageChunk")).toBe(true);
    expect(chunks.map((c) => c.content)).toEqual(TOKENS);
    expect(chunks.reduce((acc, c) => acc.concat(c)).content).toBe(JOKE);
  });

  it("streams a run log with the prompt and model entries, and v2 model events", async () => {
    const { state } = await runLogState("/chat", { topic: "bears" });
    expect(Object.keys(state.logs).sort()).toEqual(["ChatPromptTemplate", "GenericFakeChatModel"]);
    expect(state.logs.GenericFakeChatModel.streamed_output_str).toEqual(TOKENS);
    expect(state.final_output.content).toBe(JOKE);
    const evs = await events("/chat", { topic: "bears" });
    const streamed = evs.filter((e) => e.event === "on_chat_model_stream");
    expect(streamed.map((e) => e.data.chunk.content)).toEqual(TOKENS);
    expect(evs.at(-1)).toMatchObject({ event: "on_chain_end", name: "/chat" });
  });
});

describe("LangChain.js RemoteRunnable 0.3.80 against /rag", () => {
  it("invokes (LangServe answers 500 here) and batches to the answer with its Document context", async () => {
    const output = await remote("/rag").invoke(QUESTION);
    expect(output.output).toBe(RAG_ANSWER);
    expect(output.question).toBe(QUESTION);
    expect(output.context[0].constructor.name).toBe("Document");
    expect(output.context[0].pageContent).toBe("harrison worked at kensho");
    const batch = await remote("/rag").batch([QUESTION, QUESTION]);
    expect(batch.map((o: { output: string }) => o.output)).toEqual([RAG_ANSWER, RAG_ANSWER]);
  });

  it("streams the question, the context, then the answer's tokens under `output`", async () => {
    const chunks = (await collect(remote("/rag").stream(QUESTION))) as Record<string, unknown>[];
    const outputs = chunks.filter((c) => "output" in c).map((c) => c.output);
    expect(outputs).toEqual(RAG_ANSWER.split(/(\s)/));
    expect(chunks.find((c) => "question" in c)).toEqual({ question: QUESTION });
    expect(chunks.some((c) => "context" in c)).toBe(true);
  });

  it("streams a run log with the `Docs` retriever entry", async () => {
    const { state } = await runLogState("/rag", QUESTION);
    const docs = state.logs.Docs;
    expect(docs).toMatchObject({ name: "Docs", type: "retriever", tags: ["map:key:context"], end_time: expect.any(String) });
    expect(docs.final_output.documents[0].pageContent).toBe("harrison worked at kensho");
    expect(state.final_output.output).toBe(RAG_ANSWER);
    const filtered = await runLogState("/rag", QUESTION, { includeNames: ["Docs"] });
    expect(Object.keys(filtered.state.logs)).toEqual(["Docs"]);
  });

  it("streams v2 events with the retriever's and the parser's", async () => {
    const evs = await events("/rag", QUESTION);
    expect(evs.find((e) => e.event === "on_retriever_end" && e.name === "Docs")?.data.output[0].pageContent).toBe("harrison worked at kensho");
    const parsed = evs.filter((e) => e.event === "on_parser_stream").map((e) => e.data.chunk);
    expect(parsed.join("")).toBe(RAG_ANSWER);
    expect(evs.at(-1)).toMatchObject({ event: "on_chain_end", name: "/rag", data: { output: { output: RAG_ANSWER } } });
  });
});

describe("LangChain.js RemoteRunnable 0.3.80 against /boom", () => {
  it("rejects invoke and batch with the 500 JSON body", async () => {
    await expect(remote("/boom").invoke(1)).rejects.toThrow(/^500 Error: .*Internal Server Error/);
    await expect(remote("/boom").batch([1, 2])).rejects.toThrow(/^500 Error/);
  });

  it("rejects stream, streamLog and streamEvents with the SSE error event", async () => {
    await expect(collect(remote("/boom").stream(1))).rejects.toThrow(/"status_code": ?500/);
    await expect(collect(remote("/boom").streamLog(1))).rejects.toThrow(/"status_code": ?500/);
    await expect(collect(remote("/boom").streamEvents(1, { version: "v2" }))).rejects.toThrow(/"status_code": ?500/);
  });

  it("rejects a stream that fails validation with the JSON error's message", async () => {
    await expect(collect(remote("/chat").stream(5))).rejects.toThrow(/RemoteRunnable call failed with status code 422: Input should be a valid dictionary/);
  });
});
