/** Chat models: the `BaseChatModel` contract and a deterministic `FakeChatModel`. */
export { BaseChatModel, toChatMessages } from "./base-chat-model.js";
export type { BaseChatModelCallOptions, BaseChatModelParams, BaseLanguageModelInput } from "./base-chat-model.js";
export { FakeChatModel } from "./fake-chat-model.js";
export type { FakeChatModelOptions } from "./fake-chat-model.js";
