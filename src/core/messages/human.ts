/** Messages written by the user. */
import { BaseMessage, BaseMessageChunk, type MessageType } from "./base.js";

/**
 * A message from the human user.
 * @example
 * new HumanMessage("What is LangServe?");
 */
export class HumanMessage extends BaseMessage {
  /** Always `"human"`. */
  getType(): MessageType {
    return "human";
  }

  /** Always `"human"`. */
  get wireType(): string {
    return "human";
  }
}

/** A streamed piece of a {@link HumanMessage}. */
export class HumanMessageChunk extends BaseMessageChunk {
  /** Always `"human"`. */
  getType(): MessageType {
    return "human";
  }

  /** Always `"HumanMessageChunk"`. */
  get wireType(): string {
    return "HumanMessageChunk";
  }

  /** A new chunk holding this one followed by `other`. */
  concat(other: BaseMessage): HumanMessageChunk {
    return new HumanMessageChunk(this.mergeBaseFields(other));
  }
}
