/**
 * From wire payloads to chainserve objects: stream chunks and event dicts via
 * `fromLangServe`, stream_log payloads into RunLogPatch objects, and the `diff: false` fold.
 */
import { RunLog, RunLogPatch, applyOps, type Operation, type RunState } from "../core/tracing/run-log.js";
import type { StreamEvent } from "../core/tracing/stream-events.js";
import { cloneValue } from "../core/tracing/values.js";
import { fromLangServe } from "../serde/lc-json.js";
import { protocolError } from "./errors.js";
import type { StreamState } from "./http.js";

/**
 * Revive one `/stream_log` payload `{"ops": […]}` (values revived), checking its shape.
 * @example
 * revivePatch({ ops: [{ op: "add", path: "/streamed_output/-", value: "a" }] }, url, {}).ops;
 */
export function revivePatch(payload: unknown, url: string, state: StreamState): RunLogPatch {
  const ops = (payload as { ops?: unknown } | null)?.ops;
  if (!Array.isArray(ops) || ops.length === 0) throw protocolError(`A stream_log message from ${url} has no ops`, url, state.runId);
  const revived = fromLangServe(ops) as Operation[];
  // The first patch replaces the root: its id is the server's run id.
  const first = revived[0];
  if (state.runId === undefined && first?.op === "replace" && first.path === "") {
    const id = (first.value as { id?: unknown } | null)?.id;
    if (typeof id === "string") state.runId = id;
  }
  return new RunLogPatch(revived);
}

/**
 * Revive one `/stream_events` payload (Documents and messages inside `data` become objects).
 * @example
 * reviveEvent({ event: "on_chain_start", name: "/chat", run_id: "r", tags: [], metadata: {}, data: {}, parent_ids: [] }, state);
 */
export function reviveEvent(payload: unknown, state: StreamState): StreamEvent {
  const event = fromLangServe(payload) as StreamEvent;
  // The root's events come first and carry no parents: that id is the server's run id.
  if (state.runId === undefined && Array.isArray(event.parent_ids) && event.parent_ids.length === 0) state.runId = event.run_id;
  return event;
}

/**
 * The `diff: false` form: each RunLog holds every op so far and its own copy of the state.
 * Ops are applied to a private state with their values copied first (`applyOps`), so a
 * consumer who also folds the patches never gets an op applied twice (the LangChain.js
 * client's aliasing bug, runnable-semantics.md B.7), and no yielded state aliases another.
 * @example
 * for await (const log of accumulateLogs(patches)) console.log(log.state.final_output);
 */
export async function* accumulateLogs(patches: AsyncIterable<RunLogPatch>): AsyncGenerator<RunLog> {
  let state: unknown = null;
  const ops: Operation[] = [];
  for await (const patch of patches) {
    state = applyOps(state, patch.ops);
    ops.push(...patch.ops);
    yield new RunLog([...ops], cloneValue(state) as RunState);
  }
}
