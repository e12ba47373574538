/**
 * The five reference chains of reference-chains.md built with LangChain.js (`@langchain/core`
 * 1.x, or 0.3.x through the `lc03` alias), to be served by chainserve as they are. The chat
 * model is a LangChain.js `BaseChatModel` subclass that replies like Python's
 * `GenericFakeChatModel` (same name, same word-by-word chunks, same `ls_*` metadata), so the
 * LangServe captures apply to them as to the native chains.
 */
import { z } from "zod";
import { assignInput, assignOutput } from "../../chains/assign.js";
import type { ChainRoute } from "../../routes/table.js";

/** The LangChain.js modules the chains are built from (one version's). */
export interface LangChainModules {
  version: string;
  prompts: any;
  parsers: any;
  runnables: any;
  chatModels: any;
  messages: any;
  outputs: any;
  retrievers: any;
  documents: any;
  tools: any;
}

/** Loads one version of `@langchain/core`: `"1"` (the package) or `"0.3"` (the `lc03` alias). */
export async function loadLangChain(version: "1" | "0.3"): Promise<LangChainModules> {
  if (version === "1") {
    const [prompts, parsers, runnables, chatModels, messages, outputs, retrievers, documents, tools] = await Promise.all([
      import("@langchain/core/prompts"),
      import("@langchain/core/output_parsers"),
      import("@langchain/core/runnables"),
      import("@langchain/core/language_models/chat_models"),
      import("@langchain/core/messages"),
      import("@langchain/core/outputs"),
      import("@langchain/core/retrievers"),
      import("@langchain/core/documents"),
      import("@langchain/core/tools"),
    ]);
    return { version: "1.x", prompts, parsers, runnables, chatModels, messages, outputs, retrievers, documents, tools };
  }
  const [prompts, parsers, runnables, chatModels, messages, outputs, retrievers, documents, tools] = await Promise.all([
    import("lc03/prompts"),
    import("lc03/output_parsers"),
    import("lc03/runnables"),
    import("lc03/language_models/chat_models"),
    import("lc03/messages"),
    import("lc03/outputs"),
    import("lc03/retrievers"),
    import("lc03/documents"),
    import("lc03/tools"),
  ]);
  return { version: "0.3.x", prompts, parsers, runnables, chatModels, messages, outputs, retrievers, documents, tools };
}

/** The captures' joke and RAG answer (chains/chat.ts, chains/rag.ts). */
export const JOKE = "Why don't bears wear shoes? Because they have bear feet!";
export const RAG_ANSWER = "Harrison worked at Kensho.";
const RAG_TEMPLATE = "Answer the question based only on the following context:\n{context}\n\nQuestion: {question}";

/** A chat model like Python's GenericFakeChatModel; with `toolCall`, it streams one tool call in pieces. */
export function fakeChatModelClass(lc: LangChainModules): new (reply: string, options?: { toolCall?: { name: string; args: string[] }; delayMs?: number }) => any {
  const { AIMessage, AIMessageChunk } = lc.messages;
  const { ChatGenerationChunk } = lc.outputs;
  return class GenericFakeChatModel extends lc.chatModels.BaseChatModel {
    static lc_name(): string {
      return "GenericFakeChatModel";
    }
    reply: string;
    options: { toolCall?: { name: string; args: string[] }; delayMs?: number };
    constructor(reply: string, options: { toolCall?: { name: string; args: string[] }; delayMs?: number } = {}) {
      super({});
      this.reply = reply;
      this.options = options;
    }
    _llmType(): string {
      return "generic-fake-chat-model";
    }
    getLsParams(): Record<string, unknown> {
      return { ls_provider: "genericfakechatmodel", ls_model_type: "chat" };
    }
    getLsParamsWithDefaults(): Record<string, unknown> {
      return this.getLsParams();
    }
    async _generate(): Promise<unknown> {
      const call = this.options.toolCall;
      const toolCalls = call === undefined ? [] : [{ name: call.name, args: JSON.parse(call.args.join("")) as unknown, id: "call_1", type: "tool_call" }];
      return { generations: [{ text: this.reply, message: new AIMessage({ content: this.reply, tool_calls: toolCalls }) }] };
    }
    async *_streamResponseChunks(_messages: unknown, options: { signal?: AbortSignal }, runManager?: any): AsyncGenerator<unknown> {
      const pieces: unknown[] = this.reply.split(/(\s)/).filter((p) => p !== "").map((p) => new AIMessageChunk({ content: p }));
      const call = this.options.toolCall;
      if (call !== undefined) {
        call.args.forEach((args, i) => {
          pieces.push(new AIMessageChunk({ content: "", tool_call_chunks: [{ name: i === 0 ? call.name : undefined, args, id: i === 0 ? "call_1" : undefined, index: 0, type: "tool_call_chunk" }] }));
        });
      }
      for (const message of pieces) {
        if (this.options.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
        options.signal?.throwIfAborted();
        const text = typeof (message as { content: unknown }).content === "string" ? (message as { content: string }).content : "";
        const chunk = new ChatGenerationChunk({ text, message });
        yield chunk;
        await runManager?.handleLLMNewToken(text, undefined, undefined, undefined, undefined, { chunk });
      }
    }
  };
}

/** A retriever that always returns one document (Python's reference retriever). */
export function fakeRetrieverClass(lc: LangChainModules): new () => any {
  const { Document } = lc.documents;
  return class FakeRetriever extends lc.retrievers.BaseRetriever {
    lc_namespace = ["test", "retrievers"];
    async _getRelevantDocuments(): Promise<unknown[]> {
      return [new Document({ pageContent: "harrison worked at kensho" })];
    }
  };
}

/** The reference chains, built with LangChain.js. */
export function langChainReferenceChains(lc: LangChainModules): Record<"echo" | "assign" | "chat" | "rag" | "boom", any> {
  const { RunnableLambda, RunnableParallel, RunnablePassthrough } = lc.runnables;
  const Model = fakeChatModelClass(lc);
  const Retriever = fakeRetrieverClass(lc);
  const echo = RunnableLambda.from((input: unknown) => input);
  const assign = RunnableParallel.from({
    extra: RunnablePassthrough.assign({ mult: (x: { num: number }) => x.num * 3 }),
    modified: (x: { num: number }) => x.num + 1,
  });
  const chat = lc.prompts.ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(new Model(JOKE));
  const answer = lc.prompts.ChatPromptTemplate.fromTemplate(RAG_TEMPLATE).pipe(new Model(RAG_ANSWER)).pipe(new lc.parsers.StringOutputParser());
  const rag = RunnableParallel.from({ context: new Retriever().withConfig({ runName: "Docs" }), question: new RunnablePassthrough() }).pipe(
    RunnablePassthrough.assign({ output: answer }),
  );
  const boom = RunnableLambda.from((): unknown => {
    throw new Error("boom");
  });
  return { echo, assign, chat, rag, boom };
}

/** The example app's route table with the LangChain.js-built chains mounted as they are. */
export function langChainRouteTable(lc: LangChainModules): ChainRoute[] {
  const chains = langChainReferenceChains(lc);
  return [
    { runnable: chains.echo, options: { path: "/echo" }, description: "echo (LangChain.js)" },
    { runnable: chains.assign, options: { path: "/assign", inputSchema: assignInput, outputSchema: assignOutput }, description: "assign (LangChain.js)" },
    { runnable: chains.chat, options: { path: "/chat", inputSchema: z.object({ topic: z.string() }) }, description: "chat (LangChain.js)" },
    { runnable: chains.rag, options: { path: "/rag", inputSchema: z.string() }, description: "rag (LangChain.js)" },
    { runnable: chains.boom, options: { path: "/boom" }, description: "boom (LangChain.js)" },
  ];
}
