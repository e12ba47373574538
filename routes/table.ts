/**
 * The example app's route table: which chain is mounted at which path, with which
 * `addRoutes` options. `/echo`, `/assign`, `/chat` and `/rag` are the reference chains of
 * reference-chains.md; `/boom` is the failing fixture the error captures need.
 */
import type { BaseChatModel, LangChainRunnableLike, Runnable } from "../src/index.js";
import { ChatOpenAICompatible } from "../src/models/index.js";
import type { AddRoutesOptions } from "../src/server/index.js";
import { assign } from "../chains/assign.js";
import { boom } from "../chains/boom.js";
import { chat, chatInput, createChatChain } from "../chains/chat.js";
import { echo } from "../chains/echo.js";
import { createRagChain, rag, ragInput } from "../chains/rag.js";

/** One mounted chain. */
export interface ChainRoute {
  /** The runnable served: chainserve's, or LangChain.js's as it is. */
  runnable: Runnable<any, any, any> | LangChainRunnableLike;
  /** `addRoutes` options (`path` included). */
  options: AddRoutesOptions;
  /** One line for `GET /`. */
  description: string;
}

/** The environment variables the table reads. */
export interface RouteEnv {
  /** When set (non-empty), `/chat` and `/rag` call this OpenAI-compatible API instead of the fake model. */
  OPENAI_API_KEY?: string | undefined;
  /** API root. @default https://api.openai.com/v1 */
  OPENAI_BASE_URL?: string | undefined;
  /** Model name. @default gpt-4o-mini */
  OPENAI_MODEL?: string | undefined;
}

/**
 * The OpenAI-compatible model the environment asks for, or `undefined` (use the fake model).
 * @example
 * openAiModelFromEnv({ OPENAI_API_KEY: "sk-…", OPENAI_MODEL: "gpt-4o-mini" });
 */
export function openAiModelFromEnv(env: RouteEnv): BaseChatModel | undefined {
  if (env.OPENAI_API_KEY === undefined || env.OPENAI_API_KEY === "") return undefined;
  return new ChatOpenAICompatible({
    apiKey: env.OPENAI_API_KEY,
    baseURL: nonEmpty(env.OPENAI_BASE_URL) ?? "https://api.openai.com/v1",
    model: nonEmpty(env.OPENAI_MODEL) ?? "gpt-4o-mini",
  });
}

/**
 * The routes of the example app.
 * @example
 * for (const route of createRouteTable({})) await addRoutes(app, route.runnable, route.options);
 */
export function createRouteTable(env: RouteEnv = process.env): ChainRoute[] {
  const model = openAiModelFromEnv(env);
  const via = model === undefined ? "the fake chat model" : "the OpenAI-compatible model";
  return [
    { runnable: echo, options: { path: "/echo" }, description: "Returns its input unchanged." },
    { runnable: assign, options: { path: "/assign" }, description: "RunnableParallel + RunnablePassthrough.assign: {num} → {extra, modified}." },
    {
      runnable: model === undefined ? chat : createChatChain(model),
      options: { path: "/chat", inputSchema: chatInput },
      description: `Prompt → ${via}: tells a joke about {topic}.`,
    },
    {
      runnable: model === undefined ? rag : createRagChain(model),
      options: { path: "/rag", inputSchema: ragInput },
      description: `Retriever "Docs" + prompt → ${via} → StrOutputParser: answers a question.`,
    },
    { runnable: boom, options: { path: "/boom" }, description: "Test fixture: always throws Error(\"boom\")." },
  ];
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
