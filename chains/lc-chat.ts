/**
 * `/lc/chat`: the `/chat` chain written with LangChain.js (`@langchain/core`) and served as
 * it is: `ChatPromptTemplate.fromTemplate(…).pipe(model)` from `@langchain/core/prompts`,
 * with LangChain.js's `FakeStreamingChatModel` replying word by word (or, when the route
 * table passes one, a chainserve model: LangChain.js components and chainserve's mix).
 * This file imports `@langchain/core`; the route table loads it only when that is installed.
 */
import { AIMessage, AIMessageChunk } from "@langchain/core/messages";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { FakeStreamingChatModel } from "@langchain/core/utils/testing";
import { fromLangChain, type AIMessage as ChainserveAIMessage, type BaseChatModel, type Runnable } from "../src/index.js";
import { JOKE, type ChatInput } from "./chat.js";

/** The prompt of both chat chains, as a LangChain.js template. */
export const lcPrompt = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}");

/**
 * The LangChain.js chat chain with LangChain.js's fake model: {@link JOKE}, invoked whole or
 * streamed one chunk per word and per space, like the native `/chat`.
 * @example
 * await addRoutes(app, lcChat, { path: "/lc/chat" }); // a @langchain/core runnable, as it is
 */
export const lcChat = lcPrompt.pipe(
  new FakeStreamingChatModel({
    responses: [new AIMessage(JOKE)],
    chunks: JOKE.split(/(\s)/).filter((t) => t !== "").map((t) => new AIMessageChunk(t)),
  }),
);

/**
 * The LangChain.js prompt piped into a chainserve chat model (the OpenAI-compatible one,
 * when the environment asks for it): `pipe` takes either kind of runnable.
 */
export function createLangChainChatChain(model: BaseChatModel): Runnable<ChatInput, ChainserveAIMessage> {
  return fromLangChain(lcPrompt).pipe(model);
}
