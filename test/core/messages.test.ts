import { describe, expect, test } from "vitest";
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
  chunkToMessage,
  coerceMessageLike,
  getBufferString,
  isBaseMessage,
  isBaseMessageChunk,
  messageToChunk,
  parsePartialJson,
} from "../../src/core/messages/index.js";
import { ChainserveError } from "../../src/core/errors.js";

describe("message construction", () => {
  test("the string shorthand sets content and defaults the dicts", () => {
    const m = new HumanMessage("hi");
    expect(m.content).toBe("hi");
    expect(m.additional_kwargs).toEqual({});
    expect(m.response_metadata).toEqual({});
    expect(m.name).toBeUndefined();
    expect(m.id).toBeUndefined();
  });

  test("the fields form keeps name, id and both dicts", () => {
    const m = new SystemMessage({ content: "be brief", name: "sys", id: "m1", additional_kwargs: { a: 1 }, response_metadata: { b: 2 } });
    expect([m.name, m.id, m.additional_kwargs, m.response_metadata]).toEqual(["sys", "m1", { a: 1 }, { b: 2 }]);
  });

  test("every class reports its LangChain type and its LangServe wire tag", () => {
    const cases: [{ getType(): string; wireType: string }, string, string][] = [
      [new HumanMessage("x"), "human", "human"],
      [new HumanMessageChunk("x"), "human", "HumanMessageChunk"],
      [new AIMessage("x"), "ai", "ai"],
      [new AIMessageChunk("x"), "ai", "AIMessageChunk"],
      [new SystemMessage("x"), "system", "system"],
      [new SystemMessageChunk("x"), "system", "SystemMessageChunk"],
      [new ToolMessage({ content: "x", tool_call_id: "c" }), "tool", "tool"],
      [new ToolMessageChunk({ content: "x", tool_call_id: "c" }), "tool", "ToolMessageChunk"],
      [new ChatMessage({ content: "x", role: "critic" }), "generic", "chat"],
      [new ChatMessageChunk({ content: "x", role: "critic" }), "generic", "ChatMessageChunk"],
    ];
    for (const [m, type, wire] of cases) expect([m.getType(), m.wireType]).toEqual([type, wire]);
  });

  test("the wire tag is not an own field of the instance", () => {
    expect(Object.keys(new AIMessageChunk("x"))).not.toContain("wireType");
  });

  test("tool messages default to success and accept the positional tool call id", () => {
    const m = new ToolMessage("42", "call_1");
    expect([m.tool_call_id, m.status, m.artifact]).toEqual(["call_1", "success", undefined]);
    expect(() => new ToolMessage("42")).toThrow(TypeError);
  });

  test("chat messages accept the positional role", () => {
    expect(new ChatMessage("fine", "critic").role).toBe("critic");
  });

  test("AI messages normalise tool calls with their type tag", () => {
    const m = new AIMessage({ content: "", tool_calls: [{ name: "f", args: { a: 1 }, id: "c1" }] });
    expect(m.tool_calls).toEqual([{ name: "f", args: { a: 1 }, id: "c1", type: "tool_call" }]);
    expect(m.invalid_tool_calls).toEqual([]);
  });

  test("text joins the text blocks of list content and skips other blocks", () => {
    const m = new HumanMessage([{ type: "text", text: "a" }, { type: "image_url", image_url: "u" }, { type: "text", text: "b" }]);
    expect(m.text).toBe("ab");
    expect(new AIMessage("plain").text).toBe("plain");
  });

  test("guards tell messages and chunks apart", () => {
    expect(isBaseMessage(new AIMessage("x"))).toBe(true);
    expect(isBaseMessage({ content: "x", type: "ai" })).toBe(false);
    expect(isBaseMessageChunk(new AIMessageChunk("x"))).toBe(true);
    expect(isBaseMessageChunk(new AIMessage("x"))).toBe(false);
  });
});

describe("chunk concatenation", () => {
  test("string contents join and the result has the left operand's class", () => {
    const out = new AIMessageChunk("Hel").concat(new AIMessageChunk("lo"));
    expect(out).toBeInstanceOf(AIMessageChunk);
    expect(out.content).toBe("Hello");
  });

  test("every chunk class concatenates into its own class", () => {
    const pairs = [
      [new HumanMessageChunk("a"), new HumanMessageChunk("b"), HumanMessageChunk],
      [new SystemMessageChunk("a"), new SystemMessageChunk("b"), SystemMessageChunk],
      [new ToolMessageChunk({ content: "a", tool_call_id: "c" }), new ToolMessageChunk({ content: "b", tool_call_id: "c" }), ToolMessageChunk],
      [new ChatMessageChunk({ content: "a", role: "r" }), new ChatMessageChunk({ content: "b", role: "r" }), ChatMessageChunk],
    ] as const;
    for (const [left, right, cls] of pairs) {
      const out = left.concat(right);
      expect(out).toBeInstanceOf(cls);
      expect(out.content).toBe("ab");
    }
  });

  test("a tool chunk keeps its call id and an error status on either side wins", () => {
    const out = new ToolMessageChunk({ content: "a", tool_call_id: "c" }).concat(new ToolMessageChunk({ content: "b", tool_call_id: "c", status: "error" }));
    expect([out.tool_call_id, out.status]).toEqual(["c", "error"]);
  });

  test("a chat chunk keeps its role", () => {
    expect(new ChatMessageChunk({ content: "a", role: "critic" }).concat(new ChatMessageChunk({ content: "b", role: "critic" })).role).toBe("critic");
  });

  test("an empty left string yields the right content as is", () => {
    const blocks = [{ type: "text", text: "x", index: 0 }];
    expect(new AIMessageChunk("").concat(new AIMessageChunk(blocks)).content).toEqual(blocks);
  });

  test("a string meeting a list becomes a text block", () => {
    const out = new AIMessageChunk("a").concat(new AIMessageChunk([{ type: "image_url", image_url: "u" }]));
    expect(out.content).toEqual([{ type: "text", text: "a" }, { type: "image_url", image_url: "u" }]);
    const back = new AIMessageChunk([{ type: "image_url", image_url: "u" }]).concat(new AIMessageChunk("b"));
    expect(back.content).toEqual([{ type: "image_url", image_url: "u" }, { type: "text", text: "b" }]);
  });

  test("content lists merge blocks by index and append the rest", () => {
    const left = new AIMessageChunk([{ type: "text", text: "Hel", index: 0 }]);
    const right = new AIMessageChunk([{ type: "text", text: "lo", index: 0 }, { type: "text", text: "!", index: 1 }]);
    expect(left.concat(right).content).toEqual([{ type: "text", text: "Hello", index: 0 }, { type: "text", text: "!", index: 1 }]);
  });

  test("additional_kwargs and response_metadata deep-merge", () => {
    const left = new AIMessageChunk({ content: "", response_metadata: { tokens: 1, model: "x" }, additional_kwargs: { nested: { s: "a", n: 1 } } });
    const right = new AIMessageChunk({ content: "", response_metadata: { tokens: 2, finish_reason: "stop" }, additional_kwargs: { nested: { s: "b", n: 2 } } });
    const out = left.concat(right);
    expect(out.response_metadata).toEqual({ model: "x", tokens: 3, finish_reason: "stop" });
    expect(out.additional_kwargs).toEqual({ nested: { s: "ab", n: 3 } });
  });

  test("identity keys are replaced, type and index are kept, lists merge by index", () => {
    const left = new AIMessageChunk({ content: "", response_metadata: { id: "a", model_provider: "p", type: "t", index: 0, list: [{ index: 0, text: "x" }] } });
    const right = new AIMessageChunk({ content: "", response_metadata: { id: "b", model_provider: "p", type: "u", index: 0, list: [{ index: 0, text: "y" }, { index: 1, text: "z" }] } });
    expect(left.concat(right).response_metadata).toEqual({
      id: "b",
      model_provider: "p",
      type: "t",
      index: 0,
      list: [{ index: 0, text: "xy" }, { index: 1, text: "z" }],
    });
  });

  test("concatenation never mutates its operands", () => {
    const left = new AIMessageChunk({ content: "a", response_metadata: { n: 1, d: { s: "x" } } });
    const right = new AIMessageChunk({ content: "b", response_metadata: { n: 2, d: { s: "y" } } });
    left.concat(right);
    expect(left.response_metadata).toEqual({ n: 1, d: { s: "x" } });
    expect(right.response_metadata).toEqual({ n: 2, d: { s: "y" } });
  });

  test("tool call chunks merge by index with names and args concatenated", () => {
    const parts = [
      new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "get_", args: '{"a"', id: "c1", index: 0 }] }),
      new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "weather", args: ": 1}", index: 0 }] }),
    ];
    const out = parts[0]!.concat(parts[1]!);
    expect(out.tool_call_chunks).toEqual([{ name: "get_weather", args: '{"a": 1}', id: "c1", index: 0, type: "tool_call_chunk" }]);
    expect(out.tool_calls).toEqual([{ name: "get_weather", args: { a: 1 }, id: "c1", type: "tool_call" }]);
    expect(out.invalid_tool_calls).toEqual([]);
  });

  test("partial tool arguments parse mid-stream", () => {
    const m = new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "f", args: '{"q": "wea', index: 0 }] });
    expect(m.tool_calls).toEqual([{ name: "f", args: { q: "wea" }, type: "tool_call" }]);
    expect(parsePartialJson('{"a": [1, 2')).toEqual({ a: [1, 2] });
    expect(parsePartialJson('{"a": 1, "b')).toEqual({ a: 1 });
  });

  test("arguments that are not a JSON object become invalid tool calls", () => {
    const m = new AIMessageChunk({ content: "", tool_call_chunks: [{ name: "f", args: "[1]", id: "c", index: 0 }] });
    expect(m.tool_calls).toEqual([]);
    expect(m.invalid_tool_calls).toEqual([{ name: "f", args: "[1]", id: "c", type: "invalid_tool_call" }]);
  });

  test("usage metadata is summed field by field, details included", () => {
    const a = new AIMessageChunk({ content: "", usage_metadata: { input_tokens: 1, output_tokens: 2, total_tokens: 3, output_token_details: { reasoning: 1 } } });
    const b = new AIMessageChunk({ content: "", usage_metadata: { input_tokens: 0, output_tokens: 5, total_tokens: 5, output_token_details: { reasoning: 2 } } });
    expect(a.concat(b).usage_metadata).toEqual({ input_tokens: 1, output_tokens: 7, total_tokens: 8, output_token_details: { reasoning: 3 } });
    expect(a.concat(new AIMessageChunk("x")).usage_metadata).toEqual(a.usage_metadata);
  });

  test("the first chunk's id wins and a missing id is filled from the right", () => {
    expect(new AIMessageChunk({ content: "a", id: "run-1" }).concat(new AIMessageChunk({ content: "b", id: "run-2" })).id).toBe("run-1");
    expect(new AIMessageChunk("a").concat(new AIMessageChunk({ content: "b", id: "run-2" })).id).toBe("run-2");
  });

  test("an AI chunk accepts a full AIMessage on the right, tool calls included", () => {
    const out = new AIMessageChunk("Hi ").concat(new AIMessage({ content: "there", tool_calls: [{ name: "f", args: { x: 1 }, id: "c" }] }));
    expect(out).toBeInstanceOf(AIMessageChunk);
    expect(out.content).toBe("Hi there");
    expect(out.tool_calls).toEqual([{ name: "f", args: { x: 1 }, id: "c", type: "tool_call" }]);
  });
});

describe("message helpers", () => {
  test("coerceMessageLike maps strings and role tuples to classes", () => {
    expect(coerceMessageLike("hi")).toBeInstanceOf(HumanMessage);
    expect(coerceMessageLike(["user", "hi"])).toBeInstanceOf(HumanMessage);
    expect(coerceMessageLike(["human", "hi"])).toBeInstanceOf(HumanMessage);
    expect(coerceMessageLike(["assistant", "yo"])).toBeInstanceOf(AIMessage);
    expect(coerceMessageLike(["ai", "yo"])).toBeInstanceOf(AIMessage);
    expect(coerceMessageLike(["system", "be"])).toBeInstanceOf(SystemMessage);
    const m = new ToolMessage("x", "c");
    expect(coerceMessageLike(m)).toBe(m);
  });

  test("coerceMessageLike rejects placeholders, unknown roles and other values with BAD_REQUEST", () => {
    for (const bad of [["placeholder", "{history}"], ["wizard", "x"], 42, { role: "user" }]) {
      expect(() => coerceMessageLike(bad)).toThrow(ChainserveError);
    }
  });

  test("messages convert to chunks and back with their fields", () => {
    const ai = new AIMessage({ content: "x", id: "i", tool_calls: [{ name: "f", args: {}, id: "c" }] });
    const chunk = messageToChunk(ai);
    expect(chunk).toBeInstanceOf(AIMessageChunk);
    expect((chunk as AIMessageChunk).tool_calls).toEqual(ai.tool_calls);
    expect(chunkToMessage(chunk)).toStrictEqual(ai);
    expect(messageToChunk(new ChatMessage("x", "r"))).toBeInstanceOf(ChatMessageChunk);
    expect(chunkToMessage(new ToolMessageChunk("x", "c"))).toBeInstanceOf(ToolMessage);
  });

  test("getBufferString renders a transcript", () => {
    const text = getBufferString([new SystemMessage("s"), new HumanMessage("h"), new AIMessage("a"), new ChatMessage("c", "critic"), new ToolMessage("t", "id")]);
    expect(text).toBe("System: s\nHuman: h\nAI: a\ncritic: c\nTool: t");
  });
});
