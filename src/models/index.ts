/** Chat models that talk to real providers over HTTP (undici). Not part of the transport-free core. */
export { ChatOpenAICompatible } from "./openai-chat-model.js";
export type { ChatOpenAICompatibleOptions, ChatOpenAICompatibleCallOptions } from "./openai-chat-model.js";
export type { UpstreamOptions } from "./upstream.js";
