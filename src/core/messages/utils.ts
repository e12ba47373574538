/** Guards and conversions between message forms. */
import { ChainserveError } from "../errors.js";
import { AIMessage, AIMessageChunk } from "./ai.js";
import { BaseMessage, BaseMessageChunk, type MessageContent } from "./base.js";
import { ChatMessage, ChatMessageChunk } from "./chat.js";
import { HumanMessage, HumanMessageChunk } from "./human.js";
import { SystemMessage, SystemMessageChunk } from "./system.js";
import { ToolMessage, ToolMessageChunk } from "./tool.js";

/** Anything {@link coerceMessageLike} turns into a message. */
export type MessageLike = BaseMessage | string | readonly [role: string, content: MessageContent];

/** True for any message instance, full or chunk. */
export function isBaseMessage(value: unknown): value is BaseMessage {
  return value instanceof BaseMessage;
}

/** True for a message chunk (it has `concat`). */
export function isBaseMessageChunk(value: unknown): value is BaseMessageChunk {
  return value instanceof BaseMessageChunk;
}

/**
 * Turns a message-like value into a message: a message as is, a string into a HumanMessage,
 * a `[role, content]` tuple by role (`human`/`user`, `ai`/`assistant`, `system`).
 * Template placeholders are a prompt concern and are not accepted here.
 * @throws ChainserveError `BAD_REQUEST` for any other value or role.
 * @example
 * coerceMessageLike(["assistant", "Hi!"]); // AIMessage
 */
export function coerceMessageLike(value: MessageLike | unknown): BaseMessage {
  if (value instanceof BaseMessage) return value;
  if (typeof value === "string") return new HumanMessage(value);
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === "string") {
    const content: unknown = value[1];
    if (typeof content === "string" || Array.isArray(content)) return fromRole(value[0], content as MessageContent);
  }
  throw new ChainserveError("BAD_REQUEST", "Expected a message, a string or a [role, content] pair", { detail: value });
}

function fromRole(role: string, content: MessageContent): BaseMessage {
  switch (role) {
    case "human":
    case "user":
      return new HumanMessage(content);
    case "ai":
    case "assistant":
      return new AIMessage(content);
    case "system":
      return new SystemMessage(content);
    default:
      throw new ChainserveError("BAD_REQUEST", `Unknown message role "${role}"; expected human, user, ai, assistant or system`);
  }
}

/** The chunk counterpart of a message, with the same fields (a chunk is returned as is). */
export function messageToChunk(message: BaseMessage): BaseMessageChunk {
  if (message instanceof BaseMessageChunk) return message;
  if (message instanceof AIMessage) return new AIMessageChunk(message);
  if (message instanceof ToolMessage) return new ToolMessageChunk(message);
  if (message instanceof ChatMessage) return new ChatMessageChunk(message);
  if (message instanceof SystemMessage) return new SystemMessageChunk(message);
  return new HumanMessageChunk(message);
}

/** The full-message counterpart of a chunk, with the same fields (a full message is returned as is). */
export function chunkToMessage(chunk: BaseMessage): BaseMessage {
  if (!(chunk instanceof BaseMessageChunk)) return chunk;
  if (chunk instanceof AIMessageChunk) return new AIMessage(chunk);
  if (chunk instanceof ToolMessageChunk) return new ToolMessage(chunk);
  if (chunk instanceof ChatMessageChunk) return new ChatMessage(chunk);
  if (chunk instanceof SystemMessageChunk) return new SystemMessage(chunk);
  return new HumanMessage(chunk);
}

const PREFIXES = { human: "Human", ai: "AI", system: "System", tool: "Tool", function: "Function" } as const;

/**
 * Renders messages as a transcript, one `Role: text` line each (`Human`, `AI`, `System`,
 * `Tool`, or a ChatMessage's own role), as LangChain's `getBufferString` does.
 */
export function getBufferString(messages: readonly BaseMessage[]): string {
  return messages
    .map((m) => {
      const type = m.getType();
      const prefix = type === "generic" ? (m instanceof ChatMessage || m instanceof ChatMessageChunk ? m.role : "generic") : PREFIXES[type];
      return `${prefix}: ${m.text}`;
    })
    .join("\n");
}
