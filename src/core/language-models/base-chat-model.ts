/** The chat-model contract: messages in, an AI message out, streamed as chunks. */
import { RUN_CONTEXT, type RunnableConfig } from "../config.js";
import { ChainserveError } from "../errors.js";
import { AIMessage, AIMessageChunk } from "../messages/ai.js";
import type { BaseMessage } from "../messages/base.js";
import { HumanMessage } from "../messages/human.js";
import { coerceMessageLike, type MessageLike } from "../messages/utils.js";
import { isPromptValue, type PromptValue } from "../prompt-values.js";
import { Runnable } from "../runnable.js";
import type { RunType } from "../tracing/run.js";
import { tapIterator } from "../utils/iter.js";
import { messageJsonSchema, promptValueJsonSchema } from "../schemas/message-schemas.js";

/** What a chat model accepts: a string (one human message), a prompt value, or messages. */
export type BaseLanguageModelInput = string | PromptValue | readonly MessageLike[];

/** Call options every chat model understands (alongside the runnable config). */
export interface BaseChatModelCallOptions extends RunnableConfig {
  /** Stop sequences: generation ends before any of them. */
  stop?: string[];
}

/** Constructor fields every chat model accepts. */
export interface BaseChatModelParams {
  /** Run name. @default the model's class name */
  name?: string;
}

/**
 * Base class of chat models. Subclasses implement {@link BaseChatModel._streamResponseChunks}
 * (and may override {@link BaseChatModel._generate}); the base converts the input, opens
 * the `chat_model` run and gives messages LangChain's ids: `run--<run id>` on every chunk
 * of one call, `run--<run id>-0` on an invoked message. The run id is the traced run's,
 * else the caller's `runId`, else a fresh uuid.
 *
 * As in Python, `invoke` streams internally while streamLog/streamEvents listen, so token
 * events appear even for invoked models.
 * @example
 * class Echo extends BaseChatModel {
 *   protected async *_streamResponseChunks(messages: BaseMessage[]) {
 *     yield new AIMessageChunk(messages.at(-1)?.text ?? "");
 *   }
 * }
 */
export abstract class BaseChatModel<CallOptions extends BaseChatModelCallOptions = BaseChatModelCallOptions> extends Runnable<
  BaseLanguageModelInput,
  AIMessage,
  CallOptions
> {
  constructor(fields: BaseChatModelParams = {}) {
    super();
    if (fields.name !== undefined) this.name = fields.name;
  }

  /**
   * Stream the reply to `messages`. `options` carries `stop`, `signal` and any
   * model-specific call options; honour `options.signal`.
   */
  protected abstract _streamResponseChunks(messages: BaseMessage[], options: CallOptions): AsyncGenerator<AIMessageChunk>;

  /** The whole reply. Default: the streamed chunks added up. */
  protected async _generate(messages: BaseMessage[], options: CallOptions): Promise<AIMessage> {
    let message: AIMessageChunk | undefined;
    for await (const chunk of this._streamResponseChunks(messages, options)) message = message === undefined ? chunk : message.concat(chunk);
    return message === undefined ? new AIMessage("") : new AIMessage(message);
  }

  protected override runType(): RunType {
    return "chat_model";
  }

  /** Declared schema, else a string, a prompt value or a list of messages. */
  override getInputJsonSchema(): Record<string, unknown> {
    return this.inputSchema !== undefined ? super.getInputJsonSchema() : promptValueJsonSchema(this.getName("Input"));
  }

  /** Declared schema, else the message union. */
  override getOutputJsonSchema(): Record<string, unknown> {
    return this.outputSchema !== undefined ? super.getOutputJsonSchema() : messageJsonSchema(this.getName("Output"));
  }

  /** `{ls_provider, ls_model_type: "chat"}`, the provider derived from the class name as Python does. */
  protected override tracingMetadata(): Record<string, unknown> | undefined {
    return { ls_provider: providerFromClassName(this.defaultName()), ls_model_type: "chat" };
  }

  override invoke(input: BaseLanguageModelInput, options?: CallOptions): Promise<AIMessage> {
    let messages: BaseMessage[];
    try {
      messages = toChatMessages(input);
    } catch (error) {
      return Promise.reject(error);
    }
    if (options?.[RUN_CONTEXT] !== undefined) return this.invokeStreaming(messages, options);
    const runId = options?.runId;
    if (runId === undefined) return this._callWithConfig(this.generateMessage, messages, options);
    return this._callWithConfig((m: BaseMessage[], c: CallOptions) => this.generateMessage(m, c, runId), messages, options);
  }

  /** Stream the reply as {@link AIMessageChunk}s that add up (`concat`) to the invoked message. */
  override stream(input: BaseLanguageModelInput, options?: Partial<CallOptions>): Promise<AsyncGenerator<AIMessageChunk>> {
    return super.stream(input, options) as Promise<AsyncGenerator<AIMessageChunk>>;
  }

  override _streamIterator(input: BaseLanguageModelInput, options?: CallOptions): AsyncGenerator<AIMessageChunk> {
    // Input conversion errors are thrown here, before the run opens (as Python does).
    const messages = toChatMessages(input);
    const runId = options?.[RUN_CONTEXT] === undefined ? options?.runId : undefined;
    if (runId === undefined) return this._streamWithConfig(this.streamChunks, messages, options);
    return this._streamWithConfig((m: BaseMessage[], c: CallOptions) => this.streamChunks(m, c, runId), messages, options);
  }

  // `runId`: the caller's id for an untraced root run (children never see it in their config).
  private async generateMessage(messages: BaseMessage[], config: CallOptions, runId?: string): Promise<AIMessage> {
    const message = await this._generate(messages, config);
    if (message.id === undefined) message.id = `run--${runId ?? runIdOf(config)}-0`;
    return message;
  }

  private streamChunks(messages: BaseMessage[], config: CallOptions, runId?: string): AsyncGenerator<AIMessageChunk> {
    const id = `run--${runId ?? runIdOf(config)}`;
    // Stamped in passing rather than through a generator of its own (a layer per token).
    return tapIterator(this._streamResponseChunks(messages, config)[Symbol.asyncIterator](), (chunk) => {
      if (chunk.id === undefined) chunk.id = id;
    });
  }

  // Under streamLog/streamEvents, Python streams inside invoke so listeners see tokens.
  private async invokeStreaming(messages: BaseMessage[], options: CallOptions): Promise<AIMessage> {
    let message: AIMessageChunk | undefined;
    for await (const chunk of this._streamWithConfig(this.streamChunks, messages, options)) {
      message = message === undefined ? chunk : message.concat(chunk);
    }
    if (message === undefined) return new AIMessage("");
    const out = new AIMessage(message);
    // Invoked messages carry the `-0` generation suffix however they were produced.
    if (out.id !== undefined && out.id.startsWith("run--") && !out.id.endsWith("-0")) out.id += "-0";
    return out;
  }
}

/**
 * A chat model's input as messages: a string becomes one human message, a prompt value
 * its messages, and `[role, content]` pairs or strings in a list are coerced.
 * @throws ChainserveError `BAD_REQUEST` for any other input.
 */
export function toChatMessages(input: BaseLanguageModelInput): BaseMessage[] {
  if (typeof input === "string") return [new HumanMessage(input)];
  if (isPromptValue(input)) return input.toChatMessages();
  if (Array.isArray(input)) return input.map((item: MessageLike) => coerceMessageLike(item));
  throw new ChainserveError("BAD_REQUEST", "Invalid input type for a chat model. Must be a PromptValue, a string, or a list of messages.");
}

// The run's id when a tracer opened one (the child config points at it), else a fresh one.
function runIdOf(config: RunnableConfig): string {
  return config[RUN_CONTEXT]?.parent?.id ?? crypto.randomUUID();
}

/** Python's default `ls_provider`: the class name without a `Chat` prefix/suffix, lower-cased. */
function providerFromClassName(name: string): string {
  const trimmed = name.startsWith("Chat") ? name.slice(4) : name.endsWith("Chat") ? name.slice(0, -4) : name;
  return trimmed.toLowerCase();
}
