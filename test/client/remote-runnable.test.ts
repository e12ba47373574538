/**
 * RemoteRunnable against chainserve's own server over a real port: every method round-trips,
 * with revived objects, for both transports (undici by default, `fetch` when passed).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, AIMessageChunk, HumanMessage, RunnableLambda, concat, type RunLog, type RunLogPatch } from "../../src/core/index.js";
import { RunLogPatch as RunLogPatchClass } from "../../src/core/tracing/run-log.js";
import { RemoteRunnable } from "../../src/client/index.js";
import { JOKE, startTestServer, type TestServer } from "./fixtures.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const transports = [
  ["undici", undefined],
  ["fetch", globalThis.fetch.bind(globalThis)],
] as const;

describe.each(transports)("over %s", (_name, fetchImpl) => {
  const chat = () => new RemoteRunnable<{ topic: string }, AIMessage>({ url: `${server.base}/chat`, fetch: fetchImpl });
  const echo = () => new RemoteRunnable<unknown, unknown>({ url: `${server.base}/echo/`, fetch: fetchImpl });

  it("invokes and revives the output message with its id", async () => {
    const message = await chat().invoke({ topic: "bears" });
    expect(message).toBeInstanceOf(AIMessage);
    expect(message.content).toBe(JOKE);
    expect(typeof message.id).toBe("string");
  });

  it("sends messages in the input and gets them back revived, fields intact", async () => {
    const human = new HumanMessage({ content: "hi", id: "m-1", name: "ann" });
    const ai = new AIMessage({
      content: "",
      id: "m-2",
      tool_calls: [{ name: "search", args: { q: "bears" }, id: "call-1", type: "tool_call" }],
      usage_metadata: { input_tokens: 3, output_tokens: 5, total_tokens: 8 },
    });
    const output = (await echo().invoke({ history: [human, ai] })) as { history: [HumanMessage, AIMessage] };
    expect(output.history[0]).toBeInstanceOf(HumanMessage);
    expect(output.history[0]).toMatchObject({ content: "hi", id: "m-1", name: "ann" });
    expect(output.history[1]).toBeInstanceOf(AIMessage);
    expect(output.history[1].tool_calls).toEqual([{ name: "search", args: { q: "bears" }, id: "call-1", type: "tool_call" }]);
    expect(output.history[1].usage_metadata).toMatchObject({ input_tokens: 3, output_tokens: 5, total_tokens: 8 });
  });

  it("keeps plain objects with a text or messages key plain", async () => {
    expect(await echo().invoke({ text: "hello", score: 1 })).toEqual({ text: "hello", score: 1 });
    expect(await echo().invoke({ messages: "not a list" })).toEqual({ messages: "not a list" });
  });

  it("batches in one request, outputs in input order", async () => {
    expect(await echo().batch([1, { a: 1 }, "x", null, [1, 2]])).toEqual([1, { a: 1 }, "x", null, [1, 2]]);
    expect(await echo().batch([])).toEqual([]);
  });

  it("streams revived chunks that concatenate to the joke", async () => {
    const chunks: AIMessage[] = [];
    for await (const chunk of await chat().stream({ topic: "bears" })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.every((c) => c instanceof AIMessageChunk)).toBe(true);
    const total = chunks.reduce((acc, c) => concat(acc, c));
    expect(total.content).toBe(JOKE);
  });

  it("streams the run log as patches whose fold gives the final output", async () => {
    const patches: RunLogPatch[] = [];
    for await (const patch of chat().streamLog({ topic: "bears" })) patches.push(patch);
    expect(patches[0]).toBeInstanceOf(RunLogPatchClass);
    expect(patches[0]?.ops[0]).toMatchObject({ op: "replace", path: "" });
    const log = patches.slice(1).reduce<RunLog>((acc, p) => acc.concat(p), new RunLogPatchClass([]).concat(patches[0] as RunLogPatch));
    expect((log.state.final_output as AIMessageChunk).content).toBe(JOKE);
    expect(Object.keys(log.state.logs)).toEqual(expect.arrayContaining(["ChatPromptTemplate", "GenericFakeChatModel"]));
  });

  it("sends the stream_log filters", async () => {
    let last: { state: { logs: Record<string, unknown> } } | undefined;
    for await (const log of chat().streamLog({ topic: "bears" }, undefined, { diff: false, includeNames: ["GenericFakeChatModel"] })) last = log;
    expect(Object.keys(last?.state.logs ?? {})).toEqual(["GenericFakeChatModel"]);
  });

  it("streams events v2 with parent_ids and revived chunks", async () => {
    const events = [];
    for await (const event of chat().streamEvents({ topic: "bears" }, { version: "v2" })) events.push(event);
    const root = events[0];
    expect(root?.event).toBe("on_chain_start");
    expect(root?.parent_ids).toEqual([]);
    const token = events.find((e) => e.event === "on_chat_model_stream");
    expect(token?.parent_ids).toEqual([root?.run_id]);
    expect((token?.data as { chunk: unknown }).chunk).toBeInstanceOf(AIMessageChunk);
    expect(events.at(-1)?.event).toBe("on_chain_end");
  });

  it("sends the stream_events filters", async () => {
    const names = new Set<string>();
    for await (const event of chat().streamEvents({ topic: "bears" }, { version: "v2" }, { includeTypes: ["chat_model"] })) names.add(event.event);
    expect([...names].sort()).toEqual(["on_chat_model_end", "on_chat_model_start", "on_chat_model_stream"]);
  });

  it("fetches the input, output and config schemas", async () => {
    const remote = chat();
    expect(await remote.fetchInputSchema()).toMatchObject({ type: "object", properties: { topic: { type: "string" } } });
    expect(typeof (await remote.fetchOutputSchema())).toBe("object");
    expect(await remote.fetchConfigSchema()).toMatchObject({ type: "object" });
  });

  it("sends headers from an object or a function, per request", async () => {
    let n = 0;
    const fixed = new RemoteRunnable({ url: `${server.base}/headers`, headers: { Authorization: "Bearer a" }, fetch: fetchImpl });
    const fresh = new RemoteRunnable({ url: `${server.base}/headers`, headers: async () => ({ authorization: `Bearer ${++n}` }), fetch: fetchImpl });
    expect(await fixed.invoke(null)).toMatchObject({ authorization: "Bearer a", "content-type": "application/json" });
    expect(await fresh.invoke(null)).toMatchObject({ authorization: "Bearer 1" });
    expect(await fresh.invoke(null)).toMatchObject({ authorization: "Bearer 2" });
  });
});

describe("as a runnable", () => {
  it("composes with pipe and withRetry", async () => {
    const remote = new RemoteRunnable<{ topic: string }, AIMessage>({ url: `${server.base}/chat` });
    const chain = remote.withRetry({ stopAfterAttempt: 2 }).pipe((m: AIMessage) => String(m.content).length);
    expect(await chain.invoke({ topic: "bears" })).toBe(JOKE.length);
  });

  it("shows up as a normal run in a local streamEvents over a chain containing it", async () => {
    const remote = new RemoteRunnable<{ topic: string }, AIMessage>({ url: `${server.base}/chat` });
    const local = RunnableLambda.from((topic: string) => ({ topic })).pipe(remote);
    const events = [];
    for await (const event of local.streamEvents("bears", { version: "v2" })) events.push(event);
    const mine = events.filter((e) => e.name === "RemoteRunnable");
    expect(mine.map((e) => e.event)).toEqual(expect.arrayContaining(["on_chain_start", "on_chain_stream", "on_chain_end"]));
    const end = mine.find((e) => e.event === "on_chain_end");
    expect(((end?.data as { output: AIMessageChunk }).output).content).toBe(JOKE);
    expect(mine[0]?.parent_ids).toEqual([events[0]?.run_id]);
  });
});
