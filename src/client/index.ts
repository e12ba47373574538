/**
 * `chainserve/client`: call runnables served by chainserve or Python LangServe, from Node
 * (undici, keep-alive) or a browser (`fetch`). Browser-safe: no Node built-ins, fastify or
 * pino in this import graph (test/client/import-graph.test.ts).
 * @example
 * import { RemoteRunnable, isRemoteRunnableError } from "chainserve/client";
 * import type { chat } from "../chains/chat.js"; // type-only: no server code is bundled
 *
 * const remote = new RemoteRunnable<typeof chat>({ url: "http://localhost:8000/chat" });
 * for await (const chunk of await remote.stream({ topic: "bears" })) process.stdout.write(String(chunk.content));
 */
// The composition classes register themselves on import; `pipe`, `withConfig`, `withRetry`
// and `withFallbacks` on a RemoteRunnable need them even when the core entry is not loaded.
// (configurableFields/Alternatives are left out: they pull zod's schema builders.)
import "../core/runnables/lambda.js";
import "../core/runnables/parallel.js";
import "../core/runnables/sequence.js";
import "../core/runnables/binding.js";
import "../core/runnables/retry.js";
import "../core/runnables/fallbacks.js";

export { RemoteRunnable } from "./remote-runnable.js";
export { RemoteRunnableError, isRemoteRunnableError } from "./errors.js";
export { isAbortError, isTimeoutError } from "../core/errors.js";
export type { RemoteRunnableErrorOptions } from "./errors.js";
export type { RemoteRunnableOptions, RunnableInput, RunnableOutput, RemoteInput, RemoteOutput, JsonSchema, Unset } from "./types.js";
export type { HeadersOption } from "./http.js";
export type { RunnableConfig } from "../core/config.js";
export type { ErrorCode } from "../core/errors.js";
export type { RunLog, RunLogPatch } from "../core/tracing/run-log.js";
export type { StreamEvent } from "../core/tracing/stream-events.js";
