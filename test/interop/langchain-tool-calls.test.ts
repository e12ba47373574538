/**
 * A LangChain.js fake chat model that streams a tool call in pieces (`tool_call_chunks`),
 * and a LangChain.js tool with a zod schema, served by chainserve: the chunks cross the wire
 * as LangServe's dicts, exactly as a native model's same chunks do, add up to the parsed
 * call in both clients, and the tool's zod schema is its input schema and its validation.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { AIMessageChunk, BaseChatModel, ChatPromptTemplate, concat } from "../../src/index.js";
import { diffStream, diffStreamEvents, diffStreamLog } from "../e2e/streams.js";
import { fakeChatModelClass, loadLangChain } from "./langchain-chains.js";
import { checkParentIds, collect, dataOf, foldLog, serveLangChain, type LangChainServer } from "./langchain-serve.js";

const ARGS = ['{"city":', ' "Paris"}'];
const CALL = { name: "get_weather", args: { city: "Paris" }, id: "call_1", type: "tool_call" };

/** The native twin: the same chunks from a chainserve model with Python's fake model name. */
class NativeToolModel extends BaseChatModel {
  protected override defaultName(): string {
    return "GenericFakeChatModel";
  }
  protected override tracingMetadata(): Record<string, unknown> {
    return { ls_provider: "genericfakechatmodel", ls_model_type: "chat" };
  }
  protected override async *_streamResponseChunks(): AsyncGenerator<AIMessageChunk> {
    yield new AIMessageChunk("Checking");
    for (const [i, args] of ARGS.entries()) {
      await Promise.resolve();
      yield new AIMessageChunk({ content: "", tool_call_chunks: [{ name: i === 0 ? "get_weather" : undefined, args, id: i === 0 ? "call_1" : undefined, index: 0, type: "tool_call_chunk" }] });
    }
  }
}

describe.each(["1", "0.3"] as const)("a @langchain/core %s model streaming tool-call chunks", (version) => {
  let lc: LangChainServer;
  let native: LangChainServer;
  beforeAll(async () => {
    const modules = await loadLangChain(version);
    const Model = fakeChatModelClass(modules);
    const weather = modules.tools.tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
      name: "get_weather",
      description: "The weather in a city",
      schema: z.object({ city: z.string().describe("the city") }),
    });
    const prompt = "what is the weather in {city}?";
    lc = await serveLangChain([
      { path: "/agent", runnable: modules.prompts.ChatPromptTemplate.fromTemplate(prompt).pipe(new Model("Checking", { toolCall: { name: "get_weather", args: ARGS } })) },
      { path: "/tool", runnable: weather },
    ]);
    native = await serveLangChain([{ path: "/agent", runnable: ChatPromptTemplate.fromTemplate(prompt).pipe(new NativeToolModel()) }]);
  });
  afterAll(async () => {
    await lc?.close();
    await native?.close();
  });

  it("streams the chunks as LangServe dicts with tool_call_chunks, as the native model's", async () => {
    const [a, e] = await Promise.all([lc.sse("/agent/stream", { input: { city: "Paris" } }), native.sse("/agent/stream", { input: { city: "Paris" } })]);
    expect(diffStream(a.messages, e.messages, {})).toEqual([]);
    const chunks = dataOf(a.messages);
    expect(chunks[1]).toMatchObject({ type: "AIMessageChunk", content: "", tool_call_chunks: [{ name: "get_weather", args: '{"city":', id: "call_1", index: 0, type: "tool_call_chunk" }] });
    expect(new Set(chunks.map((c: { id: string }) => c.id)).size).toBe(1);
    expect(chunks[0].id).toMatch(/^run--[0-9a-f-]{36}$/);
  });

  it("logs and streams events as the native model, the final message holding the parsed call", async () => {
    const input = { input: { city: "Paris" } };
    const [log, nativeLog] = await Promise.all([lc.sse("/agent/stream_log", input), native.sse("/agent/stream_log", input)]);
    expect(diffStreamLog(log.messages, nativeLog.messages, {})).toEqual([]);
    expect(foldLog(dataOf(log.messages)).final_output).toMatchObject({ type: "AIMessageChunk", content: "Checking", tool_calls: [CALL] });
    const [events, nativeEvents] = await Promise.all([lc.sse("/agent/stream_events", input), native.sse("/agent/stream_events", input)]);
    expect(diffStreamEvents(events.messages, nativeEvents.messages, {})).toEqual([]);
    const data = dataOf(events.messages);
    expect(checkParentIds(data)).toEqual([]);
    const end = data.find((x: { event: string }) => x.event === "on_chat_model_end");
    expect(end.data.output).toMatchObject({ tool_calls: [CALL] });
  });

  it("invokes to a message with the parsed call", async () => {
    const res = await lc.post("/agent/invoke", { input: { city: "Paris" } });
    expect(res.body.output).toMatchObject({ type: "ai", content: "Checking", tool_calls: [CALL], invalid_tool_calls: [] });
    expect(res.body.output.id).toMatch(/^run--[0-9a-f-]{36}-0$/);
  });

  it("adds the chunks up to the call in chainserve's client; LangChain.js's client keeps their text", async () => {
    const ours = await collect(await lc.client("/agent").stream({ city: "Paris" }));
    expect(ours.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect((ours.reduce((acc, c) => concat(acc, c)) as AIMessageChunk).tool_calls).toEqual([CALL]);
    const theirs = await collect(await lc.lcClient("/agent").stream({ city: "Paris" }));
    const whole = theirs.reduce((acc, c) => acc.concat(c));
    // LangChain.js 0.3's RemoteRunnable revives messages from their content alone
    // (runnables/remote.js): tool calls are lost on its side, though the wire carries them.
    expect(whole.constructor.name).toBe("AIMessageChunk");
    expect(whole.content).toBe("Checking");
    expect((await lc.lcClient("/agent").invoke({ city: "Paris" })).content).toBe("Checking");
  });

  it("serves a zod tool: its schema as input schema and validation, its run as a tool run", async () => {
    expect((await lc.get("/tool/input_schema")).body).toEqual({ type: "object", properties: { city: { type: "string", description: "the city" } }, required: ["city"] });
    expect((await lc.post("/tool/invoke", { input: { city: "Paris" } })).body.output).toBe("sunny in Paris");
    const bad = await lc.post("/tool/invoke", { input: { town: "Paris" } });
    expect(bad).toMatchObject({ status: 422, body: { code: "BAD_REQUEST", detail: [{ type: "missing", loc: ["city"] }] } });
    const events = dataOf((await lc.sse("/tool/stream_events", { input: { city: "Paris" } })).messages);
    expect(events.map((x: { event: string }) => x.event)).toEqual(["on_tool_start", "on_tool_stream", "on_tool_end"]);
    expect(events[0]).toMatchObject({ name: "/tool", data: { input: { city: "Paris" } }, parent_ids: [] });
    expect(events[2]).toMatchObject({ name: "/tool", data: { output: "sunny in Paris" }, parent_ids: [] });
  });
});
