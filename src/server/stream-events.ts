/**
 * `POST {path}/stream_events`: one `data` event per stream event, in the version the server
 * chose (the client's is ignored), with every metadata key starting with `__` removed (§4.8).
 */
import { copyConfig } from "../core/config.js";
import type { MountGuard } from "./mount-guard.js";
import type { ResolvedOptions } from "./options.js";
import { sseHandler } from "./sse-handler.js";
import { encodeDataFrame } from "../serde/sse.js";
import { createJsonWriter, jsonKey, nonAsciiCount } from "./chunk-json.js";
import { isPlainObject } from "../core/utils/objects.js";

/** `metadata` without keys starting with `__` (the same object when it has none). */
function keptMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(metadata);
  if (!keys.some((k) => k.startsWith("__"))) return metadata;
  const kept: Record<string, unknown> = {};
  for (const key of keys) if (!key.startsWith("__")) kept[key] = metadata[key];
  return kept;
}

/** Event keys whose values are the same in every event of one run (the tracer copies them from the run). */
const RUN_KEYS = new Set(["run_id", "name", "tags", "metadata", "parent_ids"]);

/** The most distinct `event` names one encoder remembers the JSON of. */
const MAX_EVENT_NAMES = 64;

/**
 * Per stream: `encodeDataFrame(JSON.stringify(toLangServe(event)))` with `__` metadata keys
 * stripped. An event repeats its run's id, name, tags, metadata and parent ids, so their JSON
 * is made once per run id and reused (a chat run's ~44 events carry ~30 copies of the model
 * run's), and the metadata is stripped once per run, not per event. Event names recur too.
 * @example
 * const encode = createEventEncoder();
 * encode({ event: "on_chain_start", run_id: "r", metadata: { __useragent: "x", k: 1 } });
 * // 'event: data\r\ndata: {"event":"on_chain_start","run_id":"r","metadata":{"k":1}}\r\n\r\n'
 */
export function createEventEncoder(): (event: unknown) => string {
  const write = createJsonWriter();
  // Per run id: key → `"key":json` ("" when the value is dropped).
  const byRun = new Map<string, Map<string, string>>();
  // `"event":"on_…"` by event name.
  const names = new Map<string, string>();
  return (item) => {
    if (!isPlainObject(item)) return encodeDataFrame(write(item) ?? "null");
    let fragments: Map<string, string> | undefined;
    if (typeof item.run_id === "string") {
      fragments = byRun.get(item.run_id);
      if (fragments === undefined) {
        fragments = new Map();
        byRun.set(item.run_id, fragments);
      }
    }
    // A custom event carries its run's id, tags and metadata but its own name.
    const custom = item.event === "on_custom_event";
    let out = "";
    for (const key of Object.keys(item)) {
      const perRun = fragments !== undefined && RUN_KEYS.has(key) && !(custom && key === "name");
      const name = key === "event" && typeof item.event === "string" ? item.event : undefined;
      let piece = perRun ? fragments?.get(key) : name !== undefined ? names.get(name) : undefined;
      if (piece === undefined) {
        let value = item[key];
        if (key === "metadata" && isPlainObject(value)) value = keptMetadata(value);
        const before = nonAsciiCount();
        const json = write(value);
        piece = json === undefined ? "" : jsonKey(key) + json;
        // A piece outside ASCII is not remembered: made again, it is counted for every frame.
        const ascii = nonAsciiCount() === before;
        if (ascii && perRun) fragments?.set(key, piece);
        else if (ascii && name !== undefined && names.size < MAX_EVENT_NAMES) names.set(name, piece);
      }
      if (piece !== "") out += out === "" ? piece : `,${piece}`;
    }
    return encodeDataFrame(`{${out}}`);
  };
}

/** The stream_events handler for `mount`. */
export function streamEventsHandler(mount: ResolvedOptions, guard: MountGuard) {
  return sseHandler(mount, guard, {
    endpoint: "stream_events",
    filters: true,
    // copyConfig, not a spread: the run's deferred signal stays unmade (request-signal.ts).
    source: ({ input, config }, filters) => mount.runnable.streamEvents(input, Object.assign(copyConfig(config), { version: mount.streamEventsVersion }), filters),
    encoder: createEventEncoder,
  });
}
