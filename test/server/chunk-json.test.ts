import { describe, expect, it } from "vitest";
import {
  AIMessage,
  AIMessageChunk,
  ChatPromptValue,
  Document,
  FakeChatModel,
  HumanMessage,
  RunnableLambda,
  RunnableParallel,
  RunnablePassthrough,
  ChatPromptTemplate,
  StrOutputParser,
  dispatchCustomEvent,
  type Runnable,
  type RunnableConfig,
} from "../../src/core/index.js";
import { toLangServe } from "../../src/serde/lc-json.js";
import { encodeDataFrame } from "../../src/serde/sse.js";
import { createChunkEncoder, createDataFrameEncoder } from "../../src/server/chunk-json.js";
import { createEventEncoder } from "../../src/server/stream-events.js";

const reference = (value: unknown): string => JSON.stringify(toLangServe(value) ?? null);

async function everything(runnable: Runnable, input: unknown): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of await runnable.stream(input)) out.push(chunk);
  for await (const patch of runnable.streamLog(input)) out.push(patch);
  for await (const event of runnable.streamEvents(input, { version: "v2" })) out.push(event);
  return out;
}

describe("the streaming chunk encoder", () => {
  it("produces exactly the bytes of JSON.stringify(toLangServe(x)) for the reference chains' streams", async () => {
    const model = new FakeChatModel({ responses: ["Why don't bears wear shoes? Because they have bear feet!"] });
    const chat = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model);
    const rag = RunnableParallel.from({
      context: RunnableLambda.from(() => [new Document({ pageContent: "harrison worked at kensho" })]).withConfig({ runName: "Docs" }),
      question: new RunnablePassthrough(),
    }).pipe(
      RunnablePassthrough.assign({
        output: ChatPromptTemplate.fromTemplate("Answer: {context} {question}").pipe(model).pipe(new StrOutputParser()),
      }),
    );
    const values = [...(await everything(chat, { topic: "bears" })), ...(await everything(rag, "where did harrison work?"))];
    expect(values.length).toBeGreaterThan(100);
    const encode = createChunkEncoder();
    for (const value of values) expect(encode(value)).toBe(reference(value));
  });

  it("matches the reference for odd values too", () => {
    const encode = createChunkEncoder();
    const odd: unknown[] = [
      null,
      "plain \"quoted\" \n text \u2028",
      42,
      [1, "two", { three: 3 }],
      { text: "hello", score: 1 },
      new AIMessageChunk({ content: "x", id: "a", additional_kwargs: { k: 1 }, usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } }),
      new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "f", args: '{"a": 1}', id: "c1", index: 0 }] }),
      new AIMessage({ content: "done", tool_calls: [{ name: "f", args: { a: 1 }, id: "c1" }] }),
      new ChatPromptValue([new HumanMessage("hi")]),
      { nested: { message: new AIMessageChunk("deep"), when: new Date(0), gone: undefined } },
      new AIMessageChunk("same"),
      new AIMessageChunk("same"),
    ];
    for (const value of odd) expect(encode(value)).toBe(reference(value));
  });

  it("writes JSON-patch ops from remembered heads exactly as the reference", () => {
    const encode = createChunkEncoder();
    const chunk = new AIMessageChunk({ content: "tok", id: "run--1" });
    const ops: unknown[] = [
      { op: "add", path: "/streamed_output/-", value: chunk },
      { op: "add", path: "/streamed_output/-", value: "again" },
      { op: "replace", path: "/streamed_output/-", value: 1 },
      { op: "replace", path: "/final_output", value: { content: "x" } },
      { op: "add", path: "/logs/we\"ird\n/x", value: [1, 2] },
      { op: "add", path: "/logs/a", value: undefined },
      { op: "add", path: "/logs/b", value: () => 1 },
      { op: "add", path: "/logs/c", value: null, from: "/x" },
      { path: "/logs/d", op: "add", value: 2 },
      { op: "remove", path: "/logs/e" },
      { op: "test", path: "/final_output", value: 5 },
      { op: "test", path: "/final_output", value: 6 },
      { op: "add", path: "/final_output", value: 7 },
      { op: 1, path: "/logs/f", value: 3 },
      { op: "add", path: 7, value: 4 },
      { "we\"ird key": 1, "\u2028": 2 },
    ];
    // More distinct paths than the encoder remembers, then the first ones again.
    for (let i = 0; i < 600; i++) ops.push({ op: "add", path: `/logs/run${i}/streamed_output/-`, value: i });
    for (let i = 0; i < 10; i++) ops.push({ op: "add", path: `/logs/run${i}/streamed_output/-`, value: i });
    for (const op of ops) expect(encode({ ops: [op] })).toBe(reference({ ops: [op] }));
    expect(encode({ ops })).toBe(reference({ ops }));
  });

  it("writes text chunks from the template exactly as the reference, as JSON and as frames", () => {
    const extra = new AIMessageChunk({ content: "extra field", id: "x" });
    (extra as unknown as Record<string, unknown>).note = "lc-json ignores it";
    const withMetadata = new AIMessageChunk({ content: "meta", id: "x", response_metadata: { finish_reason: "stop" } });
    const chunks: unknown[] = [
      new AIMessageChunk({ content: "Why", id: "run-1" }),
      new AIMessageChunk({ content: " don't", id: "run-1" }),
      new AIMessageChunk({ content: "line\nbreak \"quoted\" back\\slash \u0007", id: "run-1" }),
      new AIMessageChunk({ content: "caf\u00e9 \ud83d\ude00 lone \ud800", id: "run-1" }),
      new AIMessageChunk({ content: "x".repeat(40), id: "run-1" }),
      new AIMessageChunk({ content: "y".repeat(300) + "\n", id: "run-1" }),
      new AIMessageChunk({ content: "", id: "run-2" }),
      new AIMessageChunk({ content: "no id" }),
      new AIMessageChunk({ content: "odd id", id: 'a"b' }),
      new AIMessageChunk({ content: "back to run-1", id: "run-1" }),
      new AIMessageChunk({ content: [{ type: "text", text: "parts" }], id: "run-1" }),
      extra,
      withMetadata,
      new AIMessageChunk({ content: "calls", tool_call_chunks: [{ name: "f", args: "{}", id: "c", index: 0 }] }),
      { wrapped: new AIMessageChunk({ content: "in a patch", id: "run-1" }) },
    ];
    const json = createChunkEncoder();
    const frame = createDataFrameEncoder();
    for (const chunk of chunks) {
      expect(json(chunk)).toBe(reference(chunk));
      expect(frame(chunk)).toBe(encodeDataFrame(reference(chunk)));
    }
  });

  it("encodes stream events as the reference does, __ metadata stripped, run fragments reused", async () => {
    const model = new FakeChatModel({ responses: ["one two three"] });
    const chain = ChatPromptTemplate.fromTemplate("say {x}")
      .pipe(model.withConfig({ tags: ["model-tag"], metadata: { kept: 1, __hidden: "no" } }))
      .pipe(new StrOutputParser());
    const events: Record<string, unknown>[] = [];
    const config = { version: "v2" as const, tags: ["root"], metadata: { __useragent: "ua", user: "u" } };
    for await (const event of chain.streamEvents({ x: "hi" }, config)) events.push(event as unknown as Record<string, unknown>);
    expect(events.length).toBeGreaterThan(10);
    const strip = (m: Record<string, unknown>) => Object.fromEntries(Object.entries(m).filter(([k]) => !k.startsWith("__")));
    const encode = createEventEncoder();
    for (const event of events) {
      const expected = { ...event, metadata: strip(event.metadata as Record<string, unknown>) };
      expect(encode(event)).toBe(encodeDataFrame(reference(expected)));
    }
    // No __ key survives, and the model's own metadata is kept.
    const text = events.map((e) => encode(e)).join("");
    expect(text).not.toContain("__");
    expect(text).toContain('"kept":1');
  });

  it("writes a custom event's own name, not its run's (the run's other fields are shared)", async () => {
    const worker = new RunnableLambda({
      name: "Worker",
      func: (x: string, config: RunnableConfig) => {
        dispatchCustomEvent("progress", { pct: 50 }, config);
        dispatchCustomEvent("done", { pct: 100 }, config);
        return x.toUpperCase();
      },
    });
    const encode = createEventEncoder();
    const frames: string[] = [];
    for await (const event of worker.streamEvents("go", { version: "v2", metadata: { user: "u" } })) {
      expect(encode(event)).toBe(encodeDataFrame(reference(event)));
      frames.push(encode(event));
    }
    expect(frames.filter((f) => f.includes('"event":"on_custom_event"')).map((f) => /"name":"(\w+)"/.exec(f)?.[1])).toEqual(["progress", "done"]);
  });
});
