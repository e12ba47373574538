/**
 * Small fake runnables shared by the tracer tests: a prompt, a token-streaming chat model, a
 * string parser and a retriever named "Docs", each reporting the run type and name the real
 * ones (and LangServe's captures) use, plus the prompt | model | parser chain built from them.
 */
import { Runnable, RunnableSequence, type RunnableConfig, type RunType } from "../../src/core/index.js";
import { Document } from "../../src/core/documents/index.js";
import { AIMessageChunk, HumanMessage, type BaseMessage } from "../../src/core/messages/index.js";
import { ChatPromptValue } from "../../src/core/prompt-values.js";

export class FakePrompt extends Runnable<{ topic: string }, ChatPromptValue> {
  protected override defaultName(): string {
    return "ChatPromptTemplate";
  }
  protected override runType(): RunType {
    return "prompt";
  }
  override invoke(input: { topic: string }, options?: RunnableConfig): Promise<ChatPromptValue> {
    return this._callWithConfig((x: { topic: string }) => new ChatPromptValue([new HumanMessage(`tell me a joke about ${x.topic}`)]), input, options);
  }
}

export class FakeChatModel extends Runnable<unknown, AIMessageChunk> {
  constructor(private readonly tokens: string[]) {
    super();
  }
  protected override runType(): RunType {
    return "chat_model";
  }
  protected override tracingMetadata(): Record<string, unknown> {
    return { ls_provider: "fake", ls_model_type: "chat" };
  }
  override async invoke(input: unknown, options?: RunnableConfig): Promise<AIMessageChunk> {
    let out: AIMessageChunk | undefined;
    for await (const chunk of this._streamIterator(input, options)) out = out === undefined ? chunk : out.concat(chunk);
    return out ?? new AIMessageChunk("");
  }
  override _streamIterator(input: unknown, options?: RunnableConfig): AsyncGenerator<AIMessageChunk> {
    const tokens = this.tokens;
    return this._streamWithConfig(async function* () {
      for (const token of tokens) {
        await Promise.resolve();
        yield new AIMessageChunk({ content: token, id: "run-fake" });
      }
    }, input, options);
  }
}

export class FakeStrParser extends Runnable<BaseMessage, string> {
  protected override defaultName(): string {
    return "StrOutputParser";
  }
  protected override runType(): RunType {
    return "parser";
  }
  override invoke(input: BaseMessage, options?: RunnableConfig): Promise<string> {
    return this._callWithConfig((m: BaseMessage) => m.text, input, options);
  }
  override transform(inputs: AsyncIterable<BaseMessage>, options?: RunnableConfig): AsyncGenerator<string> {
    return this._transformWithConfig(async function* (chunks: AsyncIterable<BaseMessage>) {
      for await (const chunk of chunks) yield chunk.text;
    }, inputs, options);
  }
}

export class FakeRetriever extends Runnable<string, Document[]> {
  constructor() {
    super();
    this.name = "Docs";
  }
  protected override runType(): RunType {
    return "retriever";
  }
  override invoke(query: string, options?: RunnableConfig): Promise<Document[]> {
    return this._callWithConfig(() => [new Document({ pageContent: "harrison worked at kensho" })], query, options);
  }
}


/** `prompt | model | parser` streaming `tokens`. */
export const jokeChain = (tokens = ["Hello", " ", "world"]): Runnable =>
  RunnableSequence.from([new FakePrompt(), new FakeChatModel(tokens), new FakeStrParser()]);
