/**
 * `POST {path}/stream`: one `data` event per output chunk, preceded (just before the first
 * chunk) by `metadata` `{"run_id": …}`, ended by `end` (langserve-protocol.md §4.5–§4.6).
 */
import { encodeMetadataFrame } from "../serde/sse.js";
import { createDataFrameEncoder } from "./chunk-json.js";
import type { MountGuard } from "./mount-guard.js";
import type { ResolvedOptions } from "./options.js";
import { sseHandler } from "./sse-handler.js";

/** The stream handler for `mount`. */
export function streamHandler(mount: ResolvedOptions, guard: MountGuard) {
  return sseHandler(mount, guard, {
    endpoint: "stream",
    filters: false,
    source: ({ input, config }) => mount.runnable._streamIterator(input, config),
    encoder: createDataFrameEncoder,
    firstFrame: ({ config }) => encodeMetadataFrame(config.runId),
  });
}
