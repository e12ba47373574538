/**
 * chainserve's runnable core: composition, streaming, tracing (streamLog / streamEvents),
 * messages, prompts, parsers, retrievers and chat models. Transport-free: no fastify,
 * undici or pino here. Importing this module registers the composition classes.
 */
export { Runnable, isRunnable, coerceToRunnable, toError } from "./runnable.js";
export type { RunnableLike, BatchOptions, ConfigurableSpec } from "./runnable.js";
export { ensureConfig, mergeConfigs, childConfig, CONFIG_KEYS, DEFAULT_RECURSION_LIMIT } from "./config.js";
export type { RunnableConfig } from "./config.js";
export { ChainserveError, ERROR_CODES, isChainserveError, isAbortError, isTimeoutError } from "./errors.js";
export type { ErrorCode, ChainserveErrorOptions } from "./errors.js";
export type { RetryOptions, FallbackOptions, ConfigurableFieldSpec } from "./registry.js";
export { RunnableLambda } from "./runnables/lambda.js";
export type { LambdaFunction, LambdaResult } from "./runnables/lambda.js";
export { RunnableSequence } from "./runnables/sequence.js";
export { RunnableMap, RunnableParallel } from "./runnables/parallel.js";
export { RunnablePassthrough } from "./runnables/passthrough.js";
export type { PassthroughFunc } from "./runnables/passthrough.js";
export { RunnableAssign } from "./runnables/assign.js";
export { RunnablePick } from "./runnables/pick.js";
export { RunnableBranch } from "./runnables/branch.js";
export type { BranchLike } from "./runnables/branch.js";
export { RunnableBinding } from "./runnables/binding.js";
export { RunnableRetry } from "./runnables/retry.js";
export { RunnableWithFallbacks } from "./runnables/fallbacks.js";
export { RunnableConfigurableFields, RunnableConfigurableAlternatives } from "./runnables/configurable.js";
export type { ConfigurableField } from "./runnables/configurable.js";
export { concat, concatAll, tryConcat, markCumulative } from "./concat.js";
export type { ConcatResult } from "./concat.js";
export type { Run, RunListener, RunType } from "./tracing/run.js";
export { dispatchCustomEvent } from "./tracing/custom-event.js";
export { fromLangChain } from "./langchain/from-langchain.js";
export { LangChainRunnable } from "./langchain/leaf.js";
export { isLangChainRunnable } from "./langchain/detect.js";
export type { LangChainRunnableLike, LangChainInput, LangChainOutput, FromLangChain } from "./langchain/detect.js";
export type { FromLangChainOptions } from "./langchain/from-langchain.js";
// The tracers register themselves with the Runnable base on load.
import "./tracing/stream-log.js";
import "./tracing/stream-events.js";
export { RunLogPatch, RunLog } from "./tracing/stream-log.js";
export type { StreamLogOptions, RunState, LogEntry, Operation } from "./tracing/stream-log.js";
export type { StreamEvent, StreamEventsOptions, EventFilters } from "./tracing/stream-events.js";
export {
  BaseMessage,
  BaseMessageChunk,
  HumanMessage,
  HumanMessageChunk,
  AIMessage,
  AIMessageChunk,
  SystemMessage,
  SystemMessageChunk,
  ToolMessage,
  ToolMessageChunk,
  ChatMessage,
  ChatMessageChunk,
  coerceMessageLike,
  getBufferString,
  isBaseMessage,
  isBaseMessageChunk,
  messageToChunk,
  chunkToMessage,
} from "./messages/index.js";
export type {
  BaseMessageFields,
  ContentBlock,
  MessageContent,
  MessageType,
  AIMessageFields,
  AIMessageChunkFields,
  ToolMessageFields,
  ChatMessageFields,
  ToolCall,
  ToolCallChunk,
  InvalidToolCall,
  UsageMetadata,
  MessageLike,
} from "./messages/index.js";
export { Document, isDocument } from "./documents/index.js";
export type { DocumentInput } from "./documents/index.js";
export { StringPromptValue, ChatPromptValue, isPromptValue } from "./prompt-values.js";
export type { PromptValue } from "./prompt-values.js";

// ---- prompts, output parsers, retrievers, chat models (appended by the prompts/models work) ----
export { PromptTemplate, ChatPromptTemplate, MessagesPlaceholder } from "./prompts/index.js";
export type { PromptTemplateInput, MessageTemplateLike, MessagesPlaceholderOptions, FStringInput, FStringVariables } from "./prompts/index.js";
export { StrOutputParser, JsonOutputParser, parseJsonMarkdown } from "./output-parsers/index.js";
export { BaseRetriever, BM25Retriever, InMemoryBM25Retriever } from "./retrievers/index.js";
export type { BaseRetrieverInput, BM25RetrieverOptions, ScoredDocument } from "./retrievers/index.js";
export { BaseChatModel, FakeChatModel, toChatMessages } from "./language-models/index.js";
export type { BaseChatModelCallOptions, BaseChatModelParams, BaseLanguageModelInput, FakeChatModelOptions } from "./language-models/index.js";
// ---- end prompts/models block ----
