/** Messages written by the model, with tool calls and token usage. */
import { BaseMessage, BaseMessageChunk, toFields, type BaseMessageFields, type MessageContent, type MessageType } from "./base.js";
import {
  addUsage,
  mergeToolCallChunks,
  normalizeInvalidToolCall,
  normalizeToolCall,
  normalizeToolCallChunk,
  toolCallsFromChunks,
  toolCallsToChunks,
  type InvalidToolCall,
  type ToolCall,
  type ToolCallChunk,
  type UsageMetadata,
} from "./tool-calls.js";
import { assignOwn, copied, hasNoKeys } from "../utils/objects.js";

/** Object-form constructor fields of {@link AIMessage}. */
export interface AIMessageFields extends BaseMessageFields {
  /** Parsed tool calls. @default [] */
  tool_calls?: ToolCall[] | undefined;
  /** Tool calls whose arguments did not parse. @default [] */
  invalid_tool_calls?: InvalidToolCall[] | undefined;
  /** Token counts. */
  usage_metadata?: UsageMetadata | undefined;
}

/** Object-form constructor fields of {@link AIMessageChunk}. */
export interface AIMessageChunkFields extends AIMessageFields {
  /** Streamed tool-call pieces; when given, `tool_calls` are derived from them. @default [] */
  tool_call_chunks?: ToolCallChunk[] | undefined;
}

/**
 * A complete reply from the model.
 * @example
 * new AIMessage({ content: "", tool_calls: [{ name: "search", args: { q: "x" }, id: "c1" }] });
 */
export class AIMessage extends BaseMessage {
  /** Parsed tool calls. */
  tool_calls: ToolCall[];
  /** Tool calls whose arguments did not parse. */
  invalid_tool_calls: InvalidToolCall[];
  /** Token counts, when the provider reported them. */
  usage_metadata?: UsageMetadata;

  constructor(fields: MessageContent | AIMessageFields) {
    const f: AIMessageFields = toFields(fields);
    super(f);
    this.tool_calls = (f.tool_calls ?? []).map(normalizeToolCall);
    this.invalid_tool_calls = (f.invalid_tool_calls ?? []).map(normalizeInvalidToolCall);
    this.usage_metadata = f.usage_metadata;
  }

  /** Always `"ai"`. */
  getType(): MessageType {
    return "ai";
  }

  /** Always `"ai"`. */
  get wireType(): string {
    return "ai";
  }
}

/**
 * A streamed piece of an AI reply. Tool calls stream as `tool_call_chunks`; the parsed
 * `tool_calls` are always derived from them, so a concatenation exposes complete calls.
 */
export class AIMessageChunk extends BaseMessageChunk {
  /** Calls parsed from {@link AIMessageChunk.tool_call_chunks} (partial JSON is closed first). */
  tool_calls: ToolCall[];
  /** Chunks whose arguments are not a JSON object. */
  invalid_tool_calls: InvalidToolCall[];
  /** Token counts; summed on concat. */
  usage_metadata?: UsageMetadata;
  /** Streamed tool-call pieces, merged by `index` on concat. */
  tool_call_chunks: ToolCallChunk[];

  constructor(fields: MessageContent | AIMessageChunkFields) {
    const f: AIMessageChunkFields = toFields(fields);
    super(f);
    this.usage_metadata = f.usage_metadata;
    // Fast path for the common text-only token chunk: streams build one per token.
    if ((f.tool_call_chunks === undefined || f.tool_call_chunks.length === 0) &&
        (f.tool_calls === undefined || f.tool_calls.length === 0) &&
        (f.invalid_tool_calls === undefined || f.invalid_tool_calls.length === 0)) {
      this.tool_calls = [];
      this.invalid_tool_calls = [];
      this.tool_call_chunks = [];
      return;
    }
    const given = (f.tool_call_chunks ?? []).map(normalizeToolCallChunk);
    if (given.length > 0) {
      this.tool_call_chunks = given;
      const parsed = toolCallsFromChunks(given);
      this.tool_calls = parsed.tool_calls;
      this.invalid_tool_calls = parsed.invalid_tool_calls;
    } else {
      // Python fills chunks from parsed calls so that such a chunk still concatenates correctly.
      this.tool_calls = (f.tool_calls ?? []).map(normalizeToolCall);
      this.invalid_tool_calls = (f.invalid_tool_calls ?? []).map(normalizeInvalidToolCall);
      this.tool_call_chunks = toolCallsToChunks(this.tool_calls, this.invalid_tool_calls);
    }
  }

  /** Always `"ai"`. */
  getType(): MessageType {
    return "ai";
  }

  /** Always `"AIMessageChunk"`. */
  get wireType(): string {
    return "AIMessageChunk";
  }

  /** A new chunk holding this one followed by `other` (an AIMessage is accepted too). */
  concat(other: BaseMessage): AIMessageChunk {
    if (
      other instanceof AIMessageChunk && typeof this.content === "string" && typeof other.content === "string" &&
      this.tool_call_chunks.length === 0 && other.tool_call_chunks.length === 0 &&
      other.usage_metadata === undefined && hasNoKeys(other.additional_kwargs) && hasNoKeys(other.response_metadata)
    ) {
      // Text-only token chunk (the streaming hot path): nothing to merge but the text.
      return new AIMessageChunk({
        content: this.content + other.content,
        name: this.name ?? other.name,
        id: this.id || other.id || undefined,
        additional_kwargs: copied(this.additional_kwargs),
        response_metadata: copied(this.response_metadata),
        usage_metadata: this.usage_metadata,
      });
    }
    let otherChunks: ToolCallChunk[] = [];
    if (other instanceof AIMessageChunk) otherChunks = other.tool_call_chunks;
    else if (other instanceof AIMessage) otherChunks = toolCallsToChunks(other.tool_calls, other.invalid_tool_calls);
    const usage = other instanceof AIMessageChunk || other instanceof AIMessage ? other.usage_metadata : undefined;
    return new AIMessageChunk(
      assignOwn(this.mergeBaseFields(other), {
        tool_call_chunks: otherChunks.length === 0 && this.tool_call_chunks.length === 0 ? [] : mergeToolCallChunks(this.tool_call_chunks, otherChunks),
        usage_metadata: addUsage(this.usage_metadata, usage),
      }),
    );
  }
}
