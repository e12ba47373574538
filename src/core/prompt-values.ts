/**
 * What a prompt template produces: either one string (for text models) or a list of
 * messages (for chat models); each converts to the other.
 */
import { HumanMessage } from "./messages/human.js";
import type { BaseMessage } from "./messages/base.js";
import { getBufferString } from "./messages/utils.js";

/**
 * A prompt rendered as a single string.
 * @example
 * new StringPromptValue("Tell me a joke").toChatMessages(); // [HumanMessage]
 */
export class StringPromptValue {
  /** The prompt text. */
  value: string;

  constructor(value: string) {
    this.value = value;
  }

  /** The prompt text. */
  toString(): string {
    return this.value;
  }

  /** The text as one human message. */
  toChatMessages(): BaseMessage[] {
    return [new HumanMessage(this.value)];
  }
}

/**
 * A prompt rendered as chat messages.
 * @example
 * new ChatPromptValue([new SystemMessage("Be brief."), new HumanMessage("Hi")]).toString();
 * // "System: Be brief.\nHuman: Hi"
 */
export class ChatPromptValue {
  /** The messages. */
  messages: BaseMessage[];

  /** Takes the messages, or LangChain.js's `{ messages }` fields form. */
  constructor(messages: BaseMessage[] | { messages: BaseMessage[] }) {
    this.messages = Array.isArray(messages) ? messages : messages.messages;
  }

  /** The messages as a `Role: text` transcript. */
  toString(): string {
    return getBufferString(this.messages);
  }

  /** The messages (a new array). */
  toChatMessages(): BaseMessage[] {
    return [...this.messages];
  }
}

/** Either kind of prompt value. */
export type PromptValue = StringPromptValue | ChatPromptValue;

/** True for a {@link StringPromptValue} or {@link ChatPromptValue}. */
export function isPromptValue(value: unknown): value is PromptValue {
  return value instanceof StringPromptValue || value instanceof ChatPromptValue;
}
