/** Messages with an arbitrary speaker role. */
import { BaseMessage, BaseMessageChunk, type BaseMessageFields, type MessageContent, type MessageType } from "./base.js";
import { assignOwn } from "../utils/objects.js";

/** Object-form constructor fields of {@link ChatMessage}. */
export interface ChatMessageFields extends BaseMessageFields {
  /** The speaker, e.g. `"critic"`. */
  role: string;
}

function toChatFields(fields: MessageContent | ChatMessageFields, role: string | undefined): ChatMessageFields {
  if (typeof fields !== "string" && !Array.isArray(fields)) return fields as ChatMessageFields;
  // LangChain.js also accepts `new ChatMessage(content, role)`.
  if (role === undefined) throw new TypeError("ChatMessage needs a role");
  return { content: fields, role };
}

/**
 * A message from a speaker named by `role`.
 * @example
 * new ChatMessage({ content: "Looks fine.", role: "critic" });
 */
export class ChatMessage extends BaseMessage {
  /** The speaker. */
  role: string;

  constructor(fields: MessageContent | ChatMessageFields, role?: string) {
    const f = toChatFields(fields, role);
    super(f);
    this.role = f.role;
  }

  /** Always `"generic"`. */
  getType(): MessageType {
    return "generic";
  }

  /** Always `"chat"` (Python's type tag, unlike the JS `"generic"`). */
  get wireType(): string {
    return "chat";
  }
}

/** A streamed piece of a {@link ChatMessage}. */
export class ChatMessageChunk extends BaseMessageChunk {
  /** The speaker. */
  role: string;

  constructor(fields: MessageContent | ChatMessageFields, role?: string) {
    const f = toChatFields(fields, role);
    super(f);
    this.role = f.role;
  }

  /** Always `"generic"`. */
  getType(): MessageType {
    return "generic";
  }

  /** Always `"ChatMessageChunk"`. */
  get wireType(): string {
    return "ChatMessageChunk";
  }

  /** A new chunk holding this one followed by `other`; the first non-empty role is kept. */
  concat(other: BaseMessage): ChatMessageChunk {
    const otherRole = other instanceof ChatMessageChunk || other instanceof ChatMessage ? other.role : "";
    return new ChatMessageChunk(assignOwn(this.mergeBaseFields(other), { role: this.role || otherRole }));
  }
}
