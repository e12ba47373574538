/** Prompt templates: text (`PromptTemplate`) and chat (`ChatPromptTemplate`, `MessagesPlaceholder`). */
export { PromptTemplate } from "./prompt-template.js";
export type { PromptTemplateInput } from "./prompt-template.js";
export { ChatPromptTemplate } from "./chat-prompt-template.js";
export type { MessageTemplateLike } from "./chat-prompt-template.js";
export { MessagesPlaceholder } from "./messages-placeholder.js";
export type { MessagesPlaceholderOptions } from "./messages-placeholder.js";
export { parseFString, formatParts, templateVariables, pyStr, pyRepr } from "./template.js";
export type { TemplatePart, FStringVariables, FStringInput } from "./template.js";
