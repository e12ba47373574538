/**
 * `POST {path}/stream_log`: the run log as JSON-patch `{"ops": […]}` events. Always patches:
 * the client's `diff` is ignored, as in LangServe (the Python client sends true, the JS one false,
 * and both expect patches).
 */
import type { MountGuard } from "./mount-guard.js";
import type { ResolvedOptions } from "./options.js";
import { sseHandler } from "./sse-handler.js";
import { createDataFrameEncoder } from "./chunk-json.js";
import { merged } from "../core/utils/objects.js";

function createPatchEncoder(): (patch: unknown) => string {
  const encode = createDataFrameEncoder();
  // Only `ops` is wire data; a patch object may carry more (methods, state).
  return (patch) => encode({ ops: (patch as { ops?: unknown }).ops ?? [] });
}

/** The stream_log handler for `mount`. */
export function streamLogHandler(mount: ResolvedOptions, guard: MountGuard) {
  return sseHandler(mount, guard, {
    endpoint: "stream_log",
    filters: true,
    source: ({ input, config }, filters) => mount.runnable.streamLog(input, config, merged(filters, { diff: true as const })),
    encoder: createPatchEncoder,
  });
}
