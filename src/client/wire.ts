/**
 * Request bodies exactly as LangServe clients send them (runnable-semantics.md B.2,
 * langserve-protocol.md §6.2): `{input, config, kwargs}`, batch configs as a list, the six
 * stream filters snake_case. Config keys are snake_case like the Python client, because
 * Python LangServe understands only `recursion_limit` (not `recursionLimit`); chainserve's
 * server accepts both spellings.
 */
import type { RunnableConfig } from "../core/config.js";
import { DEFAULT_RECURSION_LIMIT } from "../core/config.js";
import type { RunFilters } from "../core/tracing/filters.js";
import type { BatchRequest, InvokeRequest, StreamEventsRequest, StreamFilters, StreamLogRequest, WireConfig } from "../serde/envelopes.js";
import { toLangServe } from "../serde/lc-json.js";
import { assignOwn, isPlainObject } from "../core/utils/objects.js";

/** True for values JSON keeps as they are (primitives, arrays and plain objects of them). */
function isJsonable(value: unknown, depth = 0): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      return Number.isFinite(value);
    case "object":
      if (depth > 32) return false;
      if (Array.isArray(value)) return value.every((v) => isJsonable(v, depth + 1));
      return isPlainObject(value) && Object.values(value).every((v) => v === undefined || isJsonable(v, depth + 1));
    default:
      return false;
  }
}

/** Only the JSON-able entries: the Python client drops the rest (checkpointers, callbacks…). */
function jsonEntries(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (isJsonable(value)) out[key] = value;
  return out;
}

/**
 * The config as it travels: tags, metadata, recursion_limit always (as both LangServe
 * clients send them); `configurable` only when non-empty — LangServe answers 422 to
 * `{"configurable": {}}` on configurable routes that do not allow it (§2.5), which is why the
 * Python client cannot call those; `max_concurrency` and `run_id` when set. `runName` is not
 * sent: the server names the run after its mount path. `signal` and `timeout` stay local.
 * @example
 * wireConfig({ tags: ["t"], recursionLimit: 10 }); // { tags: ["t"], metadata: {}, recursion_limit: 10 }
 */
export function wireConfig(config: RunnableConfig | undefined): WireConfig {
  const out: WireConfig = {
    tags: config?.tags ?? [],
    metadata: jsonEntries(config?.metadata ?? {}),
    recursion_limit: config?.recursionLimit ?? DEFAULT_RECURSION_LIMIT,
  };
  const configurable = config?.configurable === undefined ? {} : jsonEntries(config.configurable);
  if (Object.keys(configurable).length > 0) out.configurable = configurable;
  if (config?.maxConcurrency !== undefined) out.max_concurrency = config.maxConcurrency;
  if (config?.runId !== undefined) out.run_id = config.runId;
  return out;
}

/**
 * The `/invoke` and `/stream` body.
 * @example
 * invokeBody({ topic: "bears" }, undefined);
 * // { input: { topic: "bears" }, config: { tags: [], metadata: {}, recursion_limit: 25 }, kwargs: {} }
 */
export function invokeBody(input: unknown, config: RunnableConfig | undefined): InvokeRequest {
  return { input: toLangServe(input), config: wireConfig(config), kwargs: {} };
}

/**
 * The `/batch` body: one config per input, always a list (as both LangServe clients send it).
 * @example
 * batchBody([1, 2], [{ tags: ["a"] }, { tags: ["b"] }]).config; // [{ tags: ["a"], … }, { tags: ["b"], … }]
 */
export function batchBody(inputs: readonly unknown[], configs: readonly (RunnableConfig | undefined)[]): BatchRequest {
  return { inputs: inputs.map((input) => toLangServe(input)), config: configs.map(wireConfig), kwargs: {} };
}

const FILTERS = [
  ["includeNames", "include_names"],
  ["includeTypes", "include_types"],
  ["includeTags", "include_tags"],
  ["excludeNames", "exclude_names"],
  ["excludeTypes", "exclude_types"],
  ["excludeTags", "exclude_tags"],
] as const;

/**
 * The filters that are set, snake_case.
 * @example
 * wireFilters({ includeNames: ["Docs"] }); // { include_names: ["Docs"] }
 */
export function wireFilters(filters: RunFilters | undefined): StreamFilters {
  const out: StreamFilters = {};
  if (filters === undefined) return out;
  for (const [camel, snake] of FILTERS) {
    const value = filters[camel];
    if (value !== undefined) out[snake] = value;
  }
  return out;
}

/**
 * The `/stream_log` body. `diff: true` always, whatever the caller asked for: the server
 * streams patches regardless (LangServe ignores `diff`), and the client folds them itself
 * for `diff: false`.
 * @example
 * streamLogBody(1, undefined, { includeTypes: ["llm"], diff: false }); // { …, include_types: ["llm"], diff: true }
 */
export function streamLogBody(input: unknown, config: RunnableConfig | undefined, filters: RunFilters | undefined): StreamLogRequest {
  return assignOwn(assignOwn(invokeBody(input, config), wireFilters(filters)), { diff: true as const });
}

/**
 * The `/stream_events` body; the version travels in `kwargs` as the LangChain.js client sends it.
 * @example
 * streamEventsBody(1, undefined, undefined).kwargs; // { version: "v2" }
 */
export function streamEventsBody(input: unknown, config: RunnableConfig | undefined, filters: RunFilters | undefined): StreamEventsRequest {
  return assignOwn({ input: toLangServe(input), config: wireConfig(config), kwargs: { version: "v2" as const } }, wireFilters(filters));
}
