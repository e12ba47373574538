import { describe, expect, it } from "vitest";
import { FakeChatModel, JsonOutputParser, RunnableLambda, StrOutputParser } from "../../src/core/index.js";
import { AIMessage, AIMessageChunk } from "../../src/core/messages/index.js";
import { parseJsonMarkdown, parsePartialJson } from "../../src/core/output-parsers/index.js";

async function collect<T>(iterable: AsyncIterable<T> | Promise<AsyncIterable<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const chunk of await iterable) out.push(chunk);
  return out;
}

/** A fake model that streams `text` in pieces of `size` characters. */
function pieces(text: string, size: number) {
  return RunnableLambda.from(async function* (_: unknown) {
    for (let i = 0; i < text.length; i += size) yield new AIMessageChunk(text.slice(i, i + size));
  });
}

describe("StrOutputParser", () => {
  it("returns a message's text and passes strings through", async () => {
    const parser = new StrOutputParser();
    expect(await parser.invoke(new AIMessage("hello"))).toBe("hello");
    expect(await parser.invoke(new AIMessage({ content: [{ type: "text", text: "a" }, { type: "image_url" }, { type: "text", text: "b" }] }))).toBe("ab");
    expect(await parser.invoke("plain")).toBe("plain");
  });

  it("streams chunk by chunk behind a model", async () => {
    const chain = new FakeChatModel({ responses: ["Hello big world"] }).pipe(new StrOutputParser());
    expect(await collect(chain.stream("hi"))).toEqual(["Hello", " ", "big", " ", "world"]);
    expect(await chain.invoke("hi")).toBe("Hello big world");
  });

  it("rejects inputs that are neither strings nor messages", async () => {
    await expect(new StrOutputParser().invoke(42 as never)).rejects.toThrow(/expects a string or a message/);
  });

  it("reports itself as a parser run named StrOutputParser", async () => {
    const chain = new FakeChatModel({ responses: ["a b"] }).pipe(new StrOutputParser());
    const events = await collect(chain.streamEvents("hi", { version: "v2" }));
    const parserEvents = events.filter((e) => e.name === "StrOutputParser").map((e) => e.event);
    expect(parserEvents).toEqual(["on_parser_start", "on_parser_stream", "on_parser_stream", "on_parser_stream", "on_parser_end"]);
  });
});

describe("JsonOutputParser", () => {
  it("parses plain JSON and JSON inside a markdown fence", async () => {
    const parser = new JsonOutputParser();
    expect(await parser.invoke('{"a": 1}')).toEqual({ a: 1 });
    expect(await parser.invoke(new AIMessage('Sure:\n```json\n{"a": [1, "x"]}\n```'))).toEqual({ a: [1, "x"] });
    expect(await parser.invoke("```\n[true, null]\n```")).toEqual([true, null]);
  });

  it("throws a clear error when there is no JSON", async () => {
    await expect(new JsonOutputParser().invoke("no json here")).rejects.toThrow(/Invalid json output: no json here/);
  });

  it("streams growing partial objects from a model streaming small pieces", async () => {
    const chain = pieces('{"a": 1, "b": [1, 2]}', 2).pipe(new JsonOutputParser());
    expect(await collect(chain.stream(null))).toEqual([{}, { a: 1 }, { a: 1, b: [1] }, { a: 1, b: [1, 2] }]);
  });

  it("streams partial objects from the whitespace-split fake model", async () => {
    const chain = new FakeChatModel({ responses: ['{"a": 1, "b": [1, 2]}'] }).pipe(new JsonOutputParser());
    expect(await collect(chain.stream("go"))).toEqual([{}, { a: 1 }, { a: 1, b: [1] }, { a: 1, b: [1, 2] }]);
  });

  it("yields only when the parsed value changes, including growing strings", async () => {
    const chain = pieces('```json\n{"name": "Harrison"}\n```', 3).pipe(new JsonOutputParser());
    const out = await collect(chain.stream(null));
    expect(out[0]).toEqual({});
    expect(out.at(-1)).toEqual({ name: "Harrison" });
    expect(out).toContainEqual({ name: "Har" });
    for (let i = 1; i < out.length; i++) expect(out[i]).not.toEqual(out[i - 1]);
  });
});

describe("parsePartialJson", () => {
  it("parses complete JSON exactly like JSON.parse", () => {
    for (const text of ['{"a":{"b":[1,2.5e3,-0.5]}}', "[]", '"x"', "null", "12"]) expect(parsePartialJson(text)).toEqual(JSON.parse(text));
  });

  it("closes open strings, arrays and objects", () => {
    expect(parsePartialJson('{"a": "hel')).toEqual({ a: "hel" });
    expect(parsePartialJson('{"a": [1, {"b": 2')).toEqual({ a: [1, { b: 2 }] });
    expect(parsePartialJson('[{"a": 1}, ')).toEqual([{ a: 1 }]);
  });

  it("drops keys without values and half literals, keeps number prefixes", () => {
    expect(parsePartialJson('{"a": 1, "b')).toEqual({ a: 1 });
    expect(parsePartialJson('{"a": 1, "b": ')).toEqual({ a: 1 });
    expect(parsePartialJson('{"ok": tr')).toEqual({});
    expect(parsePartialJson('{"n": 12.')).toEqual({ n: 12 });
    expect(parsePartialJson('{"n": -')).toEqual({});
  });

  it("drops a dangling escape and decodes complete ones", () => {
    expect(parsePartialJson('{"a": "x\\')).toEqual({ a: "x" });
    expect(parsePartialJson('{"a": "x\\u00')).toEqual({ a: "x" });
    expect(parsePartialJson('{"a": "\\u00e9\\n')).toEqual({ a: "é\n" });
  });

  it("returns undefined for text that is not JSON", () => {
    expect(parsePartialJson("")).toBeUndefined();
    expect(parsePartialJson("hello")).toBeUndefined();
    expect(parsePartialJson('{"a" 1}')).toBeUndefined();
  });

  it("keeps __proto__ keys as plain data", () => {
    const value = parsePartialJson('{"__proto__": {"polluted": true}, "x": 1') as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(["__proto__", "x"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("finds JSON in a fence even while the fence is still open", () => {
    expect(parseJsonMarkdown('Here you go:\n```json\n{"a": [1', { partial: true })).toEqual({ a: [1] });
    expect(parseJsonMarkdown('{"a": [1', { partial: false })).toBeUndefined();
  });
});

describe("JsonOutputParser accumulation", () => {
  it("ends the run and the sequence with the last snapshot, not a key-wise merge", async () => {
    const { FakeChatModel, JsonOutputParser } = await import("../../src/core/index.js");
    const chain = new FakeChatModel({ responses: ['{"a": "he llo", "b": [1, 2]}'] }).pipe(new JsonOutputParser());
    const seen: unknown[] = [];
    for await (const patch of chain.streamLog("q")) seen.push(patch);
    let state: unknown;
    for await (const log of chain.streamLog("q", undefined, { diff: false })) state = log.state;
    expect((state as { final_output: unknown }).final_output).toEqual({ a: "he llo", b: [1, 2] });
    expect(await chain.invoke("q")).toEqual({ a: "he llo", b: [1, 2] });
    expect(seen.length).toBeGreaterThan(3);
  });
});
