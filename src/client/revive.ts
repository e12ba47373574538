/**
 * From wire payloads to chainserve objects: stream chunks and event dicts via
 * `fromLangServe`, stream_log payloads into RunLogPatch objects, and the `diff: false` fold.
 */
import { RunLogPatch, type Operation } from "../core/tracing/run-log.js";
import type { StreamEvent } from "../core/tracing/stream-events.js";
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

