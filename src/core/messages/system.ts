/** Instructions for the model. */
import { BaseMessage, BaseMessageChunk, type MessageType } from "./base.js";

/**
 * A system instruction for the model.
 * @example
 * new SystemMessage("You are a terse assistant.");
 */
export class SystemMessage extends BaseMessage {
  /** Always `"system"`. */
  getType(): MessageType {
    return "system";
  }

  /** Always `"system"`. */
  get wireType(): string {
    return "system";
  }
}

/** A streamed piece of a {@link SystemMessage}. */
export class SystemMessageChunk extends BaseMessageChunk {
  /** Always `"system"`. */
  getType(): MessageType {
    return "system";
  }

  /** Always `"SystemMessageChunk"`. */
  get wireType(): string {
    return "SystemMessageChunk";
  }

  /** A new chunk holding this one followed by `other`. */
  concat(other: BaseMessage): SystemMessageChunk {
    return new SystemMessageChunk(this.mergeBaseFields(other));
  }
}
