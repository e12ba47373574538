/**
 * Request and response envelopes of the LangServe endpoints (langserve-protocol.md §2–§3),
 * shared by the server (which builds responses) and the client (which builds requests).
 * Key order matters for byte-level comparisons with LangServe captures and is kept here.
 */

/** The six stream_log / stream_events filters, as they travel (snake_case). */
export const STREAM_FILTER_KEYS = [
  "include_names",
  "include_types",
  "include_tags",
  "exclude_names",
  "exclude_types",
  "exclude_tags",
] as const;

/** One of {@link STREAM_FILTER_KEYS}. */
export type StreamFilterKey = (typeof STREAM_FILTER_KEYS)[number];

/** The filters of stream_log and stream_events: lists of strings, or null / absent for "no filter". */
export type StreamFilters = { [K in StreamFilterKey]?: string[] | null };

/**
 * The config object a client may send. The server accepts snake_case (Python client) and
 * camelCase (LangChain.js client) keys and drops what the mount does not allow.
 */
export interface WireConfig {
  tags?: string[];
  metadata?: Record<string, unknown>;
  configurable?: Record<string, unknown>;
  recursion_limit?: number;
  recursionLimit?: number;
  max_concurrency?: number | null;
  maxConcurrency?: number | null;
  run_id?: string;
  runId?: string;
  /** Ignored by the server: the run name is the mount path. */
  run_name?: string;
  /** Ignored by the server: the run name is the mount path. */
  runName?: string;
  [key: string]: unknown;
}

/** Body of `invoke` and `stream`. `config: null` counts as `{}`; `kwargs` is ignored. */
export interface InvokeRequest<TInput = unknown> {
  input: TInput;
  config?: WireConfig | null;
  kwargs?: unknown;
}

/** Body of `batch`: one config for all inputs, or one per input. */
export interface BatchRequest<TInput = unknown> {
  inputs: TInput[];
  config?: WireConfig | WireConfig[] | null;
  kwargs?: unknown;
}

/** Body of `stream_log`; `diff` is ignored (the server always streams patches). */
export interface StreamLogRequest<TInput = unknown> extends InvokeRequest<TInput>, StreamFilters {
  diff?: boolean;
}

/** Body of `stream_events`; a version in the body or in `kwargs` is ignored (the server's wins). */
export interface StreamEventsRequest<TInput = unknown> extends InvokeRequest<TInput>, StreamFilters {}

/** A LangSmith feedback token (always an empty list here: chainserve has no LangSmith). */
export interface FeedbackToken {
  key: string;
  token_url: string | null;
  expires_at: string | null;
}

/** Per-run metadata in invoke and batch responses. */
export interface RunMetadata {
  run_id: string;
  feedback_tokens: FeedbackToken[];
}

/** Response of `invoke`. */
export interface InvokeResponse<TOutput = unknown> {
  output: TOutput;
  metadata: RunMetadata;
}

/** Response of `batch`; `run_ids` is LangServe's legacy parallel list. */
export interface BatchResponse<TOutput = unknown> {
  output: TOutput[];
  metadata: { responses: RunMetadata[]; run_ids: string[] };
}

/** `{"run_id": …}` of the `/stream` metadata event. */
export interface StreamMetadata {
  run_id: string;
}

/** `{"status_code": …, "message": …}` of the SSE `error` event. */
export interface StreamErrorPayload {
  status_code: number;
  message: string;
}

/**
 * The invoke response envelope; `output` must already be in LangServe JSON shapes.
 * @example
 * invokeResponse(2, runId); // { output: 2, metadata: { run_id: runId, feedback_tokens: [] } }
 */
export function invokeResponse<TOutput>(output: TOutput, runId: string): InvokeResponse<TOutput> {
  return { output, metadata: { run_id: runId, feedback_tokens: [] } };
}

/**
 * The batch response envelope: outputs in input order, one metadata entry per run.
 * @example
 * batchResponse([2, 3], [id1, id2]);
 * // { output: [2, 3], metadata: { responses: [{ run_id: id1, feedback_tokens: [] }, …], run_ids: [id1, id2] } }
 */
export function batchResponse<TOutput>(outputs: TOutput[], runIds: string[]): BatchResponse<TOutput> {
  return {
    output: outputs,
    metadata: { responses: runIds.map((id) => ({ run_id: id, feedback_tokens: [] })), run_ids: runIds },
  };
}
