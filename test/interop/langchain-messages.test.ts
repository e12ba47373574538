/**
 * Messages and documents across the LangChain.js boundary, served over a real port: what
 * a LangChain.js chain returns crosses the wire as the LangServe dicts chainserve's own
 * values make (same fields, ids in Python's `run--<run id>` form); what a client sends
 * reaches the chain as the classes of the chain's own `@langchain/core`, also when that is
 * another copy than the one `import()` finds (`fromLangChain(x, { messages, promptValues })`).
 */
import * as messages03 from "lc03/messages";
import * as promptValues03 from "lc03/prompt_values";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIMessage, AIMessageChunk, ChatMessage, Document, fromLangChain, HumanMessage, RunnableLambda, SystemMessage, ToolMessage } from "../../src/index.js";
import { diffShape } from "../e2e/shape.js";
import { fakeChatModelClass, loadLangChain, type LangChainModules } from "./langchain-chains.js";
import { dataOf, foldLog, serveLangChain, type LangChainServer } from "./langchain-serve.js";

const USAGE = { input_tokens: 3, output_tokens: 4, total_tokens: 7 };
const CALL = { name: "f", args: { a: 1 }, id: "c1", type: "tool_call" as const };
const CHUNK = { name: "f", args: '{"a":', id: "c1", index: 0, type: "tool_call_chunk" as const };

/** The same values built with either library's classes (`M`: a messages module, `D`: a Document class). */
function values(M: any, D: any): unknown[] {
  return [
    new M.HumanMessage({ content: "q", name: "ada", id: "h1" }),
    new M.AIMessage({ content: "a", tool_calls: [CALL], usage_metadata: USAGE, response_metadata: { model: "m" } }),
    new M.AIMessageChunk({ content: "", tool_call_chunks: [CHUNK] }),
    new M.SystemMessage("s"),
    new M.ToolMessage({ content: "r", tool_call_id: "c1" }),
    new M.ChatMessage({ content: "x", role: "critic" }),
    new D({ pageContent: "p", metadata: { k: 1 }, id: "d1" }),
  ];
}

/** What a chain saw of its input: which classes, from which copy of the library. */
function seen(lc: LangChainModules) {
  return (input: { message: unknown; chunk: unknown; history: unknown[] }) => ({
    human: input.message instanceof lc.messages.HumanMessage,
    chunk: input.chunk instanceof lc.messages.AIMessageChunk,
    history: input.history.map((m) => m instanceof lc.messages.BaseMessage),
  });
}

const INPUT = {
  message: { type: "human", content: "hi" },
  chunk: { type: "AIMessageChunk", content: "c", tool_call_chunks: [] },
  history: [{ type: "system", content: "s" }, { type: "ai", content: "a" }],
};

describe.each(["1", "0.3"] as const)("messages across a @langchain/core %s chain", (version) => {
  let lc: LangChainServer;
  let native: LangChainServer;
  let modules: LangChainModules;
  beforeAll(async () => {
    modules = await loadLangChain(version);
    const { RunnableLambda: LcLambda } = modules.runnables;
    const Model = fakeChatModelClass(modules);
    const explicit = version === "1" ? {} : { messages: messages03 as Record<string, unknown>, promptValues: promptValues03 as Record<string, unknown> };
    lc = await serveLangChain([
      { path: "/values", runnable: LcLambda.from(() => values(modules.messages, modules.documents.Document)) },
      { path: "/chat", runnable: modules.prompts.ChatPromptTemplate.fromTemplate("about {topic}").pipe(new Model("a b")) },
      { path: "/seen", runnable: fromLangChain(LcLambda.from(seen(modules)), explicit) },
      { path: "/seen-imported", runnable: LcLambda.from(seen(modules)) },
    ]);
    const nativeValues = values({ HumanMessage, AIMessage, AIMessageChunk, SystemMessage, ToolMessage, ChatMessage }, Document);
    native = await serveLangChain([{ path: "/values", runnable: RunnableLambda.from(() => nativeValues) }]);
  });
  afterAll(async () => {
    await lc?.close();
    await native?.close();
  });

  it("sends LangChain.js messages and documents as the dicts chainserve's own make", async () => {
    const [a, e] = await Promise.all([lc.post("/values/invoke", { input: null }), native.post("/values/invoke", { input: null })]);
    expect(diffShape(a.body.output, e.body.output)).toEqual([]);
    expect(a.body.output).toEqual(e.body.output);
    expect(a.body.output[1]).toMatchObject({ type: "ai", tool_calls: [CALL], usage_metadata: USAGE, example: false });
    expect(a.body.output[2]).toMatchObject({ type: "AIMessageChunk", tool_call_chunks: [CHUNK] });
    expect(a.body.output[6]).toEqual({ page_content: "p", metadata: { k: 1 }, type: "Document", id: "d1" });
  });

  it("gives a model's messages Python's ids, naming the model's run in its events", async () => {
    expect((await lc.post("/chat/invoke", { input: { topic: "t" } })).body.output.id).toMatch(/^run--[0-9a-f-]{36}-0$/);
    const streamed = dataOf((await lc.sse("/chat/stream", { input: { topic: "t" } })).messages);
    expect(new Set(streamed.map((c: { id: string }) => c.id)).size).toBe(1);
    expect(streamed[0].id).toMatch(/^run--[0-9a-f-]{36}$/);
    const events = dataOf((await lc.sse("/chat/stream_events", { input: { topic: "t" } })).messages);
    const model = events.filter((x: { event: string }) => x.event === "on_chat_model_stream" || x.event === "on_chat_model_end");
    expect(model.length).toBe(4);
    for (const x of model) expect((x.data.chunk ?? x.data.output).id).toBe(`run--${x.run_id}`);
    const log = foldLog(dataOf((await lc.sse("/chat/stream_log", { input: { topic: "t" } })).messages));
    expect(log.final_output.id).toBe(log.streamed_output[0].id);
    expect(log.final_output.id).toBe(`run--${log.logs.GenericFakeChatModel.id}`);
  });

  it("builds inputs with the chain's own classes, given explicitly for a second copy", async () => {
    const expected = { human: true, chunk: true, history: [true, true] };
    expect((await lc.post("/seen/invoke", { input: INPUT })).body.output).toEqual(expected);
    expect(await lc.client("/seen").invoke(INPUT)).toEqual(expected);
    expect(await lc.lcClient("/seen").invoke(INPUT)).toEqual(expected);
    // Without the option, inputs are built with the classes `import("@langchain/core/messages")` finds.
    const imported = (await lc.post("/seen-imported/invoke", { input: INPUT })).body.output;
    expect(imported).toEqual(version === "1" ? expected : { human: false, chunk: false, history: [false, false] });
  });
});
