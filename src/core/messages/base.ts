/**
 * The message base classes. Field names are snake_case like LangChain.js so objects from
 * either library read the same; the LangServe wire form lives in `src/serde`.
 */
import { mergeContent, mergeDicts } from "./merge.js";

/** A block of multimodal content: `{type:"text", text}`, an image block, a provider-specific block… */
export interface ContentBlock {
  /** Block kind, e.g. `"text"` or `"image_url"`. */
  type: string;
  /** Text of a `"text"` block. */
  text?: string;
  /** Position of a streamed block; blocks with the same index are merged on concat. */
  index?: number;
  [key: string]: unknown;
}

/** What a message carries: plain text or a list of content blocks. */
export type MessageContent = string | ContentBlock[];

/** The short role a message reports through {@link BaseMessage.getType}. */
export type MessageType = "human" | "ai" | "system" | "tool" | "generic" | "function";

/** Fields every message accepts in its object-form constructor. */
export interface BaseMessageFields {
  /** Text or content blocks. */
  content: MessageContent;
  /** Optional speaker name. */
  name?: string | undefined;
  /** Optional message id (chat models use the run id). */
  id?: string | undefined;
  /** Provider extras, e.g. a legacy `function_call`. @default {} */
  additional_kwargs?: Record<string, unknown> | undefined;
  /** Provider response details, e.g. `finish_reason`. @default {} */
  response_metadata?: Record<string, unknown> | undefined;
}

/** Normalises the `new XMessage("text")` (or content-blocks) shorthand into the fields form. */
export function toFields<T extends BaseMessageFields>(fields: MessageContent | T): T | BaseMessageFields {
  return typeof fields === "string" || Array.isArray(fields) ? { content: fields } : (fields as T);
}

/** A chat message. Subclasses fix the role; chunk subclasses add `concat`. */
export abstract class BaseMessage {
  /** Text or content blocks. */
  content: MessageContent;
  /** Optional speaker name. */
  name?: string;
  /** Optional message id. */
  id?: string;
  /** Provider extras. */
  additional_kwargs: Record<string, unknown>;
  /** Provider response details. */
  response_metadata: Record<string, unknown>;

  constructor(fields: MessageContent | BaseMessageFields) {
    const f = toFields(fields);
    this.content = f.content;
    this.name = f.name;
    this.id = f.id;
    this.additional_kwargs = f.additional_kwargs ?? {};
    this.response_metadata = f.response_metadata ?? {};
  }

  /** The message role: `"human"`, `"ai"`, `"system"`, `"tool"`, `"generic"` or `"function"`. */
  abstract getType(): MessageType;

  /**
   * The `type` tag LangServe writes for this class: the short type for full messages
   * (`"human"`, `"ai"`, `"chat"`…), the class name for chunks (`"AIMessageChunk"`…).
   * A prototype getter, so it never shows up among the instance's own fields.
   */
  abstract get wireType(): string;

  /** The text of the message: string content as is, or its text blocks joined. */
  get text(): string {
    if (typeof this.content === "string") return this.content;
    let out = "";
    for (const block of this.content) {
      if (block.type === "text" && typeof block.text === "string") out += block.text;
    }
    return out;
  }
}

/** A streamed piece of a message; chunks of one message add up with {@link BaseMessageChunk.concat}. */
export abstract class BaseMessageChunk extends BaseMessage {
  /** Returns a new chunk of this class holding `this` followed by `other`; neither is mutated. */
  abstract concat(other: BaseMessage): BaseMessageChunk;

  /** The merged base fields; the first non-empty `id` and `name` win. */
  protected mergeBaseFields(other: BaseMessage): Required<Pick<BaseMessageFields, "content" | "additional_kwargs" | "response_metadata">> & BaseMessageFields {
    return {
      content: mergeContent(this.content, other.content),
      name: this.name ?? other.name,
      id: this.id || other.id || undefined,
      additional_kwargs: mergeDicts(this.additional_kwargs, other.additional_kwargs),
      response_metadata: mergeDicts(this.response_metadata, other.response_metadata),
    };
  }
}
