import { describe, expect, test } from "vitest";
import { Document } from "../../src/core/documents/index.js";
import {
  AIMessage,
  AIMessageChunk,
  ChatMessage,
  ChatMessageChunk,
  HumanMessage,
  HumanMessageChunk,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
} from "../../src/core/messages/index.js";
import { ChatPromptValue, StringPromptValue } from "../../src/core/prompt-values.js";
import { fromLangServe, toLangServe } from "../../src/serde/lc-json.js";

// Lines copied from the Python LangServe captures (langchain-core 0.3.77) in shared/spec/langserve-captures.
const CAPTURE = {
  // chat_stream.http, first `event: data`
  aiChunk:
    '{"content":"Why","additional_kwargs":{},"response_metadata":{},"type":"AIMessageChunk","name":null,"id":"run--d10c7a52-aa89-4734-a96b-581024e49d8b","example":false,"tool_calls":[],"invalid_tool_calls":[],"usage_metadata":null,"tool_call_chunks":[]}',
  // chat_invoke.http, `output`
  ai: '{"content":"Why don\'t bears wear shoes? Because they have bear feet!","additional_kwargs":{},"response_metadata":{},"type":"ai","name":null,"id":"run--1097204f-ff89-4078-9fa4-67bb0e914934-0","example":false,"tool_calls":[],"invalid_tool_calls":[],"usage_metadata":null}',
  // chat_stream_events.http, on_chat_model_start `data`
  chatModelStart:
    '{"input":{"messages":[[{"content":"tell me a joke about bears","additional_kwargs":{},"response_metadata":{},"type":"human","name":null,"id":null,"example":false}]]}}',
  // chat_stream_events_v2.http, on_prompt_end `data.output`
  promptEnd:
    '{"messages":[{"content":"tell me a joke about bears","additional_kwargs":{},"response_metadata":{},"type":"human","name":null,"id":null}]}',
  // rag_stream_events.http, on_retriever_end `data.output[0]`
  document: '{"id":null,"metadata":{},"page_content":"harrison worked at kensho","type":"Document"}',
};

const dump = (value: unknown): string => JSON.stringify(toLangServe(value));
const roundTrip = (value: unknown): unknown => fromLangServe(JSON.parse(dump(value)));

describe("toLangServe matches the Python captures byte for byte", () => {
  test("a streamed AIMessageChunk", () => {
    expect(dump(new AIMessageChunk({ content: "Why", id: "run--d10c7a52-aa89-4734-a96b-581024e49d8b" }))).toBe(CAPTURE.aiChunk);
  });

  test("an invoked AIMessage", () => {
    const m = new AIMessage({ content: "Why don't bears wear shoes? Because they have bear feet!", id: "run--1097204f-ff89-4078-9fa4-67bb0e914934-0" });
    expect(dump(m)).toBe(CAPTURE.ai);
  });

  test("a HumanMessage nested in plain data is dumped in full", () => {
    expect(dump({ input: { messages: [[new HumanMessage("tell me a joke about bears")]] } })).toBe(CAPTURE.chatModelStart);
  });

  test("a ChatPromptValue has no type and its messages are cut to the base fields", () => {
    expect(dump(new ChatPromptValue([new HumanMessage("tell me a joke about bears")]))).toBe(CAPTURE.promptEnd);
    const cut = toLangServe(new ChatPromptValue([new AIMessage({ content: "x", tool_calls: [{ name: "f", args: {}, id: "c" }] })]));
    expect(cut).toEqual({ messages: [{ content: "x", additional_kwargs: {}, response_metadata: {}, type: "ai", name: null, id: null }] });
  });

  test("a Document", () => {
    expect(dump([new Document({ pageContent: "harrison worked at kensho" })])).toBe(`[${CAPTURE.document}]`);
  });
});

describe("toLangServe shapes from the protocol spec", () => {
  test("an AI message with a tool call and usage", () => {
    const m = new AIMessage({
      content: "",
      tool_calls: [{ name: "f", args: { a: 1 }, id: "c1" }],
      invalid_tool_calls: [{ name: "g", args: "{", error: "bad" }],
      usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3 },
    });
    expect(dump(m)).toBe(
      '{"content":"","additional_kwargs":{},"response_metadata":{},"type":"ai","name":null,"id":null,"example":false,' +
        '"tool_calls":[{"name":"f","args":{"a":1},"id":"c1","type":"tool_call"}],' +
        '"invalid_tool_calls":[{"name":"g","args":"{","id":null,"error":"bad","type":"invalid_tool_call"}],' +
        '"usage_metadata":{"input_tokens":1,"output_tokens":2,"total_tokens":3}}',
    );
  });

  test("a tool-call chunk", () => {
    const m = new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "f", args: '{"a', id: "c1", index: 0 }] });
    expect(JSON.stringify((toLangServe(m) as { tool_call_chunks: unknown }).tool_call_chunks)).toBe(
      '[{"name":"f","args":"{\\"a","id":"c1","index":0,"type":"tool_call_chunk"}]',
    );
  });

  test("tool, system and chat messages with their extras", () => {
    expect(dump(new ToolMessage("r", "c1"))).toBe(
      '{"content":"r","additional_kwargs":{},"response_metadata":{},"type":"tool","name":null,"id":null,"tool_call_id":"c1","artifact":null,"status":"success"}',
    );
    expect(dump(new SystemMessage("s"))).toBe('{"content":"s","additional_kwargs":{},"response_metadata":{},"type":"system","name":null,"id":null}');
    expect(dump(new ChatMessage("c", "critic"))).toBe(
      '{"content":"c","additional_kwargs":{},"response_metadata":{},"type":"chat","name":null,"id":null,"role":"critic"}',
    );
    expect(dump(new HumanMessageChunk("h"))).toBe(
      '{"content":"h","additional_kwargs":{},"response_metadata":{},"type":"HumanMessageChunk","name":null,"id":null,"example":false}',
    );
    expect((toLangServe(new ChatMessageChunk("c", "r")) as { type: string }).type).toBe("ChatMessageChunk");
  });

  test("prompt values", () => {
    expect(dump(new StringPromptValue("say hi"))).toBe('{"text":"say hi","type":"StringPromptValue"}');
    expect(JSON.stringify(toLangServe(new ChatPromptValue([new HumanMessage("h")]), { concretePromptValues: true }))).toBe(
      '{"messages":[{"content":"h","additional_kwargs":{},"response_metadata":{},"type":"human","name":null,"id":null,"example":false}],"type":"ChatPromptValueConcrete"}',
    );
  });

  test("dates, non-finite numbers, bigints, maps, sets and undefined", () => {
    const value = { d: new Date("2020-01-01T00:00:00Z"), n: Number.NaN, i: -Infinity, b: 10n, m: new Map([["k", 1]]), s: new Set([1, 2]), u: undefined, f: () => 1 };
    expect(toLangServe(value)).toEqual({ d: "2020-01-01T00:00:00.000Z", n: null, i: null, b: "10", m: { k: 1 }, s: [1, 2] });
    expect(Object.keys(toLangServe({ a: 1, u: undefined }) as object)).toEqual(["a"]);
  });

  test("class instances use toJSON or their own fields", () => {
    class WithJson {
      toJSON() {
        return { kind: "json" };
      }
    }
    class Bag {
      x = 1;
      doc = new Document({ pageContent: "p" });
    }
    expect(toLangServe(new WithJson())).toEqual({ kind: "json" });
    expect(toLangServe(new Bag())).toEqual({ x: 1, doc: { id: null, metadata: {}, page_content: "p", type: "Document" } });
  });

  test("plain data is returned as the same reference, and only changed paths are copied", () => {
    const plain = { a: [1, { b: "x" }], c: { d: null } };
    expect(toLangServe(plain)).toBe(plain);
    const mixed = { keep: { deep: [1] }, msg: new HumanMessage("h") };
    const out = toLangServe(mixed) as typeof mixed;
    expect(out).not.toBe(mixed);
    expect(out.keep).toBe(mixed.keep);
  });

  test("a __proto__ key from JSON stays an own key", () => {
    const parsed = JSON.parse('{"__proto__":{"x":1},"m":{"type":"human","content":"h"}}') as Record<string, unknown>;
    const out = toLangServe(fromLangServe(parsed)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toContain('"__proto__":{"x":1}');
  });
});

describe("fromLangServe", () => {
  test("revives the captured chunk with every field", () => {
    const m = fromLangServe(JSON.parse(CAPTURE.aiChunk));
    expect(m).toStrictEqual(new AIMessageChunk({ content: "Why", id: "run--d10c7a52-aa89-4734-a96b-581024e49d8b" }));
  });

  test("revives messages inside plain data and leaves the structure plain", () => {
    const data = fromLangServe(JSON.parse(CAPTURE.chatModelStart)) as { input: { messages: unknown[][] } };
    expect(data.input.messages[0]?.[0]).toStrictEqual(new HumanMessage("tell me a joke about bears"));
  });

  test("an untyped messages object stays plain, with revived messages", () => {
    const out = fromLangServe(JSON.parse(CAPTURE.promptEnd)) as { messages: unknown[] };
    expect(out.constructor).toBe(Object);
    expect(out.messages[0]).toBeInstanceOf(HumanMessage);
  });

  test("objects that merely have a text or messages key stay plain", () => {
    const text = { text: "hello", score: 1 };
    expect(fromLangServe(text)).toBe(text);
    expect(fromLangServe({ messages: "x" })).toEqual({ messages: "x" });
  });

  test("a typed dict without content stays a dict", () => {
    expect(fromLangServe({ type: "ai" })).toEqual({ type: "ai" });
    expect(fromLangServe({ type: "tool", content: "x" })).toEqual({ type: "tool", content: "x" });
    expect(fromLangServe({ type: "constructor", content: "x" })).toEqual({ type: "constructor", content: "x" });
  });

  test("minimal and short-tag forms revive", () => {
    expect(fromLangServe({ type: "generic", role: "r", content: "x" })).toStrictEqual(new ChatMessage("x", "r"));
    expect(fromLangServe({ type: "HumanMessage", content: "x" })).toStrictEqual(new HumanMessage("x"));
    expect(fromLangServe({ page_content: "p", metadata: { a: 1 }, id: "d1" })).toStrictEqual(new Document({ pageContent: "p", metadata: { a: 1 }, id: "d1" }));
    expect(fromLangServe({ type: "ChatPromptValue", messages: [{ type: "human", content: "h" }] })).toStrictEqual(new ChatPromptValue([new HumanMessage("h")]));
  });

  test("generation shapes stay plain with a revived message", () => {
    const gen = fromLangServe({ text: "t", generation_info: null, type: "ChatGenerationChunk", message: JSON.parse(CAPTURE.aiChunk) }) as { message: unknown };
    expect(gen.message).toBeInstanceOf(AIMessageChunk);
  });

  test("the LangChain.js client's input forms revive", () => {
    expect(fromLangServe({ content: "hi", type: "human", additional_kwargs: {}, example: false })).toStrictEqual(new HumanMessage("hi"));
    expect(fromLangServe({ content: "r", type: "tool", additional_kwargs: {}, tool_call_id: "c1" })).toStrictEqual(new ToolMessage("r", "c1"));
    expect(fromLangServe({ pageContent: "p", metadata: { s: 1 } })).toStrictEqual(new Document({ pageContent: "p", metadata: { s: 1 } }));
    const spv = { lc_serializable: true, lc_kwargs: { value: "z" }, lc_namespace: ["langchain_core", "prompt_values"], value: "z" };
    expect(fromLangServe(spv)).toStrictEqual(new StringPromptValue("z"));
    const cpv = { lc_serializable: true, lc_kwargs: {}, lc_namespace: ["langchain_core", "prompt_values"], messages: [{ content: "h", type: "human", additional_kwargs: {} }] };
    expect(fromLangServe(cpv)).toStrictEqual(new ChatPromptValue([new HumanMessage("h")]));
    const lc = { lc: 1, type: "constructor", id: ["langchain_core", "messages", "AIMessage"], kwargs: { content: "a", tool_calls: [], additional_kwargs: {} } };
    expect(fromLangServe(lc)).toStrictEqual(new AIMessage("a"));
  });

  test("every class round-trips with all fields set", () => {
    const base = { name: "n", id: "i", additional_kwargs: { k: [1, { v: "x" }] }, response_metadata: { finish_reason: "stop" } };
    const usage = { input_tokens: 1, output_tokens: 2, total_tokens: 3, input_token_details: { cache_read: 1 } };
    const values = [
      new HumanMessage({ ...base, content: [{ type: "text", text: "h" }] }),
      new HumanMessageChunk({ ...base, content: "h" }),
      new SystemMessage({ ...base, content: "s" }),
      new SystemMessageChunk({ ...base, content: "s" }),
      new AIMessage({ ...base, content: "a", tool_calls: [{ name: "f", args: { a: 1 }, id: "c" }], invalid_tool_calls: [{ name: "g", args: "{", id: "d", error: "e" }], usage_metadata: usage }),
      new AIMessageChunk({ ...base, content: "a", tool_call_chunks: [{ name: "f", args: '{"a": 1}', id: "c", index: 0 }, { name: "g", args: "[", index: 1 }], usage_metadata: usage }),
      new ToolMessage({ ...base, content: "t", tool_call_id: "c", status: "error", artifact: { raw: [1, 2] } }),
      new ToolMessageChunk({ ...base, content: "t", tool_call_id: "c", status: "error", artifact: "a" }),
      new ChatMessage({ ...base, content: "c", role: "critic" }),
      new ChatMessageChunk({ ...base, content: "c", role: "critic" }),
      new Document({ pageContent: "p", metadata: { source: "s", n: 1 }, id: "d1" }),
      new StringPromptValue("say hi"),
    ];
    for (const value of values) expect(roundTrip(value)).toStrictEqual(value);
    expect(roundTrip({ nested: values })).toStrictEqual({ nested: values });
  });

  test("a ChatPromptValue round-trips through the concrete form", () => {
    const value = new ChatPromptValue([new SystemMessage("s"), new AIMessage({ content: "a", tool_calls: [{ name: "f", args: {}, id: "c" }] })]);
    expect(fromLangServe(JSON.parse(JSON.stringify(toLangServe(value, { concretePromptValues: true }))))).toStrictEqual(value);
  });

  test("plain data is returned as the same reference", () => {
    const plain = { a: [1, { b: "x" }], c: { d: null, text: "t" } };
    expect(fromLangServe(plain)).toBe(plain);
  });
});
