/** Message classes, their merge rules and helpers. */
export { BaseMessage, BaseMessageChunk } from "./base.js";
export type { BaseMessageFields, ContentBlock, MessageContent, MessageType } from "./base.js";
export { HumanMessage, HumanMessageChunk } from "./human.js";
export { AIMessage, AIMessageChunk } from "./ai.js";
export type { AIMessageFields, AIMessageChunkFields } from "./ai.js";
export { SystemMessage, SystemMessageChunk } from "./system.js";
export { ToolMessage, ToolMessageChunk } from "./tool.js";
export type { ToolMessageFields } from "./tool.js";
export { ChatMessage, ChatMessageChunk } from "./chat.js";
export type { ChatMessageFields } from "./chat.js";
export type { InvalidToolCall, ToolCall, ToolCallChunk, UsageMetadata } from "./tool-calls.js";
export { parsePartialJson } from "./tool-calls.js";
export { mergeContent, mergeDicts, mergeLists } from "./merge.js";
export {
  chunkToMessage,
  coerceMessageLike,
  getBufferString,
  isBaseMessage,
  isBaseMessageChunk,
  messageToChunk,
} from "./utils.js";
export type { MessageLike } from "./utils.js";
