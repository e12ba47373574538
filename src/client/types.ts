/**
 * Type plumbing for `RemoteRunnable`: the server's chain types reach the client through a
 * type-only import (`import type { chat } from "./chains/chat.js"`), so no server code ends
 * up in the client bundle.
 */
import type { Runnable } from "../core/runnable.js";
import type { LangChainInput, LangChainOutput, LangChainRunnableLike } from "../core/langchain/detect.js";
import type { HeadersOption } from "./http.js";

/**
 * The input type of a runnable type.
 * @example
 * type ChatInput = RunnableInput<typeof chat>; // { topic: string }
 */
export type RunnableInput<R> = R extends Runnable<infer I, any, any> ? I : R extends LangChainRunnableLike ? LangChainInput<R> : never;

/**
 * The output type of a runnable type.
 * @example
 * type ChatOutput = RunnableOutput<typeof chat>; // AIMessage
 */
export type RunnableOutput<R> = R extends Runnable<any, infer O, any> ? O : R extends LangChainRunnableLike ? LangChainOutput<R> : never;

declare const _unset: unique symbol;
/** The default of `RemoteRunnable`'s second type parameter: "not given". */
export type Unset = typeof _unset;

/**
 * The input type of `RemoteRunnable<A, B>`: with one argument that is a runnable type, its
 * input; otherwise `A` itself.
 */
export type RemoteInput<A, B> = [B] extends [Unset] ? (A extends Runnable<any, any, any> | LangChainRunnableLike ? RunnableInput<A> : A) : A;

/**
 * The output type of `RemoteRunnable<A, B>`: with one argument that is a runnable type, its
 * output; with two, `B`; with a plain input type only, `unknown`.
 */
export type RemoteOutput<A, B> = [B] extends [Unset] ? (A extends Runnable<any, any, any> | LangChainRunnableLike ? RunnableOutput<A> : unknown) : B;

/** Options of `new RemoteRunnable(…)`. */
export interface RemoteRunnableOptions {
  /** Base URL of the mounted runnable, e.g. `http://localhost:8000/chat` (`/invoke` etc. are appended). */
  url: string;
  /** Extra headers, or a function returning them per request (e.g. a fresh auth token). */
  headers?: HeadersOption;
  /** Total time for a non-streaming call (invoke, batch, schemas), in ms; 0 disables. @default 60000 */
  timeout?: number;
  /**
   * Longest silence allowed in a stream, in ms (bytes of any kind count, so the server's
   * 15-second pings keep a slow stream alive); 0 disables. Streams have no total timeout.
   * @default 60000
   */
  streamIdleTimeout?: number;
  /** A `fetch` to use instead of the default transport (undici in Node, `fetch` elsewhere). */
  fetch?: typeof fetch;
}

/** A JSON Schema document, as the schema endpoints return it. */
export type JsonSchema = Record<string, unknown>;
