/** A slot in a chat prompt that is filled with a whole list of messages (chat history). */
import { ChainserveError } from "../errors.js";
import type { BaseMessage } from "../messages/base.js";
import { coerceMessageLike, isBaseMessage } from "../messages/utils.js";

/** Options of {@link MessagesPlaceholder}. */
export interface MessagesPlaceholderOptions {
  /** Name of the input variable holding the messages. */
  variableName: string;
  /** When true, a missing variable renders as no messages instead of an error. @default false */
  optional?: boolean;
  /** Keep only the last N messages (Python's `n_messages`). @default all */
  nMessages?: number;
}

/**
 * Stands for a list of messages supplied at call time, e.g. the chat history.
 * @example
 * const prompt = ChatPromptTemplate.fromMessages([
 *   ["system", "You are terse."],
 *   new MessagesPlaceholder("history"),
 *   ["human", "{question}"],
 * ]);
 */
export class MessagesPlaceholder {
  /** Name of the input variable holding the messages. */
  readonly variableName: string;
  /** Whether the variable may be missing. */
  readonly optional: boolean;
  /** Keep only the last N messages. */
  readonly nMessages: number | undefined;

  constructor(options: string | MessagesPlaceholderOptions) {
    const o = typeof options === "string" ? { variableName: options } : options;
    this.variableName = o.variableName;
    this.optional = o.optional ?? false;
    this.nMessages = o.nMessages;
  }

  /**
   * The messages for this slot. Accepts messages, strings, `[role, content]` pairs and
   * `{role|type, content}` objects (what JSON clients send).
   * @throws ChainserveError `BAD_REQUEST` when the value is not a list or an item is not message-like.
   */
  formatMessages(values: Record<string, unknown>): BaseMessage[] {
    const value = values[this.variableName];
    if (value === undefined || value === null) {
      if (this.optional) return [];
      throw new ChainserveError("BAD_REQUEST", `Missing value for the messages placeholder "${this.variableName}"`);
    }
    if (!Array.isArray(value)) {
      throw new ChainserveError(
        "BAD_REQUEST",
        `Variable "${this.variableName}" should be a list of messages, got ${describe(value)}`,
      );
    }
    const messages = value.map(toMessage);
    return this.nMessages === undefined ? messages : messages.slice(-this.nMessages);
  }
}

function toMessage(item: unknown): BaseMessage {
  if (isBaseMessage(item)) return item;
  if (typeof item === "object" && item !== null && !Array.isArray(item) && "content" in item) {
    const record = item as { role?: unknown; type?: unknown; content: unknown };
    const role = typeof record.role === "string" ? record.role : record.type;
    if (typeof role === "string") return coerceMessageLike([role, record.content]);
  }
  return coerceMessageLike(item);
}

function describe(value: unknown): string {
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value)}`;
}
