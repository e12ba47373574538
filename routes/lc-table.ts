/**
 * The example app's LangChain.js route: `/lc/chat`, the chat chain written with
 * `@langchain/core` and mounted as it is. `@langchain/core` is an optional peer of
 * chainserve (a development dependency here): where it is not installed, as in the
 * production Docker image, the route is left out instead of failing the app.
 */
import type { ChainRoute, RouteEnv } from "./table.js";
import { openAiModelFromEnv } from "./table.js";
import { chatInput } from "../chains/chat.js";

/**
 * `/lc/chat` when `@langchain/core` can be imported, else nothing.
 * @example
 * const routes = [...createRouteTable(env), ...(await langChainRoutes(env))];
 */
export async function langChainRoutes(env: RouteEnv = process.env): Promise<ChainRoute[]> {
  let chains: typeof import("../chains/lc-chat.js");
  try {
    chains = await import("../chains/lc-chat.js");
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") return [];
    throw error;
  }
  const model = openAiModelFromEnv(env);
  return [
    {
      runnable: model === undefined ? chains.lcChat : chains.createLangChainChatChain(model),
      options: { path: "/lc/chat", inputSchema: chatInput },
      description: `The /chat chain written with @langchain/core (prompt → ${model === undefined ? "LangChain.js's fake chat model" : "the OpenAI-compatible model"}), served as it is.`,
    },
  ];
}
