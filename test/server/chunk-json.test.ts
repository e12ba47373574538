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
import { createChunkEncoder, createDataFrameEncoder, nonAsciiCount } from "../../src/server/chunk-json.js";
import { createEventEncoder } from "../../src/server/stream-events.js";

const reference = (value: unknown): string => JSON.stringify(toLangServe(value) ?? null);

/**
 * `encode(value)`, checking the encoder's ASCII claim (no rise in nonAsciiCount) against the
 * text: a false "ASCII" would make the server send the text as latin1 and corrupt it.
 */
function checked(encode: (value: unknown) => string, value: unknown): string {
  const before = nonAsciiCount();
  const text = encode(value);
  expect(nonAsciiCount() === before, `ASCII claim for ${text.slice(0, 120)}`).toBe(!/[\u0080-\uffff]/.test(text));
  return text;
}

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
        output: ChatPromptTemplate.fromTemplate<string, Record<string, unknown>>("Answer: {context} {question}").pipe(model).pipe(new StrOutputParser()),
      }),
    );
    const values = [...(await everything(chat, { topic: "bears" })), ...(await everything(rag, "where did harrison work?"))];
    expect(values.length).toBeGreaterThan(100);
    const encode = createChunkEncoder();
    for (const value of values) expect(checked(encode, value)).toBe(reference(value));
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
    for (const value of odd) expect(checked(encode, value)).toBe(reference(value));
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
    for (const op of ops) expect(checked(encode, { ops: [op] })).toBe(reference({ ops: [op] }));
    expect(checked(encode, { ops })).toBe(reference({ ops }));
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
      expect(checked(json, chunk)).toBe(reference(chunk));
      expect(checked(frame, chunk)).toBe(encodeDataFrame(reference(chunk)));
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
      expect(checked(encode, event)).toBe(encodeDataFrame(reference(expected)));
    }
    // No __ key survives, and the model's own metadata is kept.
    const text = events.map((e) => encode(e)).join("");
    expect(text).not.toContain("__");
    expect(text).toContain('"kept":1');
  });

  it("counts text outside ASCII wherever it sits, also when it comes from a remembered piece", () => {
    const accented = new AIMessageChunk({ content: "caf\u00e9", id: "run-1" });
    const oddId = new AIMessageChunk({ content: "ok", id: "r\u00fcn-1" });
    const values: unknown[] = [
      "plain",
      { ops: [{ op: "add", path: "/logs/Mod\u00e8le/streamed_output/-", value: 1 }] },
      { ops: [{ op: "add", path: "/logs/Model/streamed_output/-", value: "\ud83d\udc3b" }] },
      { "cl\u00e9": 1, key: "value" },
      accented,
      oddId,
      // Another chunk of the same run: its id's JSON is remembered from the one before.
      new AIMessageChunk({ content: "second", id: "r\u00fcn-1" }),
      { wrapped: oddId, again: accented },
      new AIMessage({ content: "na\u00efve", tool_calls: [{ name: "f", args: { q: "\u65e5\u672c" }, id: "c1" }] }),
      new Document({ pageContent: "\u65e5\u672c\u8a9e" }),
      new Document({ pageContent: "ascii only" }),
      { nested: [1, "two", { three: "dr\u00e9i" }] },
      new AIMessageChunk({ content: "plain again", id: "run-1" }),
    ];
    // One encoder of each kind sees every value three times: the later rounds hit its caches.
    const json = createChunkEncoder();
    const frame = createDataFrameEncoder();
    for (let round = 0; round < 3; round++) {
      for (const value of values) {
        expect(checked(json, value)).toBe(reference(value));
        expect(checked(frame, value)).toBe(encodeDataFrame(reference(value)));
      }
    }
  });

  it("counts stream events outside ASCII, from run fragments and event names it remembers too", async () => {
    const model = new FakeChatModel({ responses: ["s\u00fc\u00df \ud83d\udc3b ok"] });
    const worker = new RunnableLambda({
      name: "Arbeiter",
      func: (x: string, config: RunnableConfig) => {
        dispatchCustomEvent("fortschritt-\u00fc", { pct: 50 }, config);
        return x;
      },
    });
    const chain = ChatPromptTemplate.fromTemplate("sag {x}")
      .pipe(model.withConfig({ runName: "Mod\u00e8le", tags: ["\u00e9tiquette"], metadata: { lang: "fran\u00e7ais" } }))
      .pipe(new StrOutputParser())
      .pipe(worker);
    const events: unknown[] = [];
    for await (const event of chain.streamEvents({ x: "hallo" }, { version: "v2", metadata: { user: "J\u00fcrgen" } })) events.push(event);
    const encode = createEventEncoder();
    for (let round = 0; round < 2; round++) for (const event of events) expect(checked(encode, event)).toBe(encodeDataFrame(reference(event)));
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
      expect(checked(encode, event)).toBe(encodeDataFrame(reference(event)));
      frames.push(encode(event));
    }
    expect(frames.filter((f) => f.includes('"event":"on_custom_event"')).map((f) => /"name":"(\w+)"/.exec(f)?.[1])).toEqual(["progress", "done"]);
  });
});
