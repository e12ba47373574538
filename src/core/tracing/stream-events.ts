/**
 * `streamEvents`: a run and all its sub-runs as a stream of v2 events, in the form Python
 * LangChain's `astream_events(version="v2")` produces and LangServe's `/stream_events`
 * sends (with `parent_ids`, model tokens before downstream events).
 */
import type { RunnableConfig } from "../config.js";
import type { Runnable } from "../runnable.js";
import { EventTracer } from "./event-tracer.js";
import type { StreamEvent } from "./event-types.js";
import { createRunFilter, type RunFilters } from "./filters.js";
import { driveTraced } from "./pump.js";
import { registry } from "../registry.js";

export type { CustomStreamEvent, RunEventName, RunStreamEvent, StreamEvent, StreamEventData } from "./event-types.js";

/**
 * The event schema version `streamEvents` is asked for. Both produce the v2 events: the
 * legacy v1 schema is not implemented, and LangServe servers pin one version anyway.
 */
export interface StreamEventsOptions {
  /** `"v2"`; `"v1"` is accepted and answered with v2 events. */
  version: "v1" | "v2";
}

/**
 * Which runs' events to send (names, types such as `chat_model` or `retriever`, tags).
 * Unlike stream_log, the filters apply to the root run too; custom events are matched by
 * their event name (as both name and type) and the dispatching run's tags.
 */
export type EventFilters = RunFilters;

/**
 * Stream `runnable` on `input` and yield v2 events as they happen: `on_<type>_start`,
 * `on_<type>_stream` per chunk (inside-out: the producing run first, then each run that
 * re-yields it), `on_<type>_end`, and `on_custom_event`. The root's start carries the
 * input as given, its end only the output, and it is the last event. A failure yields no
 * error event: the generator throws after the events produced before it. Stopping the
 * iteration aborts the run.
 * @example
 * for await (const event of runStreamEvents(chain, { topic: "bears" }, ensureConfig(), { includeTypes: ["chat_model"] })) {
 *   if (event.event === "on_chat_model_stream") process(event.data.chunk);
 * }
 */
export function runStreamEvents(
  runnable: Runnable,
  input: unknown,
  config: RunnableConfig,
  filters: EventFilters,
): AsyncGenerator<StreamEvent> {
  const include = createRunFilter(filters);
  return driveTraced<StreamEvent>(runnable, input, config, (context) => new EventTracer(context, include, input));
}

registry.streamEvents = runStreamEvents;
