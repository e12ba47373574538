/**
 * `/chat`: `ChatPromptTemplate.fromTemplate("tell me a joke about {topic}")` piped into a
 * chat model, with no output parser, so `/chat/stream` streams AIMessageChunks
 * (reference-chains.md, captures `chat_*`).
 */
import { z } from "zod";
import { ChatPromptTemplate, FakeChatModel, type AIMessage, type BaseChatModel, type Runnable } from "../src/index.js";

/** Input of `/chat`. */
export const chatInput = z.object({ topic: z.string() });

/** The input type of {@link chat}. */
export type ChatInput = z.infer<typeof chatInput>;

/** The fake model's one reply (the captures' joke). */
export const JOKE = "Why don't bears wear shoes? Because they have bear feet!";

/**
 * The chat chain over `model` (the route table passes the OpenAI-compatible model when
 * `OPENAI_API_KEY` is set).
 * @example
 * const chain = createChatChain(new FakeChatModel({ responses: ["Hi!"] }));
 */
export function createChatChain(model: BaseChatModel): Runnable<ChatInput, AIMessage> {
  return ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model);
}

/**
 * The chat chain with the fake model, which always tells {@link JOKE}.
 * @example
 * (await chat.invoke({ topic: "bears" })).content; // JOKE
 */
export const chat = createChatChain(new FakeChatModel({ responses: [JOKE] }));
