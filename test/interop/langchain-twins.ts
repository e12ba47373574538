/**
 * The chains the LangChain.js endpoint tests serve, each built twice: with LangChain.js
 * (`@langchain/core` 1.x or 0.3.x) and with chainserve's own classes. Both twins are mounted
 * on their own server at the same path with the same options, so every endpoint's answer
 * can be compared with the native chain's, the expectation chainserve already meets.
 */
import { z } from "zod";
import { assign as nativeAssign, assignInput, assignOutput } from "../../chains/assign.js";
import { boom as nativeBoom } from "../../chains/boom.js";
import { rag as nativeRag } from "../../chains/rag.js";
import { ChatPromptTemplate, FakeChatModel, RunnableLambda, StrOutputParser, type RunnableConfig } from "../../src/index.js";
import { fakeChatModelClass, JOKE, langChainReferenceChains, type LangChainModules } from "./langchain-chains.js";
import type { LangChainMount } from "./langchain-serve.js";

export { JOKE };

/** What the `/probe` chain reports: its input and the config that reached it. */
function probe(input: unknown, config: { tags?: string[]; metadata?: Record<string, unknown> } | undefined): unknown {
  if (input === "bad") throw new Error("bad item");
  const metadata = config?.metadata ?? {};
  return { input, tags: [...(config?.tags ?? [])].filter((t) => !t.startsWith("seq:")).sort(), user: metadata.user ?? null, k: metadata.k ?? null };
}

/** Options shared by both twins, per path. */
const OPTIONS: Record<string, LangChainMount["options"]> = {
  "/joke": { configKeys: ["tags", "metadata"] },
  "/assign": { inputSchema: assignInput, outputSchema: assignOutput },
  "/rag": { inputSchema: z.string() },
  "/boom": {},
  "/probe": {
    configKeys: ["tags", "metadata"],
    perRequestConfigModifier: (config, request) => ({ ...config, metadata: { ...config.metadata, user: request.headers["x-user"] ?? "anonymous" } }),
  },
  "/probe-default": {},
  "/mapped": {
    errorMapper: (error) => (error instanceof Error && error.message === "boom" ? { status: 409, code: "BAD_REQUEST", message: "the chain said boom", safe: true } : undefined),
  },
};

function mounts(runnables: Record<string, unknown>): LangChainMount[] {
  return Object.keys(OPTIONS).map((path) => ({ path, runnable: runnables[path], options: OPTIONS[path] }));
}

/** The LangChain.js-built twins. */
export function langChainMounts(lc: LangChainModules): LangChainMount[] {
  const reference = langChainReferenceChains(lc);
  const Model = fakeChatModelClass(lc);
  const { RunnableLambda: LcLambda } = lc.runnables;
  const joke = lc.prompts.ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new Model(JOKE)).pipe(new lc.parsers.StringOutputParser());
  const lcProbe = LcLambda.from((input: unknown, config: any) => probe(input, config)).withConfig({ runName: "probe" });
  return mounts({
    "/joke": joke,
    "/assign": reference.assign,
    "/rag": reference.rag,
    "/boom": reference.boom,
    "/probe": lcProbe,
    "/probe-default": lcProbe,
    "/mapped": reference.boom,
  });
}

/** The native twins. */
export function nativeMounts(): LangChainMount[] {
  const joke = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new FakeChatModel({ responses: [JOKE] })).pipe(new StrOutputParser());
  const nativeProbe = RunnableLambda.from((input: unknown, config?: RunnableConfig) => probe(input, config)).withConfig({ runName: "probe" });
  return mounts({
    "/joke": joke,
    "/assign": nativeAssign,
    "/rag": nativeRag,
    "/boom": nativeBoom,
    "/probe": nativeProbe,
    "/probe-default": nativeProbe,
    "/mapped": nativeBoom,
  });
}
