/**
 * Telling a LangChain.js (`@langchain/core` 0.3.x or 1.x) runnable from a chainserve one, by
 * duck typing: `@langchain/core` is an optional peer and is never imported to check.
 * Both libraries brand runnables with `lc_runnable`; only LangChain.js's are `Serializable`
 * with an `lc_namespace` list.
 */
import type { AIMessage, AIMessageChunk } from "../messages/ai.js";
import type { BaseMessage } from "../messages/base.js";
import type { Document } from "../documents/document.js";
import type { ChatPromptValue, StringPromptValue } from "../prompt-values.js";

/**
 * The structural type of a LangChain.js runnable, enough to infer its input and output
 * (`lc_runnable` is `protected` in LangChain.js's declarations, so it cannot appear here).
 */
export interface LangChainRunnableLike<RunInput = any, RunOutput = any> {
  /** LangChain.js's serialization namespace, e.g. `["langchain_core", "runnables"]`. */
  lc_namespace: string[];
  /** LangChain.js's `invoke`. */
  invoke(input: RunInput, options?: any): Promise<RunOutput>;
  /** LangChain.js's `getName`. */
  getName(suffix?: string): string;
}

/** Whether `value` is a LangChain.js runnable (any version), as opposed to a chainserve one. */
export function isLangChainRunnable(value: unknown): value is LangChainRunnableLike {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { lc_runnable?: unknown; lc_namespace?: unknown; invoke?: unknown };
  return candidate.lc_runnable === true && Array.isArray(candidate.lc_namespace) && typeof candidate.invoke === "function";
}

/**
 * The chainserve type of a value that LangChain.js produced: messages, chunks and documents
 * become chainserve's (the adapter converts them), containers are mapped, the rest stays.
 * Arrays are tested first: an array has a `concat` method, which would read as a chunk.
 */
export type FromLangChain<T> = T extends string | number | boolean | null | undefined
  ? T
  : T extends readonly (infer E)[]
    ? FromLangChain<E>[]
    : T extends { pageContent: string }
      ? Document
      : T extends { toChatMessages(): unknown; messages: unknown }
        ? ChatPromptValue
        : T extends { toChatMessages(): unknown; value: string }
          ? StringPromptValue
          : T extends { content: unknown; additional_kwargs: unknown }
            ? MessageFromLangChain<T>
            : T extends Record<string, unknown>
              ? { [K in keyof T]: FromLangChain<T[K]> }
              : T;

/**
 * A LangChain.js message's chainserve type, by the keys its class declares: both versions
 * declare `tool_calls` optional on AI messages only, and `tool_call_chunks` on their chunks
 * only (an optional key still counts in `keyof`; a structural test would match any message).
 */
type MessageFromLangChain<T> = "tool_call_chunks" extends keyof T ? AIMessageChunk : "tool_calls" extends keyof T ? AIMessage : BaseMessage;

/** The input type of a LangChain.js runnable. */
export type LangChainInput<R> = R extends LangChainRunnableLike<infer I, any> ? I : never;

/** The output type of a LangChain.js runnable, as chainserve hands it out. */
export type LangChainOutput<R> = R extends LangChainRunnableLike<any, infer O> ? FromLangChain<O> : never;
