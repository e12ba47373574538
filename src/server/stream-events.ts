/**
 * `POST {path}/stream_events`: one `data` event per stream event, in the version the server
 * chose (the client's is ignored), with every metadata key starting with `__` removed (§4.8).
 */
import type { ResolvedOptions } from "./options.js";
import { sseHandler } from "./sse-handler.js";
import { createFrameEncoder } from "./stream.js";

/** `metadata` without keys starting with `__` (the same object when it has none). */
function keptMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(metadata);
  if (!keys.some((k) => k.startsWith("__"))) return metadata;
  const kept: Record<string, unknown> = {};
  for (const key of keys) if (!key.startsWith("__")) kept[key] = metadata[key];
  return kept;
}

/**
 * Per stream: events carry a copy of their run's metadata, so the stripped metadata (what is
 * serialized, never handed to user code) is computed once per run id, not once per event.
 */
function createEventEncoder(): (event: unknown) => string {
  const encode = createFrameEncoder();
  // null: that run's metadata has nothing to strip.
  const byRun = new Map<string, Record<string, unknown> | null>();
  return (item) => {
    const event = item as { run_id?: unknown; metadata?: unknown } | null;
    const metadata = event?.metadata;
    if (typeof metadata !== "object" || metadata === null) return encode(item);
    const runId = typeof event?.run_id === "string" ? event.run_id : undefined;
    let kept = runId === undefined ? undefined : byRun.get(runId);
    if (kept === undefined) {
      const stripped = keptMetadata(metadata as Record<string, unknown>);
      kept = stripped === metadata ? null : stripped;
      if (runId !== undefined) byRun.set(runId, kept);
    }
    return encode(kept === null ? item : { ...(item as object), metadata: kept });
  };
}

/** The stream_events handler for `mount`. */
export function streamEventsHandler(mount: ResolvedOptions) {
  return sseHandler(mount, {
    endpoint: "stream_events",
    filters: true,
    source: ({ input, config }, filters) => mount.runnable.streamEvents(input, { ...config, version: mount.streamEventsVersion }, filters),
    encoder: createEventEncoder,
  });
}
