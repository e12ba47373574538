/**
 * LangChain.js chains (`@langchain/core` 1.x and 0.3.x) in chainserve's types: `addRoutes`
 * accepts them as they are, `fromLangChain` and `RemoteRunnable<typeof lcChain>` carry
 * their input and output types, with LangChain.js messages and documents as chainserve's.
 */
import type { FastifyInstance } from "fastify";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda, RunnableParallel } from "@langchain/core/runnables";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import type { BaseRetriever } from "@langchain/core/retrievers";
import type { AIMessage as LcAIMessage, AIMessageChunk as LcAIMessageChunk, HumanMessage as LcHumanMessage } from "@langchain/core/messages";
import type { AIMessage as LcAIMessage03, AIMessageChunk as LcAIMessageChunk03, HumanMessage as LcHumanMessage03 } from "lc03/messages";
import { ChatPromptTemplate as ChatPromptTemplate03 } from "lc03/prompts";
import { RunnableLambda as RunnableLambda03 } from "lc03/runnables";
import { describe, expectTypeOf, it } from "vitest";
import { RemoteRunnable } from "../../src/client/index.js";
import { fromLangChain, type AIMessage, type AIMessageChunk, type BaseMessage, type Document, type FromLangChain, type Runnable } from "../../src/index.js";
import { addRoutes } from "../../src/server/index.js";

declare const app: FastifyInstance;
declare const model: BaseChatModel;
declare const retriever: BaseRetriever;

const joke = ChatPromptTemplate.fromTemplate<{ topic: string }>("tell me a joke about {topic}").pipe(model).pipe(new StringOutputParser());
const chat = ChatPromptTemplate.fromTemplate<{ topic: string }>("tell me a joke about {topic}").pipe(model);
const docs = RunnableParallel.from({ context: retriever, question: RunnableLambda.from((q: string) => q) });
const chat03 = ChatPromptTemplate03.fromTemplate<{ topic: string }>("tell me a joke about {topic}");
const lengths03 = RunnableLambda03.from((xs: string[]) => xs.map((x) => x.length));

describe("LangChain.js chains in chainserve's types", () => {
  it("lets addRoutes mount a LangChain.js chain of either version as it is", () => {
    expectTypeOf(addRoutes(app, joke, { path: "/joke" })).resolves.toBeVoid();
    expectTypeOf(addRoutes(app, chat03, { path: "/chat03" })).resolves.toBeVoid();
    // @ts-expect-error: not a runnable of either library
    void addRoutes(app, { invoke: () => 1 }, { path: "/x" });
  });

  it("infers input and output through fromLangChain, LangChain.js values as chainserve's", () => {
    expectTypeOf(fromLangChain(joke)).toEqualTypeOf<Runnable<{ topic: string }, string>>();
    expectTypeOf(fromLangChain(chat).invoke({ topic: "bears" })).resolves.toEqualTypeOf<AIMessageChunk>();
    expectTypeOf(fromLangChain(docs).invoke("q")).resolves.toEqualTypeOf<{ context: Document[]; question: string }>();
    expectTypeOf(fromLangChain(lengths03).invoke(["a"])).resolves.toEqualTypeOf<number[]>();
  });

  it("types RemoteRunnable<typeof lcChain> from the chain", () => {
    const remote = new RemoteRunnable<typeof joke>({ url: "http://localhost:8000/joke" });
    expectTypeOf(remote.invoke).parameter(0).toEqualTypeOf<{ topic: string }>();
    expectTypeOf(remote.invoke({ topic: "bears" })).resolves.toEqualTypeOf<string>();
    expectTypeOf(remote.stream({ topic: "bears" })).resolves.toEqualTypeOf<AsyncGenerator<string>>();
    // @ts-expect-error: the prompt wants a topic
    void remote.invoke({ subject: "bears" });
    const chatRemote = new RemoteRunnable<typeof chat>({ url: "http://localhost:8000/chat" });
    expectTypeOf(chatRemote.invoke({ topic: "bears" })).resolves.toEqualTypeOf<AIMessageChunk>();
    const remote03 = new RemoteRunnable<typeof lengths03>({ url: "http://localhost:8000/lengths" });
    expectTypeOf(remote03.invoke(["a"])).resolves.toEqualTypeOf<number[]>();
  });

  it("maps arrays before message shapes: an array has concat, and is no chunk", () => {
    expectTypeOf<FromLangChain<string[]>>().toEqualTypeOf<string[]>();
    expectTypeOf<FromLangChain<number[][]>>().toEqualTypeOf<number[][]>();
    expectTypeOf<FromLangChain<{ pageContent: string; metadata: Record<string, unknown> }[]>>().toEqualTypeOf<Document[]>();
    expectTypeOf<FromLangChain<{ content: string; additional_kwargs: object }[]>>().toEqualTypeOf<BaseMessage[]>();
    expectTypeOf<FromLangChain<[LcHumanMessage, LcAIMessage, LcAIMessageChunk]>>().toEqualTypeOf<(BaseMessage | AIMessage | AIMessageChunk)[]>();
    expectTypeOf<FromLangChain<{ h: LcHumanMessage03; a: LcAIMessage03; c: LcAIMessageChunk03 }>>().toEqualTypeOf<{ h: BaseMessage; a: AIMessage; c: AIMessageChunk }>();
    expectTypeOf<FromLangChain<{ a: { content: string; additional_kwargs: object; tool_calls?: [] } }>>().toEqualTypeOf<{ a: AIMessage }>();
  });
});
