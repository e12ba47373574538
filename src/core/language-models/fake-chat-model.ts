/** A deterministic chat model for tests, demos and benchmarks. */
import { throwIfAborted } from "../config.js";
import { AIMessage, AIMessageChunk } from "../messages/ai.js";
import type { BaseMessage } from "../messages/base.js";
import { sleep } from "../utils/signal.js";
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams } from "./base-chat-model.js";

/** Options of {@link FakeChatModel}. */
export interface FakeChatModelOptions extends BaseChatModelParams {
  /** Replies, used in turn: call N answers `responses[N % length]`. */
  responses: string[];
  /** Delay before each streamed chunk (and before an invoked reply). @default 0 */
  sleepMs?: number;
}

/**
 * Replies with canned responses, cycling through them one per call. Streams each reply
 * split on whitespace with every separator its own chunk — `"Why don't bears"` streams
 * `"Why"`, `" "`, `"don't"`, `" "`, `"bears"` — which is what Python's
 * `GenericFakeChatModel` does, so runs, events and chunks match the LangServe captures.
 * Honours `config.signal` between chunks.
 * @example
 * const model = new FakeChatModel({ responses: ["Why don't bears wear shoes? Because they have bear feet!"] });
 * const chain = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model);
 */
export class FakeChatModel extends BaseChatModel {
  /** The replies, used in turn. */
  responses: string[];
  /** Delay before each chunk, in ms. */
  sleepMs: number;
  // An object, so copies made by configurableFields share one position in the cycle.
  private readonly cursor = { calls: 0 };

  constructor(options: FakeChatModelOptions) {
    super(options);
    if (options.responses.length === 0) throw new TypeError("FakeChatModel needs at least one response");
    this.responses = options.responses;
    this.sleepMs = options.sleepMs ?? 0;
  }

  protected override defaultName(): string {
    return "GenericFakeChatModel";
  }

  protected override tracingMetadata(): Record<string, unknown> {
    return { ls_provider: "genericfakechatmodel", ls_model_type: "chat" };
  }

  protected override async _generate(_messages: BaseMessage[], options: BaseChatModelCallOptions): Promise<AIMessage> {
    const text = this.nextResponse();
    if (this.sleepMs > 0) await sleep(this.sleepMs, options.signal);
    return new AIMessage(text);
  }

  protected override async *_streamResponseChunks(_messages: BaseMessage[], options: BaseChatModelCallOptions): AsyncGenerator<AIMessageChunk> {
    // Python's re.split(r"(\s)", text): one chunk per whitespace character, empty strings kept.
    for (const token of this.nextResponse().split(/(\s)/)) {
      if (this.sleepMs > 0) await sleep(this.sleepMs, options.signal);
      throwIfAborted(options);
      yield new AIMessageChunk(token);
    }
  }

  private nextResponse(): string {
    const text = this.responses[this.cursor.calls % this.responses.length] as string;
    this.cursor.calls++;
    return text;
  }
}
