/**
 * LangChain.js components (`@langchain/core` 1.x and 0.3.x) inside chainserve chains: a
 * LangChain.js prompt piped into a chainserve model, a chainserve prompt piped into a
 * LangChain.js chat model, a LangChain.js retriever inside a chainserve RunnableParallel.
 * Each component is one run of its own type, and the chains, served on a real port, stream
 * runs logs and events like the all-native chains, which are served beside them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { chat as nativeChat, JOKE } from "../../chains/chat.js";
import { rag as nativeRag, RAG_ANSWER, RAG_TEMPLATE } from "../../chains/rag.js";
import {
  AIMessageChunk,
  ChatPromptTemplate,
  Document,
  FakeChatModel,
  fromLangChain,
  RunnableParallel,
  RunnablePassthrough,
  RunnableSequence,
  StrOutputParser,
  type Runnable,
} from "../../src/index.js";
import { diffStreamEvents, diffStreamLog } from "../e2e/streams.js";
import { fakeChatModelClass, fakeRetrieverClass, loadLangChain } from "./langchain-chains.js";
import { checkParentIds, collect, dataOf, foldLog, serveLangChain, type LangChainServer } from "./langchain-serve.js";

const TOPIC = { topic: "bears" };
const QUESTION = "where did harrison work?";

describe.each(["1", "0.3"] as const)("@langchain/core %s components inside chainserve chains", (version) => {
  let mixed: LangChainServer;
  let native: LangChainServer;
  let lcModelChain: Runnable;
  beforeAll(async () => {
    const lc = await loadLangChain(version);
    const Model = fakeChatModelClass(lc);
    const Retriever = fakeRetrieverClass(lc);
    // A LangChain.js prompt first, then chainserve's model: the explicit fromLangChain.
    const lcPromptChain = fromLangChain(lc.prompts.ChatPromptTemplate.fromTemplate("tell me a joke about {topic}")).pipe(new FakeChatModel({ responses: [JOKE] }));
    // chainserve's prompt, then a LangChain.js chat model: pipe converts it.
    lcModelChain = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new Model(JOKE));
    // A LangChain.js retriever as one branch of chainserve's RunnableParallel.
    const answer = ChatPromptTemplate.fromTemplate(RAG_TEMPLATE).pipe(new FakeChatModel({ responses: [RAG_ANSWER] })).pipe(new StrOutputParser());
    const lcRetrieverChain = RunnableSequence.from([
      RunnableParallel.from<string>({ context: new Retriever().withConfig({ runName: "Docs" }), question: new RunnablePassthrough() }),
      RunnablePassthrough.assign({ output: answer }),
    ]);
    const chat = { inputSchema: z.object({ topic: z.string() }) };
    mixed = await serveLangChain([
      { path: "/lc-prompt", runnable: lcPromptChain, options: chat },
      { path: "/lc-model", runnable: lcModelChain, options: chat },
      { path: "/lc-retriever", runnable: lcRetrieverChain, options: { inputSchema: z.string() } },
    ]);
    native = await serveLangChain([
      { path: "/lc-prompt", runnable: nativeChat, options: chat },
      { path: "/lc-model", runnable: nativeChat, options: chat },
      { path: "/lc-retriever", runnable: nativeRag, options: { inputSchema: z.string() } },
    ]);
  });
  afterAll(async () => {
    await mixed?.close();
    await native?.close();
  });

  it.each([
    ["/lc-prompt", TOPIC, {}],
    ["/lc-model", TOPIC, {}],
    ["/lc-retriever", QUESTION, { unorderedEvents: true, unorderedStreamedOutput: true }],
  ])("%s logs and streams events as the all-native chain", async (path, input, allow) => {
    for (const endpoint of ["stream_log", "stream_events"]) {
      const [a, e] = await Promise.all([mixed.sse(`${path}/${endpoint}`, { input }), native.sse(`${path}/${endpoint}`, { input })]);
      const diff = endpoint === "stream_log" ? diffStreamLog(a.messages, e.messages, allow) : diffStreamEvents(a.messages, e.messages, allow);
      expect({ endpoint, diff }).toEqual({ endpoint, diff: [] });
      if (endpoint === "stream_events") expect(checkParentIds(dataOf(a.messages))).toEqual([]);
    }
  });

  it("runs a LangChain.js chat model as one chat_model run with chainserve chunks", async () => {
    const events = await collect(lcModelChain.streamEvents(TOPIC, { version: "v2" }));
    const model = events.filter((e) => e.name === "GenericFakeChatModel");
    expect(new Set(model.map((e) => e.run_id)).size).toBe(1);
    expect(model[0]?.event).toBe("on_chat_model_start");
    const chunks = model.filter((e) => e.event === "on_chat_model_stream").map((e) => (e.data as { chunk: unknown }).chunk);
    expect(chunks.length).toBe(JOKE.split(/(\s)/).length);
    expect(chunks.every((c) => c instanceof AIMessageChunk)).toBe(true);
    expect((model.at(-1)?.data as { output?: unknown } | undefined)?.output).toBeInstanceOf(AIMessageChunk);
    const log = foldLog(dataOf((await mixed.sse("/lc-model/stream_log", { input: TOPIC })).messages));
    expect(log.logs.GenericFakeChatModel).toMatchObject({ type: "llm", streamed_output: expect.any(Array) });
    expect(log.final_output).toMatchObject({ type: "AIMessageChunk", content: JOKE });
  });

  it("runs a LangChain.js retriever as one retriever run returning chainserve documents", async () => {
    const res = await mixed.post("/lc-retriever/invoke", { input: QUESTION });
    expect(res.body.output).toEqual({ context: [{ id: null, metadata: {}, page_content: "harrison worked at kensho", type: "Document" }], question: QUESTION, output: RAG_ANSWER });
    const events = dataOf((await mixed.sse("/lc-retriever/stream_events", { input: QUESTION })).messages);
    const docs = events.filter((e: { name: string }) => e.name === "Docs");
    expect(docs.map((e: { event: string }) => e.event)).toEqual(["on_retriever_start", "on_retriever_end"]);
    expect(docs[0].metadata).toMatchObject({ ls_retriever_name: "fake" });
    expect(docs[1].data.output).toEqual([{ id: null, metadata: {}, page_content: "harrison worked at kensho", type: "Document" }]);
    const Retriever = fakeRetrieverClass(await loadLangChain(version));
    const local = await collect(RunnableParallel.from<string>({ docs: fromLangChain(new Retriever()) }).stream(QUESTION));
    expect((local[0] as { docs: unknown[] }).docs[0]).toBeInstanceOf(Document);
  });
});
