/**
 * `streamLog`: a run and all its sub-runs as a stream of JSON-patch operations, in the
 * form Python LangChain's `astream_log` produces and LangServe's `/stream_log` sends.
 */
import type { RunnableConfig } from "../config.js";
import type { Runnable } from "../runnable.js";
import { createRunFilter, type RunFilters } from "./filters.js";
import { LogTracer } from "./log-tracer.js";
import { driveTraced } from "./pump.js";
import { registry } from "../registry.js";
import { accumulateLogs, type RunLog, type RunLogPatch } from "./run-log.js";

export { RunLog, RunLogPatch } from "./run-log.js";
export type { AddOperation, LogEntry, Operation, RemoveOperation, ReplaceOperation, RunState } from "./run-log.js";
export type { RunFilters } from "./filters.js";
export type { LogRunType } from "./values.js";

/** Options of `streamLog`: the six run filters (they only affect `logs`) and the output form. */
export interface StreamLogOptions extends RunFilters {
  /**
   * `true`: yield one {@link RunLogPatch} per event. `false`: yield {@link RunLog}s, each
   * with every op so far and its own copy of the accumulated state.
   * @default true
   */
  diff?: boolean | undefined;
}

/**
 * Stream `runnable` on `input` and yield its run log as it happens.
 *
 * The first patch is one `replace ""` with the root {@link RunState}; then, one patch
 * each: `add /logs/<key>` when a sub-run starts (keys `Name`, `Name:2`, …), its streamed
 * chunks (model tokens as `streamed_output_str` + `streamed_output`), `[add /streamed_output/-,
 * …/final_output diff]` per root chunk, and `[final_output, end_time]` when a sub-run ends.
 * A failure of the root is thrown after the patches produced before it. Stopping the
 * iteration aborts the run.
 * @example
 * for await (const patch of runStreamLog(chain, { topic: "bears" }, ensureConfig(), {})) {
 *   console.log(patch.ops);
 * }
 */
export function runStreamLog(
  runnable: Runnable,
  input: unknown,
  config: RunnableConfig,
  options: StreamLogOptions,
): AsyncGenerator<RunLogPatch | RunLog> {
  const include = createRunFilter(options);
  const patches = driveTraced<RunLogPatch>(runnable, input, config, (context) => new LogTracer(context, include));
  return options.diff === false ? accumulateLogs(patches) : patches;
}


registry.streamLog = runStreamLog;
