/**
 * A chat model for any OpenAI-compatible `/chat/completions` endpoint (OpenAI, vLLM,
 * llama.cpp, Ollama, LM Studio…), streamed over undici. Lives outside `src/core` because
 * it does HTTP; the core stays transport-free.
 */
import { createParser } from "eventsource-parser";
import { request, type Dispatcher } from "undici";
import { ChainserveError } from "../core/errors.js";
import { BaseChatModel, type BaseChatModelCallOptions, type BaseChatModelParams } from "../core/language-models/base-chat-model.js";
import { AIMessage, AIMessageChunk, type AIMessageChunkFields } from "../core/messages/ai.js";
import type { BaseMessage, ContentBlock, MessageContent } from "../core/messages/base.js";
import { ChatMessage, ChatMessageChunk } from "../core/messages/chat.js";
import { ToolMessage, ToolMessageChunk } from "../core/messages/tool.js";
import type { ToolCallChunk, UsageMetadata } from "../core/messages/tool-calls.js";
import { assignOwn } from "../core/utils/objects.js";
import { hintOf, httpFailure, retryAfterMs, retryDelay, sharedAgent, sleep, transportFailure, upstreamPolicy, type UpstreamOptions, type UpstreamPolicy } from "./upstream.js";

/** Options of {@link ChatOpenAICompatible}; each falls back to an environment variable or a default. */
export interface ChatOpenAICompatibleOptions extends BaseChatModelParams, UpstreamOptions {
  /** API root, without `/chat/completions`. @default env OPENAI_BASE_URL, else "https://api.openai.com/v1" */
  baseURL?: string;
  /** Sent as `Authorization: Bearer …`; local servers usually need none. @default env OPENAI_API_KEY */
  apiKey?: string;
  /** Model name. @default env OPENAI_MODEL, else "gpt-4o-mini" */
  model?: string;
  /** Sampling temperature. @default the server's */
  temperature?: number;
  /** Sent as `max_tokens`. @default the server's */
  maxTokens?: number;
  /** Limit for the whole call, first byte to last; exceeding it throws a `TIMEOUT` error. @default none */
  timeoutMs?: number;
  /** Ask for a final usage chunk (`stream_options.include_usage`); turn off for servers that reject it. @default true */
  streamUsage?: boolean;
  /** Extra request headers (e.g. an org or routing header). */
  headers?: Record<string, string>;
  /** undici dispatcher (then `connectTimeoutMs` is the dispatcher's business). @default a shared keep-alive Agent */
  dispatcher?: Dispatcher;
}

/** Per-call options: the base ones (`stop`, `signal`…) plus tool definitions. */
export interface ChatOpenAICompatibleCallOptions extends BaseChatModelCallOptions {
  /** Tool definitions, sent as `tools` unchanged (OpenAI's function-tool shape). */
  tools?: unknown[];
  /** Sent as `tool_choice` unchanged. */
  toolChoice?: unknown;
}

// The parts of a chat.completion.chunk this model reads; servers differ in the rest.
interface CompletionChunk {
  model?: string;
  system_fingerprint?: string;
  choices?: {
    delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: DeltaToolCall[] };
    finish_reason?: string | null;
  }[];
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number }; completion_tokens_details?: { reasoning_tokens?: number } } | null;
  error?: { message?: string } | string;
}
interface DeltaToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * Chat completions over SSE: every call streams (`stream: true`), `invoke` adds the chunks
 * up. Deltas become AIMessageChunks with `content`, `tool_call_chunks`, `usage_metadata`
 * (from the final usage chunk) and `response_metadata` `{finish_reason, model_name}` (on the
 * finishing chunk only, so concatenation does not repeat them). `config.signal` aborts the
 * HTTP request. Each phase has a timeout (connect, first byte, idle between chunks: `TIMEOUT`,
 * 504); a failure before the first token (429, 5xx, 408/409, timeouts, network errors) is
 * retried up to `maxRetries` times after the provider's `Retry-After` or an exponential backoff.
 * A 429 that is not retried throws `RATE_LIMITED` with `retryAfter`; other failures
 * `UPSTREAM_ERROR` (502). The provider's error text is in the error's cause, and in its message
 * only with `exposeUpstreamErrors`; the API key never appears in an error.
 * @example
 * const model = new ChatOpenAICompatible({ baseURL: "http://127.0.0.1:11434/v1", model: "llama3.2" });
 * const chain = ChatPromptTemplate.fromTemplate("tell me a joke about {topic}").pipe(model).pipe(new StrOutputParser());
 * for await (const text of await chain.stream({ topic: "bears" })) process.stdout.write(text);
 */
export class ChatOpenAICompatible extends BaseChatModel<ChatOpenAICompatibleCallOptions> {
  /** API root. */
  baseURL: string;
  /** Model name. */
  model: string;
  /** Sampling temperature. */
  temperature: number | undefined;
  /** `max_tokens`. */
  maxTokens: number | undefined;
  /** Whole-call time limit in ms. */
  timeoutMs: number | undefined;
  /** Whether to request the usage chunk. */
  streamUsage: boolean;
  /** Extra request headers. */
  headers: Record<string, string>;
  /** Timeouts and retries of the HTTP calls. */
  readonly upstream: UpstreamPolicy;
  private readonly apiKey: string | undefined;
  private readonly dispatcher: Dispatcher | undefined;

  constructor(options: ChatOpenAICompatibleOptions = {}) {
    super(options);
    const env = typeof process === "undefined" ? {} : process.env;
    this.baseURL = (options.baseURL ?? env.OPENAI_BASE_URL ?? "https://api.openai.com/v1").replace(/\/+$/, "");
    this.apiKey = options.apiKey ?? env.OPENAI_API_KEY;
    this.model = options.model ?? env.OPENAI_MODEL ?? "gpt-4o-mini";
    this.temperature = options.temperature;
    this.maxTokens = options.maxTokens;
    this.timeoutMs = options.timeoutMs;
    this.streamUsage = options.streamUsage ?? true;
    this.headers = options.headers ?? {};
    this.dispatcher = options.dispatcher;
    this.upstream = upstreamPolicy(options);
  }

  protected override defaultName(): string {
    return "ChatOpenAICompatible";
  }

  protected override tracingMetadata(): Record<string, unknown> {
    return { ls_provider: "openai", ls_model_type: "chat", ls_model_name: this.model };
  }

  /** Without the API key, so logging the model cannot leak it. */
  toJSON(): Record<string, unknown> {
    return { name: this.getName(), baseURL: this.baseURL, model: this.model, temperature: this.temperature, maxTokens: this.maxTokens };
  }

  protected override async *_streamResponseChunks(messages: BaseMessage[], options: ChatOpenAICompatibleCallOptions): AsyncGenerator<AIMessageChunk> {
    const whole = this.timeoutMs === undefined ? undefined : AbortSignal.timeout(this.timeoutMs);
    const signals = [options.signal, whole].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
    const body = JSON.stringify(this.requestBody(messages, options));
    for (let retry = 0; ; retry++) {
      // Chunks that carry nothing (the leading `role` delta) are held back until the first
      // token, so that a failure before it can still be retried without the caller seeing a
      // chunk twice.
      let produced = false;
      const held: AIMessageChunk[] = [];
      try {
        const response = await this.send(body, signal);
        for await (const chunk of this.readEvents(response.body)) {
          if (!produced && isEmpty(chunk)) {
            held.push(chunk);
            continue;
          }
          if (!produced) {
            produced = true;
            yield* held;
          }
          yield chunk;
        }
        if (!produced) yield* held;
        return;
      } catch (error) {
        const failure = this.failure(error, options.signal, whole);
        const hint = hintOf(failure);
        if (produced || hint?.retryable !== true || retry >= this.upstream.maxRetries) throw failure;
        const delay = retryDelay(retry, hint, this.upstream);
        // A provider asking for a long pause: the caller decides (its error carries retryAfter).
        if (hint.retryAfterMs !== undefined && delay > this.upstream.maxRetryAfterMs) throw failure;
        try {
          await sleep(delay, signal);
        } catch (aborted) {
          throw this.failure(aborted, options.signal, whole);
        }
      }
    }
  }

  private async send(body: string, signal: AbortSignal | undefined): Promise<Dispatcher.ResponseData> {
    const response = await request(`${this.baseURL}/chat/completions`, {
      method: "POST",
      headers: this.requestHeaders(),
      body,
      signal,
      dispatcher: this.dispatcher ?? sharedAgent(this.upstream.connectTimeoutMs),
      headersTimeout: this.upstream.firstByteTimeoutMs,
      bodyTimeout: this.upstream.idleTimeoutMs,
    });
    if (response.statusCode >= 200 && response.statusCode < 300) return response;
    const text = this.scrub(upstreamMessage(await readSome(response.body)));
    throw httpFailure(response.statusCode, text, retryAfterMs(response.headers), this.upstream.exposeUpstreamErrors);
  }

  // A caller's abort is rethrown as is (so isAbortError holds); the whole-call timeout becomes
  // TIMEOUT; our own errors pass; anything else is a transport failure.
  private failure(error: unknown, callerSignal: AbortSignal | undefined, whole: AbortSignal | undefined): unknown {
    if (callerSignal?.aborted === true) return callerSignal.reason ?? error;
    if (whole?.aborted === true) {
      return new ChainserveError("TIMEOUT", `Model call exceeded timeoutMs (${String(this.timeoutMs)} ms)`, { cause: error });
    }
    if (error instanceof ChainserveError) return error;
    return transportFailure(error, this.upstream, (text) => this.scrub(text));
  }

  private requestHeaders(): Record<string, string> {
    const headers: Record<string, string> = assignOwn({ "content-type": "application/json", accept: "text/event-stream" }, this.headers);
    if (this.apiKey !== undefined && this.apiKey !== "") headers.authorization = `Bearer ${this.apiKey}`;
    return headers;
  }

  private requestBody(messages: BaseMessage[], options: ChatOpenAICompatibleCallOptions): Record<string, unknown> {
    const body: Record<string, unknown> = { model: this.model, messages: messages.map(toWireMessage), stream: true };
    if (this.streamUsage) body.stream_options = { include_usage: true };
    if (this.temperature !== undefined) body.temperature = this.temperature;
    if (this.maxTokens !== undefined) body.max_tokens = this.maxTokens;
    if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
    if (options.tools !== undefined) body.tools = options.tools;
    if (options.toolChoice !== undefined) body.tool_choice = options.toolChoice;
    return body;
  }

  private async *readEvents(body: Dispatcher.ResponseData["body"]): AsyncGenerator<AIMessageChunk> {
    const pending: string[] = [];
    const parser = createParser({ onEvent: (event) => pending.push(event.data) });
    const decoder = new TextDecoder();
    let done = false;
    let drained = false;
    try {
      for await (const bytes of body as AsyncIterable<Uint8Array>) {
        // After `[DONE]` the tail (normally nothing) is read and dropped, so the connection can be reused.
        if (done) continue;
        parser.feed(decoder.decode(bytes, { stream: true }));
        for (let data = pending.shift(); data !== undefined; data = pending.shift()) {
          if (data.trim() === "[DONE]") {
            done = true;
            break;
          }
          const chunk = this.toChunk(parseEvent(data));
          if (chunk !== undefined) yield chunk;
        }
      }
      drained = true;
    } finally {
      // Stopping early (consumer break, abort, error) must close the connection, not leave it streaming.
      if (!drained && !body.destroyed) body.destroy();
    }
  }

  private toChunk(event: CompletionChunk): AIMessageChunk | undefined {
    if (event.error !== undefined) {
      const message = typeof event.error === "string" ? event.error : (event.error.message ?? "unknown error");
      const suffix = this.upstream.exposeUpstreamErrors ? `: ${this.scrub(message)}` : "";
      throw new ChainserveError("UPSTREAM_ERROR", `Model provider reported an error mid-stream${suffix}`, { cause: new Error(this.scrub(message)) });
    }
    const choice = event.choices?.[0];
    const usage = event.usage ?? undefined;
    if (choice === undefined && usage === undefined) return undefined;
    const delta = choice?.delta ?? {};
    const fields: AIMessageChunkFields = { content: typeof delta.content === "string" ? delta.content : "" };
    if (delta.tool_calls !== undefined && delta.tool_calls.length > 0) fields.tool_call_chunks = delta.tool_calls.map(toToolCallChunk);
    if (typeof delta.reasoning_content === "string") fields.additional_kwargs = { reasoning_content: delta.reasoning_content };
    if (typeof choice?.finish_reason === "string") {
      const metadata: Record<string, unknown> = { finish_reason: choice.finish_reason, model_name: event.model ?? this.model };
      if (event.system_fingerprint !== undefined) metadata.system_fingerprint = event.system_fingerprint;
      fields.response_metadata = metadata;
    }
    if (usage !== undefined) fields.usage_metadata = toUsage(usage);
    return new AIMessageChunk(fields);
  }

  private scrub(text: string): string {
    const key = this.apiKey;
    return key === undefined || key.length < 4 ? text : text.split(key).join("***");
  }
}

// No text, no tool-call piece, no usage, no finish: nothing a caller would miss if it were resent.
function isEmpty(chunk: AIMessageChunk): boolean {
  return chunk.content === "" && chunk.tool_call_chunks.length === 0 && chunk.usage_metadata === undefined && Object.keys(chunk.response_metadata).length === 0 && Object.keys(chunk.additional_kwargs).length === 0;
}

function parseEvent(data: string): CompletionChunk {
  try {
    return JSON.parse(data) as CompletionChunk;
  } catch (error) {
    throw new ChainserveError("UPSTREAM_ERROR", `Model provider sent an event that is not JSON: ${data.slice(0, 200)}`, { cause: error });
  }
}

function toToolCallChunk(call: DeltaToolCall): ToolCallChunk {
  const chunk: ToolCallChunk = { type: "tool_call_chunk" };
  if (call.function?.name !== undefined) chunk.name = call.function.name;
  if (call.function?.arguments !== undefined) chunk.args = call.function.arguments;
  if (call.id !== undefined) chunk.id = call.id;
  if (call.index !== undefined) chunk.index = call.index;
  return chunk;
}

function toUsage(usage: NonNullable<CompletionChunk["usage"]>): UsageMetadata {
  const input = usage.prompt_tokens ?? 0;
  const output = usage.completion_tokens ?? 0;
  const out: UsageMetadata = { input_tokens: input, output_tokens: output, total_tokens: usage.total_tokens ?? input + output };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached !== undefined) out.input_token_details = { cache_read: cached };
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning !== undefined) out.output_token_details = { reasoning };
  return out;
}

/** A message in the chat-completions request shape. */
function toWireMessage(message: BaseMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { role: roleOf(message), content: toWireContent(message.content) };
  if (message.name !== undefined) out.name = message.name;
  if ((message instanceof AIMessage || message instanceof AIMessageChunk) && message.tool_calls.length > 0) {
    out.tool_calls = message.tool_calls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.args) },
    }));
  }
  if (message instanceof ToolMessage || message instanceof ToolMessageChunk) out.tool_call_id = message.tool_call_id;
  return out;
}

function roleOf(message: BaseMessage): string {
  const type = message.getType();
  switch (type) {
    case "human":
      return "user";
    case "ai":
      return "assistant";
    case "system":
    case "tool":
    case "function":
      return type;
    case "generic":
      return message instanceof ChatMessage || message instanceof ChatMessageChunk ? message.role : "user";
  }
}

// Streaming leaves `index` on blocks, and LangChain allows `image_url` as a bare string.
function toWireContent(content: MessageContent): MessageContent {
  if (typeof content === "string") return content;
  return content.map((block): ContentBlock => {
    const { index: _index, ...rest } = block;
    if (rest.type === "image_url" && typeof rest.image_url === "string") return assignOwn(rest, { image_url: { url: rest.image_url } });
    return rest as ContentBlock;
  });
}

async function readSome(body: Dispatcher.ResponseData["body"]): Promise<string> {
  try {
    const text = await body.text();
    return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return "";
  }
}

function upstreamMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown; detail?: unknown };
    const error = parsed.error;
    const message = typeof error === "string" ? error : (error?.message ?? parsed.message ?? parsed.detail);
    if (typeof message === "string") return message;
  } catch {
    // not JSON: use the text
  }
  return body.trim().slice(0, 500) || "(empty body)";
}
