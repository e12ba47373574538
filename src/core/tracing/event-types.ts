/** The shape of stream_events v2 events (Python langchain-core's, with `parent_ids`). */
import type { RunType } from "./run.js";

/** `data` of a run event, by phase: `start` → `{input}` (or `{}`), `stream` → `{chunk}`, `end` → `{output, input}`. */
export interface StreamEventData {
  /** The run's input (start: only when known at start; end: known or accumulated). */
  input?: unknown;
  /** One streamed chunk. */
  chunk?: unknown;
  /** The run's output. */
  output?: unknown;
}

/** Fields every event has. */
interface StreamEventBase {
  /** Run name, or the custom event's name. */
  name: string;
  /** Id of the run (for custom events: of the run that dispatched it). */
  run_id: string;
  /** The run's tags (structural tag first). */
  tags: string[];
  /** The run's metadata. */
  metadata: Record<string, unknown>;
  /** Ids of all ancestors, root first; `[]` for the root. */
  parent_ids: string[];
}

/** `on_<run type>_<start|stream|end>`. */
export type RunEventName = `on_${RunType}_${"start" | "stream" | "end"}`;

/** An event about one run. */
export interface RunStreamEvent extends StreamEventBase {
  /** `on_chain_start`, `on_chat_model_stream`, `on_retriever_end`, … */
  event: RunEventName;
  /** Input, chunk or output, by phase. */
  data: StreamEventData;
}

/** An event a runnable dispatched with `dispatchCustomEvent`. */
export interface CustomStreamEvent extends StreamEventBase {
  /** Always `on_custom_event`. */
  event: "on_custom_event";
  /** The payload, as dispatched. */
  data: unknown;
}

/** One stream_events v2 event. Narrow on `event` to read `data`. */
export type StreamEvent = RunStreamEvent | CustomStreamEvent;
